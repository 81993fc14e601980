// Start mode of backup-restore over scripted steps (a typed fake of the engine's steps toolkit):
// the safety rules between source and target, what it reads (each cluster once) and in which
// order, the restore under way that it waits for instead, the body it POSTs, what it looks for
// when the POST's answer is lost, and what a cancel means. The real engine runs under it in the
// action-level suite.
import { describe, expect, it, jest } from '@jest/globals'
import { AtlasError } from '../../../../src/atlas/errors.js'
import type { Steps } from '../../../../src/engine/steps.js'
import type { Step } from '../../../../src/engine/step-error.js'
import type { RestoreRef } from '../../../../src/resources/backup-restore/inputs.js'
import { startRestore, STEPS, targetRefusal } from '../../../../src/resources/backup-restore/start.js'
import { stepFailure } from '../../../support/atlas-failure.js'
import { during, scriptedPost } from '../../../support/step-errors.js'
import { restoreStart } from '../../../support/resource-helpers.js'

type Doc = Record<string, unknown>
const GROUP = '32b6e34b3d91647abb20e7b8'
const OTHER_GROUP = '5f4d3c2b1a09f8e7d6c5b4a3'
const hex = (c: string) => c.repeat(24)
const nowId = (offsetSeconds = 0) =>
  Math.floor(Date.now() / 1000 + offsetSeconds)
    .toString(16)
    .padStart(8, '0') + '0'.repeat(16)

const replicaSet = (extra: Doc = {}): Doc => ({
  clusterType: 'REPLICASET',
  mongoDBMajorVersion: '8.0',
  replicationSpecs: [{}],
  connectionStrings: { standardSrv: 'mongodb+srv://staging-1.ab1cd.mongodb.net' },
  ...extra
})
const sharded = (shards: number, extra: Doc = {}): Doc =>
  replicaSet({ clusterType: 'SHARDED', replicationSpecs: Array.from({ length: shards }, () => ({})), ...extra })

describe('targetRefusal(): the restore guide rules, from the two cluster documents', () => {
  it('lets a like target of the same or a newer version through', () => {
    expect(targetRefusal(replicaSet(), replicaSet(), 't')).toBeUndefined()
    expect(targetRefusal(replicaSet(), replicaSet({ mongoDBMajorVersion: '8.2' }), 't')).toBeUndefined()
    expect(targetRefusal(sharded(2), sharded(2), 't')).toBeUndefined()
    expect(targetRefusal(sharded(2), sharded(2, { clusterType: 'GEOSHARDED' }), 't')).toBeUndefined()
    // A replica set may go into a sharded cluster; and what a document leaves out is no reason to refuse.
    expect(targetRefusal(replicaSet(), sharded(3), 't')).toBeUndefined()
    expect(targetRefusal({}, {}, 't')).toBeUndefined()
    expect(targetRefusal(sharded(2), sharded(0), 't')).toBeUndefined()
  })

  it.each([
    ['paused', replicaSet(), replicaSet({ paused: true }), 'The target cluster t is paused'],
    [
      'sharded into a replica set',
      sharded(2),
      replicaSet(),
      'The source cluster is SHARDED and the target cluster t is a replica set'
    ],
    [
      'geosharded into a replica set',
      sharded(2, { clusterType: 'GEOSHARDED' }),
      replicaSet(),
      'The source cluster is GEOSHARDED and the target cluster t is a replica set'
    ],
    ['shards that differ', sharded(3), sharded(2), 'The source cluster has 3 shards and the target cluster t has 2'],
    [
      'an older major',
      replicaSet({ mongoDBMajorVersion: '8.0' }),
      replicaSet({ mongoDBMajorVersion: '7.0' }),
      "runs MongoDB 7.0, older than the source's 8.0"
    ],
    [
      'an older minor',
      replicaSet({ mongoDBMajorVersion: '8.2' }),
      replicaSet({ mongoDBMajorVersion: '8.0' }),
      "runs MongoDB 8.0, older than the source's 8.2"
    ]
  ])('refuses a target that is %s', (_case, source, target, words) => {
    const refusal = targetRefusal(source, target, 't')
    expect(refusal?.message).toContain(words)
    expect(refusal?.hint).toBeTruthy()
    expect(refusal?.headline).toBeTruthy()
  })

  it('refuses a target that is being created or deleted, and an M0 one, and takes one that is updating', () => {
    expect(targetRefusal(replicaSet(), replicaSet({ stateName: 'CREATING' }), 't')).toEqual({
      headline: 'the target cluster t is CREATING',
      message: 'The target cluster t is CREATING',
      hint: 'Wait until t is created (IDLE in the Atlas UI), then run this step again.'
    })
    expect(targetRefusal(replicaSet(), replicaSet({ stateName: 'DELETING' }), 't')).toEqual({
      headline: 'the target cluster t is DELETING',
      message: 'The target cluster t is DELETING',
      hint: 't is being deleted: choose another target cluster.'
    })
    for (const stateName of ['IDLE', 'UPDATING', 'REPAIRING', undefined])
      expect(targetRefusal(replicaSet(), replicaSet({ stateName }), 't')).toBeUndefined()
    const m0 = replicaSet({
      replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', backingProviderName: 'AWS' }] }]
    })
    expect(targetRefusal(replicaSet(), m0, 't')).toEqual({
      headline: 'the target cluster t is an M0 (shared) cluster',
      message: 'The target cluster t is an M0 (shared) cluster, which takes no Cloud Backup restore',
      hint: 'Restore into a dedicated cluster (M10 or larger) with Cloud Backup.'
    })
    const dedicated = replicaSet({ replicationSpecs: [{ regionConfigs: [{ providerName: 'AWS' }, {}] }, {}] })
    expect(targetRefusal(replicaSet(), dedicated, 't')).toBeUndefined()
  })

  it('words each refusal in full', () => {
    expect(targetRefusal(replicaSet(), replicaSet({ paused: true }), 't')).toEqual({
      headline: 'the target cluster t is paused',
      message: 'The target cluster t is paused',
      hint: 'Resume t in the Atlas UI (or with the API), then run this step again.'
    })
    expect(targetRefusal(sharded(2), replicaSet(), 't')).toEqual({
      headline: 'the source is SHARDED and t is a replica set',
      message: 'The source cluster is SHARDED and the target cluster t is a replica set',
      hint: 'A snapshot of a sharded cluster can only be restored into a sharded cluster: choose a sharded target with as many shards.'
    })
    expect(targetRefusal(sharded(3), sharded(2), 't')).toEqual({
      headline: 'the source has 3 shards and t has 2',
      message: 'The source cluster has 3 shards and the target cluster t has 2',
      hint: 'A sharded snapshot restores only into a cluster with the same number of shards: give t 3 shards, or choose another target.'
    })
    expect(
      targetRefusal(replicaSet({ mongoDBMajorVersion: '8.0' }), replicaSet({ mongoDBMajorVersion: '7.0' }), 't')
    ).toEqual({
      headline: "t runs MongoDB 7.0, older than the source's 8.0",
      message: "The target cluster t runs MongoDB 7.0, older than the source's 8.0",
      hint: 'Atlas restores a snapshot only into the same major version or the next one: upgrade t to 8.0 first.'
    })
    // A source without a kind is a replica set: no refusal for its kind.
    expect(targetRefusal({ replicationSpecs: [{}, {}] }, replicaSet(), 't')).toBeUndefined()
  })

  it('reads a version strictly: major and minor of any length, from the start', () => {
    const refuses = (source: string, target: string) =>
      targetRefusal(replicaSet({ mongoDBMajorVersion: source }), replicaSet({ mongoDBMajorVersion: target }), 't') !==
      undefined
    expect(refuses('10.0', '9.0')).toBe(true)
    expect(refuses('8.10', '8.9')).toBe(true)
    expect(refuses('8.0', 'x7.0')).toBe(false)
    // A newer major with a lower minor is newer.
    expect(refuses('8.2', '9.0')).toBe(false)
    // No shards listed on the source is no count to compare.
    expect(targetRefusal(sharded(0), sharded(2), 't')).toBeUndefined()
  })

  it('reads versions it cannot parse as no reason to refuse', () => {
    expect(
      targetRefusal(replicaSet({ mongoDBMajorVersion: 'eight' }), replicaSet({ mongoDBMajorVersion: '7.0' }), 't')
    ).toBeUndefined()
    expect(
      targetRefusal(replicaSet({ mongoDBMajorVersion: '9.0' }), replicaSet({ mongoDBMajorVersion: 8 }), 't')
    ).toBeUndefined()
  })
})

interface Script {
  clusters?: Record<string, Doc | AtlasError>
  restoreLists?: Doc[][]
  snapshots?: Doc[]
  posts?: (Doc | AtlasError)[]
}

/** Steps that play the clusters, lists and POST answers, and record what was asked, in order. */
function scripted(script: Script) {
  const taken: string[] = []
  const bodies: unknown[] = []
  const lines: string[] = []
  const done: string[] = []
  const restoreLists = [...(script.restoreLists ?? [[]])]
  const posts = [...(script.posts ?? [])]
  const steps: Steps = {
    env: { GITHUB_REPOSITORY: 'acme/warehouse', GITHUB_RUN_ID: '42' },
    log: (line) => lines.push(line),
    record: ({ what, id, how }) => done.push(`${what} ${id}: ${how}`),
    async call(step: Step, segments: string[], options = {}) {
      if (options.method === 'DELETE') {
        taken.push(`DELETE ${segments.slice(5).join('/')}`)
        return {}
      }
      taken.push(`${step.what} ${segments[1]}/${segments[3]}`)
      const answer = script.clusters?.[`${segments[1]}/${segments[3]}`] ?? replicaSet()
      if (answer instanceof AtlasError) throw during(answer, step)
      return answer
    },
    async listAll(step: Step, segments: string[]) {
      taken.push(`list ${segments.slice(5).join('/')}`)
      if (step === STEPS.listSnapshots)
        return script.snapshots ?? [{ id: hex('b'), status: 'completed', createdAt: '2026-12-01T06:00:00Z' }]
      expect(step).toBe(STEPS.listRestores)
      return (restoreLists.length > 1 ? restoreLists.shift() : restoreLists[0]) ?? []
    },
    post: scriptedPost(
      () => posts.shift() ?? { id: nowId() },
      (at, sent) => {
        taken.push(`POST ${at.slice(5).join('/')}`)
        bodies.push(sent)
      }
    ),
    waitFor: async () => {
      throw new Error('no wait expected')
    }
  }
  return { steps, taken, bodies, lines, done }
}

const ref: RestoreRef = { groupId: GROUP, clusterName: 'Cluster0', restoreJobId: '' }
const start = restoreStart

describe('startRestore()', () => {
  it('reads the source, then the target, lists the restores, the snapshots, then POSTs once', async () => {
    const { steps, taken, bodies, done } = scripted({})
    const started = await startRestore(ref, start(), steps)
    expect(taken).toEqual([
      `read the source cluster ${GROUP}/Cluster0`,
      `read the target cluster ${GROUP}/staging-1`,
      'list restoreJobs',
      'list snapshots',
      'POST restoreJobs'
    ])
    expect(bodies).toEqual([
      { deliveryType: 'automated', snapshotId: hex('b'), targetClusterName: 'staging-1', targetGroupId: GROUP }
    ])
    expect(started.outputs).toEqual({ started: 'true' })
    expect(started.ref).toMatchObject({
      restoreJobId: nowId().slice(0, 8) + '0'.repeat(16),
      targetConnectionString: 'mongodb+srv://staging-1.ab1cd.mongodb.net'
    })
    expect(done[1]).toMatch(
      new RegExp(`^Restore job [0-9a-f]{24}: started by this step, into staging-1 \\(project ${GROUP}\\)$`)
    )
    expect('undo' in started.onCancel).toBe(false)
    expect(started.onCancel.hint).toContain('Atlas cannot cancel an automated or point-in-time restore')
  })

  it('reads the target in its own project', async () => {
    const { steps, taken } = scripted({})
    await startRestore(ref, start({ targetGroupId: OTHER_GROUP }), steps)
    expect(taken[1]).toBe(`read the target cluster ${OTHER_GROUP}/staging-1`)
  })

  it('reads a target of the same name as the source in another project: another cluster', async () => {
    const { steps, taken } = scripted({})
    await startRestore(ref, start({ targetClusterName: 'Cluster0', targetGroupId: OTHER_GROUP }), steps)
    expect(taken.slice(0, 2)).toEqual([
      `read the source cluster ${GROUP}/Cluster0`,
      `read the target cluster ${OTHER_GROUP}/Cluster0`
    ])
  })

  it('reads the source once when it is its own target (allowOverwriteSource)', async () => {
    const { steps, taken } = scripted({})
    await startRestore(ref, start({ targetClusterName: 'Cluster0', allowOverwriteSource: true }), steps)
    expect(taken.filter((t) => t.startsWith('read '))).toEqual([`read the source cluster ${GROUP}/Cluster0`])
  })

  it('refuses before the POST, naming the step and leaving the target untouched', async () => {
    const { steps, taken } = scripted({ clusters: { [`${GROUP}/staging-1`]: replicaSet({ paused: true }) } })
    const error = await stepFailure(startRestore(ref, start(), steps))
    expect([error.kind, error.step, error.message]).toEqual([
      'empty',
      STEPS.readTarget,
      'The target cluster staging-1 is paused.'
    ])
    expect(error.headline).toBe('refused before restoring: the target cluster staging-1 is paused')
    expect(STEPS.readTarget.note).toBe('No restore was started, and the target cluster is untouched.')
    expect(taken).toHaveLength(2)
  })

  it('names a missing target and its project; other failures of the read stay what they were', async () => {
    const missing = new AtlasError('Atlas API 404 CLUSTER_NOT_FOUND', {
      kind: 'api',
      status: 404,
      errorCode: 'CLUSTER_NOT_FOUND'
    })
    const { steps } = scripted({ clusters: { [`${GROUP}/staging-1`]: missing } })
    const error = await stepFailure(startRestore(ref, start(), steps))
    expect(error.message).toBe(`The target cluster staging-1 does not exist in project ${GROUP}.`)
    expect(error.hint).toBe(
      'Check targetClusterName and targetGroupId: create the target cluster first (M10 or larger, of the same kind and number of shards as the source).'
    )
    const forbidden = new AtlasError('Atlas API 403', { kind: 'api', status: 403 })
    const other = await stepFailure(
      startRestore(ref, start(), scripted({ clusters: { [`${GROUP}/staging-1`]: forbidden } }).steps)
    )
    expect([other.status, other.step]).toEqual([403, STEPS.readTarget])
  })

  it('refuses a point in time without Continuous Cloud Backup, and sends one when it is on', async () => {
    const pit = start({ deliveryType: 'pointInTime', pointInTimeSeconds: 1796104800 })
    const off = await stepFailure(startRestore(ref, pit, scripted({}).steps))
    expect(off.message).toContain('Continuous Cloud Backup is off on the source cluster Cluster0')
    expect(off.hint).toBe(
      "Turn on Continuous Cloud Backup in the cluster's backup settings (pitEnabled), or restore a snapshot (deliveryType: automated)."
    )
    const { steps, taken, bodies } = scripted({ clusters: { [`${GROUP}/Cluster0`]: replicaSet({ pitEnabled: true }) } })
    await startRestore(ref, pit, steps)
    expect(taken).not.toContain('list snapshots')
    expect(bodies).toStrictEqual([
      {
        deliveryType: 'pointInTime',
        pointInTimeUTCSeconds: 1796104800,
        targetClusterName: 'staging-1',
        targetGroupId: GROUP
      }
    ])
  })

  it('waits for a restore under way into the same target, and only that one', async () => {
    const underWay = { id: hex('e'), deliveryType: 'automated', targetClusterName: 'staging-1', targetGroupId: GROUP }
    const elsewhere = [
      { ...underWay, id: hex('1'), targetClusterName: 'other' },
      { ...underWay, id: hex('2'), targetGroupId: OTHER_GROUP },
      { ...underWay, id: hex('3'), finishedAt: '2026-12-01T00:00:00Z' },
      { ...underWay, id: undefined }
    ]
    const { steps, taken, lines, done } = scripted({ restoreLists: [[...elsewhere, underWay]] })
    const found = await startRestore(ref, start(), steps)
    expect([found.ref.restoreJobId, found.outputs]).toEqual([hex('e'), { started: 'false' }])
    expect(taken).not.toContain('POST restoreJobs')
    expect(lines).toContain(
      `A restore into staging-1 is already under way (${hex('e')}); waiting for it instead of starting another.`
    )
    expect(done).toEqual([`Restore job ${hex('e')}: already under way into staging-1, waited for; not started again`])
    const none = scripted({ restoreLists: [elsewhere] })
    await startRestore(ref, start(), none.steps)
    expect(none.taken).toContain('POST restoreJobs')
    expect(none.lines.filter((line) => line.includes('already under way'))).toEqual([])
    expect(none.done.filter((line) => line.includes('already under way'))).toEqual([])
  })

  it("after a lost answer, takes this step's restore: unfinished, same snapshot and target, no older than the step", async () => {
    const lost = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })
    const mine = {
      id: nowId(),
      deliveryType: 'automated',
      snapshotId: hex('b'),
      targetClusterName: 'staging-1',
      targetGroupId: GROUP
    }
    const notMine = [
      { ...mine, id: nowId(-3600) },
      { ...mine, snapshotId: hex('a') },
      { ...mine, targetClusterName: 'other' },
      { ...mine, deliveryType: 'download' },
      { ...mine, failed: true }
    ]
    const { steps, taken } = scripted({ restoreLists: [[], [...notMine, mine]], posts: [lost] })
    expect((await startRestore(ref, start(), steps)).ref.restoreJobId).toBe(mine.id)
    expect(taken.filter((t) => t === 'POST restoreJobs')).toHaveLength(1)
    const again = scripted({ restoreLists: [[], notMine], posts: [lost, { id: hex('f') }] })
    expect((await startRestore(ref, start(), again.steps)).ref.restoreJobId).toBe(hex('f'))
    expect(again.taken.filter((t) => t === 'POST restoreJobs')).toHaveLength(2)
  })

  it('starts a download without a target, and cancels it (DELETE) when the workflow is cancelled', async () => {
    const { steps, taken, bodies, done } = scripted({ posts: [{ id: hex('d') }] })
    const started = await startRestore(
      ref,
      start({ deliveryType: 'download', targetClusterName: undefined, targetGroupId: undefined }),
      steps
    )
    expect(taken).toEqual([`read the source cluster ${GROUP}/Cluster0`, 'list snapshots', 'POST restoreJobs'])
    expect(bodies).toEqual([{ deliveryType: 'download', snapshotId: hex('b') }])
    expect(started.ref.targetConnectionString).toBeUndefined()
    expect(started.onCancel.hint).toContain('This step started the download, so it asked Atlas to cancel it')
    await started.onCancel.undo!(steps)
    expect(taken[taken.length - 1]).toBe(`DELETE restoreJobs/${hex('d')}`)
    expect(done[done.length - 1]).toBe(`Restore job ${hex('d')}: cancelled (DELETE), as the workflow was cancelled`)
  })

  it('fails when Atlas answers the POST without an id', async () => {
    const error = await stepFailure(startRestore(ref, start(), scripted({ posts: [{}] }).steps))
    expect([error.kind, error.step]).toEqual(['protocol', STEPS.startRestore])
  })

  it('names the roles of the spec and Project Owner, and what a 409 means', () => {
    expect(STEPS.startRestore.role).toContain('Project Backup Recovery Operator or Project Backup Export Operator')
    expect(STEPS.startRestore.role).toContain('Project Owner')
    expect(STEPS.startRestore.conflict).toContain('Atlas is already restoring into that cluster')
  })
})

describe('startRestore(): what it says and what it looks for', () => {
  it('logs and records what it started, a snapshot or a moment, into a cluster or as a download', async () => {
    const automated = scripted({ posts: [{ id: hex('e') }] })
    await startRestore(ref, start(), automated.steps)
    expect(automated.lines).toContain(
      `Started restore job ${hex('e')}: snapshot ${hex('b')}, into staging-1 (project ${GROUP}).`
    )
    expect(automated.done).toContain(`Restore job ${hex('e')}: started by this step, into staging-1 (project ${GROUP})`)
    const pit = scripted({
      clusters: { [`${GROUP}/Cluster0`]: replicaSet({ pitEnabled: true }) },
      posts: [{ id: hex('f') }]
    })
    await startRestore(ref, start({ deliveryType: 'pointInTime', pointInTimeSeconds: 1796104800 }), pit.steps)
    expect(pit.lines).toContain(`Started restore job ${hex('f')}: to a moment, into staging-1 (project ${GROUP}).`)
    const download = scripted({ posts: [{ id: hex('d') }] })
    await startRestore(
      ref,
      start({ deliveryType: 'download', targetClusterName: undefined, targetGroupId: undefined }),
      download.steps
    )
    expect(download.done).toContain(`Restore job ${hex('d')}: started by this step, a download`)
    expect(download.lines).toContain(`Started restore job ${hex('d')}: snapshot ${hex('b')}, a download.`)
  })

  it('says that Atlas cannot cancel an automated restore, naming the job to check', async () => {
    const { steps } = scripted({ posts: [{ id: hex('e') }] })
    expect((await startRestore(ref, start(), steps)).onCancel).toStrictEqual({
      hint:
        'The restore goes on in Atlas: Atlas cannot cancel an automated or point-in-time restore once it has begun. ' +
        `Follow it under Backup, Restores in the Atlas UI, or check it with restoreJobId: ${hex('e')}.`
    })
  })

  it('says so when there is no snapshot to restore, in its own words', async () => {
    const error = await stepFailure(startRestore(ref, start(), scripted({ snapshots: [] }).steps))
    expect(error.headline).toBe('no snapshot to restore: none is completed (fallback snapshots cannot be restored)')
    expect(error.message).toBe('Atlas lists no completed snapshot of the cluster that can be restored')
  })

  it('marks a snapshot it takes with its own name', async () => {
    const { steps, bodies } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }], snapshots: [] })
    const waiting = { ...steps, waitFor: async () => ({ status: 'completed' }) }
    await startRestore(ref, start({ takeSnapshot: true }), waiting)
    expect((bodies[0] as Doc)['description']).toBe(
      'GitHub run acme/warehouse#42: taken by atlas-pipeline-run-action/backup-restore'
    )
  })

  it('names the answer without an id', async () => {
    const error = await stepFailure(startRestore(ref, start(), scripted({ posts: [{}] }).steps))
    expect(error.message).toBe('Atlas started the restore but answered without its id')
  })

  it('looks, after a lost answer, for a job created no earlier than a minute before the step, to the second', async () => {
    const now = 1_796_000_000_000
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now)
    try {
      const idAt = (seconds: number) => seconds.toString(16) + '0'.repeat(16)
      const job = (id: string) => ({
        id,
        deliveryType: 'automated',
        snapshotId: hex('b'),
        targetClusterName: 'staging-1',
        targetGroupId: GROUP
      })
      const lost = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })
      const edge = idAt((now - 60_000) / 1000)
      const { steps } = scripted({
        restoreLists: [[], [job(idAt((now - 61_000) / 1000)), job('x'), job(edge)]],
        posts: [lost]
      })
      expect((await startRestore(ref, start(), steps)).ref.restoreJobId).toBe(edge)
    } finally {
      spy.mockRestore()
    }
  })

  it('finds the lost restore of a moment (no snapshot to match) and of a download (no target to match)', async () => {
    const lost = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })
    const pitJob = {
      id: nowId(),
      deliveryType: 'pointInTime',
      snapshotId: hex('7'),
      targetClusterName: 'staging-1',
      targetGroupId: GROUP
    }
    const pit = scripted({
      clusters: { [`${GROUP}/Cluster0`]: replicaSet({ pitEnabled: true }) },
      restoreLists: [[], [pitJob]],
      posts: [lost]
    })
    const moment = start({ deliveryType: 'pointInTime', pointInTimeSeconds: 1796104800 })
    expect((await startRestore(ref, moment, pit.steps)).ref.restoreJobId).toBe(pitJob.id)
    const downloadJob = { id: nowId(), deliveryType: 'download', snapshotId: hex('b') }
    const download = scripted({ restoreLists: [[downloadJob]], posts: [lost] })
    const started = await startRestore(
      ref,
      start({ deliveryType: 'download', targetClusterName: undefined, targetGroupId: undefined }),
      download.steps
    )
    expect(started.ref.restoreJobId).toBe(downloadJob.id)
    expect(download.taken.filter((t) => t === 'POST restoreJobs')).toHaveLength(1)
  })

  it('reads no connection string from a target that has none, or whose strings are no object', async () => {
    for (const connectionStrings of [undefined, null, 'mongodb+srv://x']) {
      const { steps } = scripted({ clusters: { [`${GROUP}/staging-1`]: replicaSet({ connectionStrings }) } })
      expect((await startRestore(ref, start(), steps)).ref.targetConnectionString).toBeUndefined()
    }
  })
})
