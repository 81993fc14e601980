// The backup-restore resource as the engine reads it: its words for each state, what the summary
// shows (and never shows: a link), its outputs, the newest job for latest (by the time in its id),
// and the target's connection string once a restore passed.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../../src/atlas/errors.js'
import type { Steps } from '../../../../src/engine/steps.js'
import { backupRestore } from '../../../../src/resources/backup-restore/index.js'
import type { RestoreRef } from '../../../../src/resources/backup-restore/inputs.js'
import { listing, restoreStart } from '../../../support/resource-helpers.js'
import { during } from '../../../support/step-errors.js'

const GROUP = '32b6e34b3d91647abb20e7b8'
const LINK = 'https://restore-6a794733.ab1cd.mongodb.net:27017/t0k3n/restore-s.tar.gz'
const ref: RestoreRef = { groupId: GROUP, clusterName: 'Cluster0', restoreJobId: '6a794733c0ffee0123456789' }
/** The recorded automated restore: POST answered 03:36:18, finished 03:40:10. */
const restored = {
  id: '6a794733c0ffee0123456789',
  deliveryType: 'automated',
  snapshotId: 'b'.repeat(24),
  targetClusterName: 'staging-1',
  targetGroupId: GROUP,
  timestamp: '2026-08-10T01:00:00Z',
  finishedAt: '2026-08-10T03:40:10Z',
  cancelled: false,
  failed: false,
  expired: false
}
const download = {
  id: '6a794733c0ffee0123456789',
  deliveryType: 'download',
  snapshotId: 'b'.repeat(24),
  deliveryUrl: [LINK],
  expiresAt: '2026-08-10T04:40:10Z',
  cancelled: false,
  failed: false,
  expired: false
}
const PASSED = { passed: true }
const context = (wait = false) => ({
  wait,
  successStates: ['Successful'],
  described: 'Restore job X of cluster Cluster0'
})

describe('what the engine shows of a restore job', () => {
  it('words each mode, in sentences and as the headline subject', () => {
    expect(backupRestore.describe(ref)).toBe('Restore job 6a794733c0ffee0123456789 of cluster Cluster0')
    expect(backupRestore.describe({ ...ref, restoreJobId: 'latest', targetClusterName: 'd' })).toBe(
      'The latest restore job of cluster Cluster0 into d'
    )
    expect(backupRestore.describe({ ...ref, restoreJobId: 'latest' })).toBe(
      'The latest restore job of cluster Cluster0'
    )
    expect(backupRestore.describe({ ...ref, restoreJobId: '' })).toBe(
      'The restore job this step starts, of cluster Cluster0'
    )
    expect(backupRestore.subject(ref)).toBe('Cluster0 restore')
    expect(backupRestore.subject({ ...ref, targetClusterName: 'd' })).toBe('Cluster0 into d')
    const start = {
      deliveryType: 'download',
      takeSnapshot: false,
      snapshotRetentionDays: 1,
      allowOverwriteSource: false
    } as const
    expect(backupRestore.subject({ ...ref, start })).toBe('Cluster0 download')
    expect(
      backupRestore.subject({ ...ref, start: { ...start, deliveryType: 'automated', targetClusterName: 's' } })
    ).toBe('Cluster0 into s')
    expect(backupRestore.path(ref)).toEqual([
      'groups',
      GROUP,
      'clusters',
      'Cluster0',
      'backup',
      'restoreJobs',
      ref.restoreJobId
    ])
  })

  it('leads a passing headline with the snapshot time and how long it took', () => {
    expect(backupRestore.headlineFacts(restored)).toEqual(['snapshot of 2026-08-10 01:00 UTC', 'in 3m 51s'])
    expect(backupRestore.headlineFacts(download)).toEqual(['ready to download'])
    expect(backupRestore.headlineFacts({})).toEqual([])
  })

  it('shows the restore time, the snapshot age at the start and the target as key figures', () => {
    expect(backupRestore.keyFigures(restored)).toEqual([
      ['Restore took', '3m 51s'],
      ['Snapshot age at the start', '2h 36m 19s'],
      ['Target', { api: 'staging-1' }],
      ['Download expires', undefined],
      ['Shards', undefined]
    ])
    expect(backupRestore.keyFigures({ ...download, components: [{}, {}] })).toContainEqual(['Shards', '2'])
    expect(backupRestore.keyFigures({ targetClusterName: 'x' })).toContainEqual(['Target', { api: 'x' }])
  })

  it('never shows a link: only how many, or the replica sets they are for', () => {
    const shown = JSON.stringify([
      backupRestore.details(download),
      backupRestore.keyFigures(download),
      backupRestore.headlineFacts(download)
    ])
    expect(shown).not.toContain('t0k3n')
    expect(backupRestore.details(download)).toContainEqual(['Download links', '1'])
    const sharded = { ...download, deliveryUrl: [], components: [{ replicaSetName: 'rs0', downloadUrl: LINK }] }
    expect(backupRestore.details(sharded)).toContainEqual(['Download links', { api: 'rs0' }])
    expect(backupRestore.details(restored)).toContainEqual(['Download links', undefined])
    expect(backupRestore.details(restored)).toContainEqual(['Created (from its id)', { api: '2026-08-10T03:36:19Z' }])
  })

  it('sets the outputs of the spec, restoreSeconds from the id time, and the links for a download only', () => {
    expect(backupRestore.outputs(restored)).toEqual({
      state: 'Successful',
      restoreJobId: restored.id,
      deliveryType: 'automated',
      snapshotId: 'b'.repeat(24),
      snapshotTimestamp: '2026-08-10T01:00:00Z',
      targetClusterName: 'staging-1',
      targetGroupId: GROUP,
      createdAt: '2026-08-10T03:36:19Z',
      finishedAt: '2026-08-10T03:40:10Z',
      restoreSeconds: '231',
      deliveryUrl: undefined,
      deliveryUrls: undefined,
      expiresAt: undefined
    })
    expect(backupRestore.outputs(download)).toMatchObject({
      deliveryUrl: LINK,
      deliveryUrls: JSON.stringify([{ replicaSetName: null, url: LINK }]),
      expiresAt: '2026-08-10T04:40:10Z',
      restoreSeconds: undefined
    })
    expect(backupRestore.secrets(download)).toEqual([LINK])
  })
})

describe('the words for each state', () => {
  it('says what a Failed restore leaves: a target without its data', () => {
    const failed = backupRestore.judgeState('Failed', { ...restored, failed: true }, context())!
    expect(failed.headline).toBe('Failed: staging-1 holds neither its old data nor the snapshot')
    expect(failed.hint).toContain('Atlas deleted the data of staging-1 before the restore began')
    expect(backupRestore.judgeState('Failed', { ...download, failed: true }, context())!.headline).toBe('Failed')
    expect(backupRestore.judgeState('Failed', { failed: true }, context())!.hint).toContain('the target cluster')
  })

  it('words InProgress for a check and a wait, Cancelled and Expired', () => {
    expect(backupRestore.judgeState('InProgress', { deliveryType: 'download' }, context())).toEqual({
      headline: 'not finished, InProgress (no download link yet)',
      message: 'Restore job X of cluster Cluster0 has not finished: it is InProgress.',
      hint: 'Set wait: true to block until the restore finishes, or run this check later.'
    })
    expect(backupRestore.judgeState('InProgress', {}, context(true))!.hint).toBeUndefined()
    expect(backupRestore.judgeState('Cancelled', {}, context())!.headline).toBe('Cancelled')
    expect(backupRestore.judgeState('Expired', download, context())!.headline).toBe('Expired at 2026-08-10T04:40:10Z')
    expect(backupRestore.judgeState('Expired', {}, context())!.headline).toBe('Expired')
    expect(backupRestore.judgeState('Successful', restored, context())).toBeUndefined()
  })

  it('is terminal in every state but InProgress, and passes only Successful by default', () => {
    expect(backupRestore.states.filter((s) => !backupRestore.terminalStates.includes(s))).toEqual(['InProgress'])
    expect(backupRestore.defaultSuccessStates).toBe('Successful')
    expect(backupRestore.createdAt(restored)).toBe('2026-08-10T03:36:19Z')
  })
})

describe('latest: the newest restore job by the time in its id', () => {
  const jobs = [
    { ...restored, id: '6a700000' + '0'.repeat(16) },
    { ...restored, id: '6a800000' + '0'.repeat(16), targetClusterName: 'other' },
    { ...restored, id: '6a790000' + '0'.repeat(16) },
    { ...restored, id: '6a7a0000' + '0'.repeat(16), targetGroupId: 'f'.repeat(24) }
  ]
  it('takes the newest of all, or the newest into the target (of its project)', async () => {
    const all = listing(jobs)
    expect((await backupRestore.prepare({ ...ref, restoreJobId: 'latest' }, all.steps)).ref.restoreJobId).toBe(
      jobs[1]!.id
    )
    expect(all.listed).toEqual([['groups', GROUP, 'clusters', 'Cluster0', 'backup', 'restoreJobs']])
    const into = listing(jobs)
    const prepared = await backupRestore.prepare(
      { ...ref, restoreJobId: 'latest', targetClusterName: 'staging-1', targetGroupId: GROUP },
      into.steps
    )
    expect(prepared.ref.restoreJobId).toBe(jobs[2]!.id)
    expect(into.lines[0]).toBe(
      `Newest restore job into staging-1: ${jobs[2]!.id}, created 2026-08-09T22:32:32Z (1 of 4).`
    )
    // A check only watches: the engine's own words on a cancel suffice.
    expect(prepared.onCancel).toBeUndefined()
  })

  it('fails the step when there is none, saying where it looked', async () => {
    const none = backupRestore.prepare(
      { ...ref, restoreJobId: 'latest', targetClusterName: 'd', targetGroupId: GROUP },
      listing([]).steps
    )
    await expect(none).rejects.toMatchObject({
      kind: 'empty',
      headline: 'nothing to check: no restore job of cluster Cluster0 into d'
    })
  })

  it('checks a job by id as it is named', async () => {
    const prepared = await backupRestore.prepare(ref, listing([]).steps)
    expect(prepared).toEqual({ ref })
  })
})

describe("the target's connection string, after a restore that passed", () => {
  function reading(answer: Record<string, unknown> | AtlasError) {
    const asked: string[][] = []
    const steps: Steps = {
      ...listing([]).steps,
      call: async (step, segments) => {
        asked.push(segments)
        if (answer instanceof AtlasError) throw during(answer, step)
        return answer
      }
    }
    return { steps, asked }
  }
  const srv = { connectionStrings: { standardSrv: 'mongodb+srv://staging-1.ab1cd.mongodb.net' } }

  it('reads the target once, at the newest version, and shows the host', async () => {
    const { steps, asked } = reading(srv)
    const followed = await backupRestore.followUp!(ref, restored, steps, PASSED)
    expect(followed).toEqual({
      outputs: { targetConnectionString: 'mongodb+srv://staging-1.ab1cd.mongodb.net' },
      lines: [['Connect to the target at', { api: 'mongodb+srv://staging-1.ab1cd.mongodb.net' }]],
      warnings: []
    })
    expect(asked).toEqual([['groups', GROUP, 'clusters', 'staging-1']])
  })

  it('sends no request when start mode read the target already', async () => {
    const { steps, asked } = reading(srv)
    const followed = await backupRestore.followUp!(
      { ...ref, targetConnectionString: 'mongodb+srv://known' },
      restored,
      steps,
      PASSED
    )
    expect([followed.outputs, asked]).toEqual([{ targetConnectionString: 'mongodb+srv://known' }, []])
  })

  it('says where the links of a ready download are, without a request and without a link', async () => {
    const { steps, asked } = reading(srv)
    const followed = await backupRestore.followUp!(ref, download, steps, PASSED)
    expect(followed.lines).toEqual([
      [
        'Download links',
        'in the deliveryUrl and deliveryUrls outputs of this step (masked; use them in a later step of this job)'
      ]
    ])
    expect([followed.outputs, asked]).toEqual([{}, []])
  })

  it('reads nothing after a verdict that failed (a Successful restore older than maxAge)', async () => {
    const { steps, asked } = reading(srv)
    expect(await backupRestore.followUp!(ref, restored, steps, { passed: false })).toEqual({
      outputs: {},
      lines: [],
      warnings: []
    })
    expect(asked).toEqual([])
  })

  it('reads nothing for a download, a restore that did not pass, or a job without a target', async () => {
    for (const doc of [
      { ...download, deliveryUrl: [] },
      { ...restored, failed: true },
      { ...restored, finishedAt: undefined },
      { ...restored, targetGroupId: undefined }
    ]) {
      const { steps, asked } = reading(srv)
      expect((await backupRestore.followUp!(ref, doc, steps, PASSED)).outputs).toEqual({})
      expect(asked).toEqual([])
    }
    expect((await backupRestore.followUp!(ref, restored, reading({}).steps, PASSED)).lines).toEqual([])
  })

  it('warns, naming Project Read Only, when the target cannot be read, and keeps the verdict', async () => {
    const { steps } = reading(new AtlasError('Atlas API 403', { kind: 'api', status: 403 }))
    const followed = await backupRestore.followUp!(ref, restored, steps, PASSED)
    expect(followed.outputs).toEqual({})
    expect(followed.warnings).toEqual([
      'Could not read the target cluster staging-1 (Atlas API 403), so targetConnectionString is not set; the restore is judged as before. ' +
        `Reading a cluster needs the Project Read Only role on project ${GROUP}.`
    ])
  })
})

describe('not found', () => {
  it('says where restore jobs live, and what to check after a step', () => {
    expect(backupRestore.notFound(404).headline).toBe('restore job not found (404)')
    expect(backupRestore.notFound(410).headline).toBe('restore job gone (410)')
    expect(backupRestore.notFound(404, 'read the target cluster').headline).toBe(
      'not found (404) while trying to read the target cluster'
    )
  })
})

describe('every word the engine shows, pinned', () => {
  it('names the source, the job and the project under the headline', () => {
    expect(backupRestore.refRows(ref)).toEqual([
      ['Source cluster', { api: 'Cluster0' }],
      ['Restore job', { api: ref.restoreJobId }],
      ['Project', { api: GROUP }]
    ])
  })

  it('words Failed, Cancelled and Expired in full, and leaves other states to the engine', () => {
    expect(backupRestore.judgeState('Failed', { ...restored, failed: true }, context())).toEqual({
      headline: 'Failed: staging-1 holds neither its old data nor the snapshot',
      message: 'Restore job X of cluster Cluster0 Failed.',
      hint:
        'Atlas deleted the data of staging-1 before the restore began, so the cluster is not usable as it is: ' +
        "look at the project's Activity Feed in the Atlas UI for the cause, then run the restore again (or restore another snapshot) before anything uses the cluster."
    })
    expect(backupRestore.judgeState('Failed', { ...download, failed: true }, context())!.hint).toBe(
      "Atlas could not prepare the download: start a new one, and look at the project's Activity Feed in the Atlas UI for the cause."
    )
    expect(backupRestore.judgeState('Cancelled', {}, context())).toEqual({
      headline: 'Cancelled',
      message: 'Restore job X of cluster Cluster0 was Cancelled.',
      hint: 'Someone cancelled the restore in Atlas: start a new one if it is still needed, or add Cancelled to successStates if that is expected.'
    })
    expect(backupRestore.judgeState('Expired', download, context())).toEqual({
      headline: 'Expired at 2026-08-10T04:40:10Z',
      message: 'Restore job X of cluster Cluster0 Expired: its download link no longer works.',
      hint: 'A download link works until expiresAt: start a new download and use its link within the same job.'
    })
    expect(backupRestore.judgeState('InProgress', restored, context())!.headline).toBe('not finished, InProgress')
    expect(backupRestore.judgeState('Restoring', restored, context())).toBeUndefined()
  })

  it('says a download is ready only when it is, and leaves out figures it cannot compute', () => {
    expect(backupRestore.headlineFacts({ ...download, deliveryUrl: [] })).toEqual([])
    expect(backupRestore.headlineFacts({ ...restored, timestamp: undefined })).toEqual(['in 3m 51s'])
    const figures = (doc: Record<string, unknown>) =>
      backupRestore
        .keyFigures(doc)
        .filter(([, value]) => value !== undefined)
        .map(([label]) => label)
    expect(figures({ ...restored, finishedAt: undefined })).toEqual(['Snapshot age at the start', 'Target'])
    expect(figures({ ...restored, timestamp: undefined })).toEqual(['Restore took', 'Target'])
    expect(figures(download)).toEqual(['Download expires'])
  })

  it('details every field it reads, labelled, and the replica sets of the links by name', () => {
    expect(
      backupRestore.details({
        ...download,
        components: [
          { replicaSetName: 'rs0', downloadUrl: 'a' },
          { replicaSetName: 'rs1', downloadUrl: 'b' }
        ]
      })
    ).toEqual([
      ['State (derived from its flags)', { api: 'Successful' }],
      ['Delivery type', { api: 'download' }],
      ['Snapshot', { api: 'b'.repeat(24) }],
      ['Snapshot taken', undefined],
      ['Target cluster', undefined],
      ['Target project', undefined],
      ['Created (from its id)', { api: '2026-08-10T03:36:19Z' }],
      ['Finished', undefined],
      ['Expires', { api: '2026-08-10T04:40:10Z' }],
      ['Download links', { api: 'rs0, rs1' }]
    ])
    expect(backupRestore.details(restored).slice(3, 8)).toEqual([
      ['Snapshot taken', { api: '2026-08-10T01:00:00Z' }],
      ['Target cluster', { api: 'staging-1' }],
      ['Target project', { api: GROUP }],
      ['Created (from its id)', { api: '2026-08-10T03:36:19Z' }],
      ['Finished', { api: '2026-08-10T03:40:10Z' }]
    ])
  })

  it('waits by default only when it starts the restore, and starts with the source cluster', async () => {
    const start = restoreStart()
    expect(backupRestore.waitByDefault!({ ...ref, start })).toBe(true)
    expect(backupRestore.waitByDefault!(ref)).toBe(false)
    const asked: string[][] = []
    const steps: Steps = {
      ...listing([]).steps,
      call: async (_step, segments) => {
        asked.push(segments)
        throw new Error('stop here')
      }
    }
    await expect(backupRestore.prepare({ ...ref, restoreJobId: '', start }, steps)).rejects.toThrow('stop here')
    expect(asked).toEqual([['groups', GROUP, 'clusters', 'Cluster0']])
  })

  it('records the job found for latest, and says where it looked when it found none', async () => {
    const found = listing([restored])
    await backupRestore.prepare({ ...ref, restoreJobId: 'latest' }, found.steps)
    expect(found.done).toEqual([`Restore job ${restored.id}: the newest, created 2026-08-10T03:36:19Z (of 1 listed)`])
    await expect(backupRestore.prepare({ ...ref, restoreJobId: 'latest' }, listing([]).steps)).rejects.toMatchObject({
      message: 'Atlas lists no restore job of cluster Cluster0',
      headline: 'nothing to check: no restore job of cluster Cluster0',
      hint: 'Check groupId, clusterName and targetClusterName (the source cluster is the one whose snapshot was restored), or run the restore first.'
    })
  })

  it('lets a bug of ours through the follow-up as it is', async () => {
    const steps: Steps = {
      ...listing([]).steps,
      call: async () => {
        throw new TypeError('a bug')
      }
    }
    await expect(backupRestore.followUp!(ref, restored, steps, PASSED)).rejects.toThrow('a bug')
  })

  it('says in full what to check when a job or a step finds nothing', () => {
    expect(backupRestore.notFound(404)).toEqual({
      headline: 'restore job not found (404)',
      hint:
        'Check groupId, clusterName and restoreJobId: a restore job lives under its source cluster (Backup, Restores in the Atlas UI), ' +
        'and the id is the one POST /backup/restoreJobs returned.'
    })
    expect(backupRestore.notFound(404, 'read the target cluster').hint).toBe(
      "Check groupId and clusterName (Atlas's detail above names what it did not find), and targetClusterName, targetGroupId and snapshotId when given."
    )
  })
})
