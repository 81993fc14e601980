// Start mode of backup-export over scripted steps (a typed fake of the engine's steps toolkit): which
// snapshot it chooses, what it POSTs, and how it avoids starting an export twice. The real engine
// and client run under it in engine/run.test.ts and the action-level suites.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../../src/atlas/errors.js'
import type { Steps } from '../../../../src/engine/steps.js'
import type { Step } from '../../../../src/engine/step-error.js'
import {
  provenance,
  readStartInputs,
  startExport,
  STEPS,
  type StartInputs
} from '../../../../src/resources/backup-export/start.js'
import { stepFailure } from '../../../support/atlas-failure.js'
import { scriptedPost } from '../../../support/step-errors.js'

type Doc = Record<string, unknown>

const GROUP = '32b6e34b3d91647abb20e7b8'
const BUCKET = '6750f0e1d2c3b4a596877869'
const OTHER_BUCKET = '6750f0e1d2c3b4a596877860'
const ENV = {
  GITHUB_SERVER_URL: 'https://ghe.example.com',
  GITHUB_REPOSITORY: 'acme/warehouse',
  GITHUB_SHA: 'f'.repeat(40),
  GITHUB_WORKFLOW: 'release',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2'
}
const PROVENANCE = [
  { key: 'githubRepository', value: 'acme/warehouse' },
  { key: 'githubSha', value: 'f'.repeat(40) },
  { key: 'githubWorkflow', value: 'release' },
  { key: 'githubRunId', value: '42' },
  { key: 'githubRunAttempt', value: '2' },
  { key: 'githubRunUrl', value: 'https://ghe.example.com/acme/warehouse/actions/runs/42' }
]

const hex = (c: string) => c.repeat(24)

/** An export job as Atlas lists it, started by workflow run `runId` of `repository`. */
function job(idChar: string, extra: Doc = {}, runId = '42', repository = 'acme/warehouse'): Doc {
  return {
    id: hex(idChar),
    exportBucketId: BUCKET,
    snapshotId: hex('5'),
    state: 'InProgress',
    createdAt: '2026-11-28T02:00:00Z',
    customData: [
      { key: 'githubRepository', value: repository },
      { key: 'githubRunId', value: runId },
      { key: 'githubRunAttempt', value: '1' }
    ],
    ...extra
  }
}

interface Scripted {
  exports?: Doc[][]
  /** The snapshot lists, in order (the last one repeats). */
  snapshots?: Doc[][]
  /** The cluster's clusterType, as GET cluster answers it (default REPLICASET). */
  clusterType?: string
  /** Answers to POSTs, in order: a document, or an error to throw. */
  posts?: (Doc | AtlasError)[]
  /** The snapshot document waitFor ends with. */
  waited?: Doc
}

/** Steps that play lists and answers, and records every step in order. */
function scripted(script: Scripted, env: Record<string, string | undefined> = ENV) {
  const taken: string[] = []
  /** What each step said it does, and the role it needs, in order. */
  const said: string[] = []
  const bodies: unknown[] = []
  const lines: string[] = []
  /** What each wait said it saw, for a snapshot in progress and for the one it ended with. */
  const described: string[] = []
  const exportLists = [...(script.exports ?? [[]])]
  const snapshotLists = [...(script.snapshots ?? [[]])]
  const posts = [...(script.posts ?? [])]
  const next = <T>(lists: T[][]): T[] => (lists.length > 1 ? lists.shift() : lists[0]) ?? []
  /** What the taken said they did, for the summary. */
  const done: string[] = []
  const steps: Steps = {
    env,
    log: (line) => lines.push(line),
    record: ({ what, id, how }) => done.push(`${what} ${id}: ${how}`),
    async call(step: Step, segments: string[]) {
      said.push(`${step.what} (${step.role})`)
      // The only GET of start mode: the cluster, for its kind.
      expect(step).toBe(STEPS.clusterKind)
      expect(segments).toEqual(['groups', GROUP, 'clusters', 'Cluster0'])
      taken.push('get cluster')
      return script.clusterType === undefined ? {} : { clusterType: script.clusterType }
    },
    // As the real toolkit: a lost answer (retryable) is looked for with findDone() before each resend.
    post: async (step, segments, body, findDone) => {
      said.push(`${step.what} (${step.role})`)
      return scriptedPost(
        () => posts.shift(),
        (at, sent) => {
          taken.push(`POST ${at.slice(5).join('/')}`)
          bodies.push(sent)
        }
      )(step, segments, body, findDone)
    },
    async listAll(step: Step, segments: string[], options: { paged?: boolean } = {}) {
      expect(segments.slice(0, 5)).toEqual(['groups', GROUP, 'clusters', 'Cluster0', 'backup'])
      said.push(`${step.what} (${step.role})`)
      taken.push(`list ${segments.slice(5).join('/')}${options.paged === false ? ' (one page)' : ''}`)
      if (step === STEPS.listSnapshots) return next(snapshotLists)
      expect(step).toBe(STEPS.listExports)
      return next(exportLists)
    },
    async waitFor(step: Step, segments: string[], isDone: (doc: Doc) => boolean, describe) {
      expect(step).toBe(STEPS.waitSnapshot)
      said.push(`${step.what} (${step.role})`)
      taken.push(`wait ${segments.slice(5).join('/')}`)
      const done = script.waited ?? { status: 'completed' }
      expect(isDone(done)).toBe(true)
      expect(isDone({ status: 'inProgress' })).toBe(false)
      described.push(describe!({ status: 'inProgress' }), describe!({}))
      return done
    }
  }
  return { steps, taken, said, bodies, lines, described, done }
}

const startInputs = (extra: Partial<StartInputs> = {}): StartInputs => ({
  exportBucketId: BUCKET,
  takeSnapshot: false,
  snapshotRetentionDays: 1,
  customData: [],
  ...extra
})

const start = (steps: Steps, extra: Partial<StartInputs> = {}) =>
  startExport(GROUP, 'Cluster0', startInputs(extra), steps)

describe('the start-mode inputs', () => {
  const read = (inputs: Record<string, string>) => {
    const problems: string[] = []
    const start = readStartInputs((name) => inputs[name] ?? '', problems)
    return { start, problems }
  }

  it('are absent without exportBucketId, and the inputs that need it are named', () => {
    expect(read({})).toEqual({ start: undefined, problems: [] })
    expect(read({ snapshotId: hex('5'), customData: 'a=b' }).problems).toEqual([
      'snapshotId is set but exportBucketId is not; snapshotId only applies when the step starts an export',
      'customData is set but exportBucketId is not; customData only applies when the step starts an export'
    ])
  })

  it('default to the newest completed snapshot, kept one day, with no custom data', () => {
    expect(read({ exportBucketId: BUCKET })).toEqual({ start: startInputs(), problems: [] })
  })

  it('read customData as key=value lines, trimmed, the value keeping any further "="', () => {
    const { start, problems } = read({
      exportBucketId: BUCKET,
      takeSnapshot: 'TRUE',
      snapshotRetentionDays: '99999',
      customData: ' release = v42 \n\n   \n  query=a=b\n'
    })
    expect(problems).toEqual([])
    expect(start).toEqual(
      startInputs({
        takeSnapshot: true,
        snapshotRetentionDays: 99_999,
        customData: [
          { key: 'release', value: 'v42' },
          { key: 'query', value: 'a=b' }
        ]
      })
    )
  })

  it.each([
    [{ takeSnapshot: 'yes' }, 'takeSnapshot is "yes"; it must be true or false'],
    [{ snapshotRetentionDays: '0' }, 'snapshotRetentionDays is "0"; it must be a whole number of days, at least 1'],
    [{ snapshotRetentionDays: '07' }, 'snapshotRetentionDays is "07"; it must be a whole number of days, at least 1'],
    [
      { snapshotRetentionDays: '100000' },
      'snapshotRetentionDays is "100000"; it must be a whole number of days, at least 1'
    ],
    [{ snapshotRetentionDays: '1.5' }, 'snapshotRetentionDays is "1.5"; it must be a whole number of days, at least 1'],
    [{ customData: 'release=v1\n=orphan' }, 'customData line "=orphan" must be key=value'],
    [{ customData: 'no equals sign' }, 'customData line "no equals sign" must be key=value'],
    [
      { snapshotId: hex('5'), takeSnapshot: 'true' },
      'snapshotId and takeSnapshot: true exclude each other; give one, or neither for the newest completed snapshot'
    ],
    [
      { snapshotId: hex('5') + '0' },
      `snapshotId "${hex('5')}0" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    ]
  ])('refuse %j', (inputs, problem) => {
    expect(read({ exportBucketId: BUCKET, ...inputs }).problems).toEqual([problem])
  })
})

describe('provenance', () => {
  it('labels the export with the workflow run, in a fixed order', () => {
    expect(provenance(ENV)).toEqual(PROVENANCE)
  })

  it('leaves out what the runner did not set, and links the run only with both its parts', () => {
    expect(provenance({ GITHUB_REPOSITORY: 'acme/warehouse', GITHUB_SHA: '' })).toEqual([
      { key: 'githubRepository', value: 'acme/warehouse' }
    ])
    expect(provenance({ GITHUB_REPOSITORY: 'a/b', GITHUB_RUN_ID: '7' })).toEqual([
      { key: 'githubRepository', value: 'a/b' },
      { key: 'githubRunId', value: '7' },
      { key: 'githubRunUrl', value: 'https://github.com/a/b/actions/runs/7' }
    ])
    expect(provenance({})).toEqual([])
  })
})

describe('starting an export', () => {
  it('of the snapshot given: one POST with the custom data and then the provenance', async () => {
    const { steps, taken, bodies, lines } = scripted({ posts: [{ id: hex('e') }] })
    const started = await start(steps, { snapshotId: hex('5'), customData: [{ key: 'release', value: 'v42' }] })
    expect(started).toEqual({ exportId: hex('e'), outputs: { started: 'true', snapshotId: hex('5') } })
    expect(taken).toEqual(['list exports', 'POST exports'])
    expect(bodies).toEqual([
      { snapshotId: hex('5'), exportBucketId: BUCKET, customData: [{ key: 'release', value: 'v42' }, ...PROVENANCE] }
    ])
    expect(lines).toEqual([`Started export ${hex('e')} of snapshot ${hex('5')} to bucket ${BUCKET}.`])
  })

  it('of the newest completed snapshot with an id, across the list', async () => {
    const snapshots = [
      { id: hex('1'), status: 'completed', createdAt: '2026-11-26T00:00:00Z' },
      { id: hex('2'), status: 'inProgress', createdAt: '2026-11-28T00:00:00Z' },
      { id: hex('3'), status: 'completed', createdAt: '2026-11-27T00:00:00Z' },
      { id: hex('4'), status: 'failed', createdAt: '2026-11-28T01:00:00Z' },
      { status: 'completed', createdAt: '2026-11-28T02:00:00Z' }
    ]
    const { steps, taken, bodies, lines } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps)).outputs).toEqual({ started: 'true', snapshotId: hex('3') })
    expect(taken).toEqual(['list exports', 'get cluster', 'list snapshots', 'POST exports'])
    expect((bodies[0] as Doc)['snapshotId']).toBe(hex('3'))
    expect(lines[0]).toBe(`Newest completed snapshot: ${hex('3')}, created 2026-11-27T00:00:00Z (1 of 5).`)
  })

  it('says when the newest completed snapshot has no date', async () => {
    const { steps, lines } = scripted({
      snapshots: [[{ id: hex('1'), status: 'completed' }]],
      posts: [{ id: hex('e') }]
    })
    await start(steps)
    expect(lines[0]).toBe(`Newest completed snapshot: ${hex('1')}, created at an unknown time (1 of 1).`)
  })

  it('refuses to start without a completed snapshot, naming the step and its role', async () => {
    const { steps, taken } = scripted({
      snapshots: [[{ id: hex('2'), status: 'inProgress' }, { status: 'completed' }]]
    })
    const error = await stepFailure(start(steps))
    expect([error.kind, error.message, error.step?.what, error.step?.role]).toEqual([
      'empty',
      'Atlas lists no completed snapshot of the cluster that can be exported',
      'list the snapshots of the cluster',
      'Project Read Only'
    ])
    expect(taken).toEqual(['list exports', 'get cluster', 'list snapshots'])
  })

  it('refuses an answer without the new export id', async () => {
    const { steps } = scripted({ posts: [{ state: 'Queued' }] })
    const error = await stepFailure(start(steps, { snapshotId: hex('5') }))
    expect([error.kind, error.message, error.step?.what, error.step?.role]).toEqual([
      'protocol',
      'Atlas started the export but answered without its id',
      'start the export',
      'Project Backup Export Operator'
    ])
  })
})

describe('taking a snapshot first', () => {
  it('takes one named after the workflow run, kept as asked, and waits until it is completed', async () => {
    const { steps, taken, said, bodies, lines } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }] })
    const started = await start(steps, { takeSnapshot: true, snapshotRetentionDays: 3 })
    // Each step names what it does and the role the spec's x-rolesRequirements gives its operation.
    expect(said).toEqual([
      'list the export jobs of the cluster (Project Backup Manager)',
      'read the cluster (is it sharded?) (Project Read Only)',
      'list the snapshots of the cluster (Project Read Only)',
      'take an on-demand snapshot (Project Backup Creator)',
      'wait for the snapshot (Project Read Only)',
      'start the export (Project Backup Export Operator)'
    ])
    expect(started.outputs).toEqual({ started: 'true', snapshotId: hex('9') })
    expect(taken).toEqual([
      'list exports',
      'get cluster',
      'list snapshots',
      'POST snapshots',
      `wait snapshots/${hex('9')}`,
      'POST exports'
    ])
    expect(bodies[0]).toEqual({
      description: 'GitHub run acme/warehouse#42: taken by atlas-pipeline-run-action/backup-export',
      retentionInDays: 3
    })
    expect(lines[0]).toBe(`Took on-demand snapshot ${hex('9')}; waiting until it is completed.`)
  })

  it('names the snapshot after the run alone when the runner did not say the repository', async () => {
    const { steps, bodies } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }] }, { GITHUB_RUN_ID: '42' })
    await start(steps, { takeSnapshot: true })
    expect(bodies[0]).toMatchObject({ description: 'GitHub run #42: taken by atlas-pipeline-run-action/backup-export' })
  })

  it('outside a workflow run, names the snapshot after GitHub Actions alone', async () => {
    const { steps, bodies } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }] }, {})
    await start(steps, { takeSnapshot: true })
    expect((bodies[0] as Doc)['description']).toBe('GitHub Actions: taken by atlas-pipeline-run-action/backup-export')
    expect((bodies[1] as Doc)['customData']).toEqual([])
  })

  it('reuses the snapshot this workflow run took before, and not one of run 4242', async () => {
    const snapshots = [
      {
        id: hex('7'),
        status: 'completed',
        description: 'GitHub run acme/warehouse#4242: taken',
        createdAt: '2026-11-28T03:00:00Z'
      },
      // An older one of this run (an earlier attempt), listed first: the newest is taken.
      {
        id: hex('5'),
        status: 'completed',
        description: 'GitHub run acme/warehouse#42: x',
        createdAt: '2026-11-28T00:30:00Z'
      },
      { id: hex('4'), status: 'completed', description: 42, createdAt: '2026-11-28T04:00:00Z' },
      {
        id: hex('8'),
        status: 'completed',
        description: 'GitHub run acme/warehouse#42: taken',
        createdAt: '2026-11-28T01:00:00Z'
      },
      {
        id: hex('6'),
        status: 'failed',
        description: 'GitHub run acme/warehouse#42: taken',
        createdAt: '2026-11-28T02:00:00Z'
      }
    ]
    const { steps, taken, lines } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('8'))
    expect(taken).toEqual([
      'list exports',
      'get cluster',
      'list snapshots',
      `wait snapshots/${hex('8')}`,
      'POST exports'
    ])
    expect(lines[0]).toBe(`This workflow run took snapshot ${hex('8')} before; using it.`)
  })

  it('waits for an on-demand snapshot already in progress instead of taking another', async () => {
    const snapshots = [
      { id: hex('2'), status: 'inProgress', snapshotType: 'scheduled' },
      { id: hex('3'), status: 'inProgress', snapshotType: 'onDemand' },
      { id: hex('4'), status: 'completed', snapshotType: 'onDemand', createdAt: '2026-11-28T02:00:00Z' }
    ]
    const { steps, taken, lines } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('3'))
    expect(taken).toEqual([
      'list exports',
      'get cluster',
      'list snapshots',
      `wait snapshots/${hex('3')}`,
      'POST exports'
    ])
    expect(lines[0]).toBe(
      `An on-demand snapshot is already in progress (${hex('3')}); Atlas allows one at a time, so waiting for it instead of taking another.`
    )
  })

  it('waits for a queued on-demand snapshot too', async () => {
    const { steps, taken } = scripted({
      snapshots: [[{ id: hex('2'), status: 'queued', snapshotType: 'onDemand' }]],
      posts: [{ id: hex('e') }]
    })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('2'))
    expect(taken).not.toContain('POST snapshots')
  })

  it('starts no export when the snapshot failed', async () => {
    const { steps, taken } = scripted({ posts: [{ id: hex('9') }], waited: { status: 'failed' } })
    const error = await stepFailure(start(steps, { takeSnapshot: true }))
    expect([error.kind, error.message, error.step?.what, error.headline]).toEqual([
      'failed',
      `Atlas could not take snapshot ${hex('9')}: it failed`,
      'wait for the snapshot',
      `snapshot ${hex('9')} failed; no export was started`
    ])
    expect(error.hint).toMatch(/^Atlas could not take the snapshot: .* run the job again\. It takes a new snapshot/)
    expect(taken).not.toContain('POST exports')
  })

  it('refuses a snapshot answer without an id', async () => {
    const { steps } = scripted({ posts: [{ status: 'queued' }] })
    const error = await stepFailure(start(steps, { takeSnapshot: true }))
    expect([error.kind, error.message, error.step?.role]).toEqual([
      'protocol',
      'Atlas took the snapshot but answered without its id',
      'Project Backup Creator'
    ])
  })
})

describe('never starting twice', () => {
  it('waits for the export this workflow run started before, the newest of its own', async () => {
    const exports = [
      job('a', { createdAt: '2026-11-28T01:00:00Z' }),
      job('b', { createdAt: '2026-11-28T03:00:00Z', customData: [] }),
      job('c', { createdAt: '2026-11-28T02:00:00Z' }),
      job('d', { createdAt: '2026-11-28T04:00:00Z' }, '4242'),
      job('f', { createdAt: '2026-11-28T04:00:00Z' }, '42', 'acme/other'),
      job('0', { createdAt: '2026-11-28T04:00:00Z', exportBucketId: OTHER_BUCKET })
    ]
    const { steps, taken, lines } = scripted({ exports: [exports] })
    expect(await start(steps)).toEqual({ exportId: hex('c'), outputs: { started: 'false', snapshotId: hex('5') } })
    expect(taken).toEqual(['list exports'])
    expect(lines).toEqual([
      `This workflow run started export ${hex('c')} before (attempt 1); waiting for it instead of starting another.`
    ])
  })

  it('starts a new one when the one before failed or was cancelled', async () => {
    for (const state of ['Failed', 'Cancelled']) {
      const { steps, taken, lines } = scripted({ exports: [[job('a', { state })]], posts: [{ id: hex('e') }] })
      expect((await start(steps, { snapshotId: hex('5') })).exportId).toBe(hex('e'))
      expect(taken).toEqual(['list exports', 'POST exports'])
      expect(lines[0]).toBe(
        `The export this workflow run started before (${hex('a')}) is ${state}; starting a new one.`
      )
    }
  })

  it('takes only a job of its own: same repository and run, the same bucket, with an id', async () => {
    const strangers = [
      job('a', {
        customData: [
          null,
          'githubRunId',
          { key: 'githubRepository', value: 'acme/warehouse' },
          { key: 'githubRunId', value: 42 }
        ]
      }),
      { ...job('b'), id: undefined },
      job('c', { customData: [{ key: 'githubRunId', value: '42' }] })
    ]
    const { steps, taken } = scripted({ exports: [strangers], posts: [{ id: hex('e') }] })
    expect((await start(steps, { snapshotId: hex('5') })).exportId).toBe(hex('e'))
    expect(taken).toEqual(['list exports', 'POST exports'])
  })

  it('says which attempt started the job before, or that it cannot tell', async () => {
    const unlabelled = job('a', {
      snapshotId: undefined,
      customData: [
        { key: 'githubRepository', value: 'acme/warehouse' },
        { key: 'githubRunId', value: '42' }
      ]
    })
    const { steps, lines, done } = scripted({ exports: [[unlabelled]] })
    expect(await start(steps)).toEqual({ exportId: hex('a'), outputs: { started: 'false', snapshotId: '' } })
    expect(lines).toEqual([
      `This workflow run started export ${hex('a')} before (attempt ?); waiting for it instead of starting another.`
    ])
    expect(done).toEqual([`Export job ${hex('a')}: started by this workflow run before (attempt ?), not started again`])
  })

  it('looks nothing up outside a workflow run', async () => {
    const { steps } = scripted(
      { exports: [[job('a')]], posts: [{ id: hex('e') }] },
      { GITHUB_REPOSITORY: 'acme/warehouse' }
    )
    expect((await start(steps, { snapshotId: hex('5') })).exportId).toBe(hex('e'))
  })

  it.each([
    ['a 503', new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })],
    ['a timeout', new AtlasError('Atlas did not answer within 30s', { kind: 'timeout', retryable: true })]
  ])('after %s, takes the export Atlas did start instead of sending again', async (_case, lost) => {
    const { steps, taken } = scripted({ exports: [[], [job('e', { snapshotId: hex('5') })]], posts: [lost] })
    expect(await start(steps, { snapshotId: hex('5') })).toEqual({
      exportId: hex('e'),
      outputs: { started: 'true', snapshotId: hex('5') }
    })
    expect(taken).toEqual(['list exports', 'POST exports', 'list exports'])
  })

  it('sends once more when Atlas lists no export of that snapshot', async () => {
    const lost = new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network', retryable: true })
    const otherSnapshot = job('e', { snapshotId: hex('6') })
    const { steps, taken, bodies } = scripted({
      exports: [[], [otherSnapshot]],
      posts: [lost, { id: hex('f') }]
    })
    expect((await start(steps, { snapshotId: hex('5') })).exportId).toBe(hex('f'))
    expect(taken).toEqual(['list exports', 'POST exports', 'list exports', 'POST exports'])
    expect(bodies[1]).toEqual(bodies[0])
  })

  it('does not take the failed export from before for the one just lost', async () => {
    const before = job('a', { state: 'Failed', snapshotId: hex('5') })
    const lost = new AtlasError('Atlas API 502', { kind: 'api', status: 502, retryable: true })
    const { steps, taken } = scripted({ exports: [[before]], posts: [lost, { id: hex('f') }] })
    expect((await start(steps, { snapshotId: hex('5') })).exportId).toBe(hex('f'))
    expect(taken).toEqual(['list exports', 'POST exports', 'list exports', 'POST exports'])
  })

  it('does not look again after a refusal: it cannot hide a success', async () => {
    const refused = new AtlasError('Atlas API 409 CONFLICT', { kind: 'api', status: 409 })
    const { steps, taken } = scripted({ posts: [refused] })
    expect((await stepFailure(start(steps, { snapshotId: hex('5') }))).http).toBe(refused)
    expect(taken).toEqual(['list exports', 'POST exports'])
  })
})

describe('sharded clusters', () => {
  it.each(['SHARDED', 'GEOSHARDED'])(
    'a %s cluster: the newest completed snapshot comes from the sharded list (no paging)',
    async (clusterType) => {
      const snapshots = [
        { id: hex('1'), status: 'completed', type: 'shardedCluster', createdAt: '2026-11-27T00:00:00Z' },
        { id: hex('2'), status: 'completed', type: 'shardedCluster', createdAt: '2026-11-28T00:00:00Z' }
      ]
      const { steps, taken, lines } = scripted({ clusterType, snapshots: [snapshots], posts: [{ id: hex('e') }] })
      expect((await start(steps)).outputs.snapshotId).toBe(hex('2'))
      expect(taken).toEqual([
        'list exports',
        'get cluster',
        'list snapshots/shardedClusters (one page)',
        'POST exports'
      ])
      expect(lines[0]).toBe(`The cluster is ${clusterType}: reading its snapshots as a sharded cluster's.`)
    }
  )

  it('takeSnapshot: takes it with the one POST of any cluster, and waits for it on the sharded path', async () => {
    const { steps, taken } = scripted({ clusterType: 'SHARDED', posts: [{ id: hex('9') }, { id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('9'))
    expect(taken).toEqual([
      'list exports',
      'get cluster',
      'list snapshots/shardedClusters (one page)',
      'POST snapshots',
      `wait snapshots/shardedCluster/${hex('9')}`,
      'POST exports'
    ])
  })

  it('a snapshot given needs no look at the cluster: its export is one POST for any kind', async () => {
    const { steps, taken } = scripted({ clusterType: 'SHARDED', posts: [{ id: hex('e') }] })
    await start(steps, { snapshotId: hex('5') })
    expect(taken).toEqual(['list exports', 'POST exports'])
  })

  it('a cluster whose kind Atlas does not say is read as a replica set', async () => {
    const { steps, taken } = scripted({
      snapshots: [[{ id: hex('1'), status: 'completed' }]],
      posts: [{ id: hex('e') }]
    })
    await start(steps)
    expect(taken).toEqual(['list exports', 'get cluster', 'list snapshots', 'POST exports'])
  })
})

describe('the snapshots Atlas can export', () => {
  it('never a fallback snapshot, however new', async () => {
    const snapshots = [
      { id: hex('1'), status: 'completed', snapshotType: 'scheduled', createdAt: '2026-11-27T00:00:00Z' },
      { id: hex('2'), status: 'completed', snapshotType: 'fallback', createdAt: '2026-11-28T00:00:00Z' }
    ]
    const { steps } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps)).outputs.snapshotId).toBe(hex('1'))
  })

  it('with only fallback snapshots, says there is nothing to export and what to do', async () => {
    const { steps } = scripted({
      snapshots: [[{ id: hex('2'), status: 'completed', snapshotType: 'fallback', createdAt: '2026-11-28T00:00:00Z' }]]
    })
    const error = await stepFailure(start(steps))
    expect(error.headline).toBe('no snapshot to export: none is completed (fallback snapshots cannot be exported)')
    expect(error.hint).toBe(
      'Set takeSnapshot: true to take one now, or give snapshotId. Is Cloud Backup enabled on the cluster (M10 or larger)? No export was started.'
    )
  })

  it('a scheduled snapshot in progress does not stop takeSnapshot: it takes its own', async () => {
    const snapshots = [{ id: hex('2'), status: 'inProgress', snapshotType: 'scheduled', frequencyType: 'daily' }]
    const { steps, taken } = scripted({ snapshots: [snapshots], posts: [{ id: hex('9') }, { id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('9'))
    expect(taken).toContain('POST snapshots')
  })

  it('an on-demand one is known by snapshotType, or by the frequencyType "ondemand" Atlas has been seen to send', async () => {
    const snapshots = [{ id: hex('3'), status: 'inProgress', frequencyType: 'ondemand' }]
    const { steps, taken } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('3'))
    expect(taken).not.toContain('POST snapshots')
  })

  it('the one this run took and is still in progress (no createdAt yet) is newer than one it took before', async () => {
    const snapshots = [
      {
        id: hex('7'),
        status: 'inProgress',
        snapshotType: 'onDemand',
        description: 'GitHub run acme/warehouse#42: taken'
      },
      {
        id: hex('5'),
        status: 'completed',
        snapshotType: 'onDemand',
        description: 'GitHub run acme/warehouse#42: taken',
        createdAt: '2026-11-28T00:30:00Z'
      }
    ]
    const { steps } = scripted({ snapshots: [snapshots], posts: [{ id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('7'))
  })

  it('the wait says which snapshot it waits for and its status', async () => {
    const { steps, described } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }] })
    await start(steps, { takeSnapshot: true })
    expect(described).toEqual([`snapshot ${hex('9')} is inProgress`, `snapshot ${hex('9')} is without a status`])
  })
})

describe('a lost answer to taking a snapshot', () => {
  const lost = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })

  it("takes the snapshot Atlas did take (this run's, found in a second list) instead of taking another", async () => {
    const snapshot = {
      id: hex('9'),
      status: 'queued',
      snapshotType: 'onDemand',
      description: 'GitHub run acme/warehouse#42: taken by atlas-pipeline-run-action/backup-export'
    }
    const { steps, taken } = scripted({ snapshots: [[], [snapshot]], posts: [lost, { id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('9'))
    expect(taken).toEqual([
      'list exports',
      'get cluster',
      'list snapshots',
      'POST snapshots',
      'list snapshots',
      `wait snapshots/${hex('9')}`,
      'POST exports'
    ])
  })

  it('looks for it on the sharded list, in one page, on a sharded cluster', async () => {
    const { steps, taken } = scripted({
      clusterType: 'SHARDED',
      snapshots: [[], []],
      posts: [lost, { id: hex('9') }, { id: hex('e') }]
    })
    await start(steps, { takeSnapshot: true })
    expect(taken.slice(2, 5)).toEqual([
      'list snapshots/shardedClusters (one page)',
      'POST snapshots',
      'list snapshots/shardedClusters (one page)'
    ])
  })

  it('sends it once more when Atlas lists none of this run', async () => {
    const { steps, taken } = scripted({ snapshots: [[], []], posts: [lost, { id: hex('9') }, { id: hex('e') }] })
    expect((await start(steps, { takeSnapshot: true })).outputs.snapshotId).toBe(hex('9'))
    expect(taken.filter((step) => step === 'POST snapshots')).toHaveLength(2)
  })
})

describe('inputs of start mode outside it', () => {
  it('takeSnapshot: true without exportBucketId is refused, not ignored', () => {
    const problems: string[] = []
    readStartInputs((name) => ({ takeSnapshot: 'true' })[name] ?? '', problems)
    expect(problems).toEqual([
      'takeSnapshot is true but exportBucketId is not; takeSnapshot only applies when the step starts an export'
    ])
  })
})

describe('what the summary says was done before the check', () => {
  it('a snapshot taken and waited for, then the export started', async () => {
    const { steps, done } = scripted({ posts: [{ id: hex('9') }, { id: hex('e') }] })
    await start(steps, { takeSnapshot: true })
    expect(done).toEqual([
      `Snapshot ${hex('9')}: taken by this step, completed`,
      `Export job ${hex('e')}: started by this step, to bucket ${BUCKET}`
    ])
  })

  it('the newest completed snapshot, the one given, the one this run took, or one already in progress', async () => {
    const newestOne = scripted({
      snapshots: [[{ id: hex('1'), status: 'completed', createdAt: '2026-11-27T00:00:00Z' }]],
      posts: [{ id: hex('e') }]
    })
    await start(newestOne.steps)
    expect(newestOne.done[0]).toBe(`Snapshot ${hex('1')}: the newest completed one, created 2026-11-27T00:00:00Z`)
    const given = scripted({ posts: [{ id: hex('e') }] })
    await start(given.steps, { snapshotId: hex('5') })
    expect(given.done[0]).toBe(`Snapshot ${hex('5')}: as given (snapshotId)`)
    const mine = scripted({
      snapshots: [[{ id: hex('8'), status: 'completed', description: 'GitHub run acme/warehouse#42: taken' }]],
      posts: [{ id: hex('e') }]
    })
    await start(mine.steps, { takeSnapshot: true })
    expect(mine.done[0]).toBe(`Snapshot ${hex('8')}: taken by this workflow run before, completed`)
    const running = scripted({
      snapshots: [[{ id: hex('3'), status: 'inProgress', snapshotType: 'onDemand' }]],
      posts: [{ id: hex('e') }]
    })
    await start(running.steps, { takeSnapshot: true })
    expect(running.done[0]).toBe(`Snapshot ${hex('3')}: an on-demand one already in progress, waited for, completed`)
  })

  it('the export this workflow run started before, not started again', async () => {
    const { steps, done } = scripted({ exports: [[job('c')]] })
    await start(steps)
    expect(done).toEqual([`Export job ${hex('c')}: started by this workflow run before (attempt 1), not started again`])
  })

  it('records a snapshot only once it is completed: a failed one is not shown as done', async () => {
    const { steps, done } = scripted({ posts: [{ id: hex('9') }], waited: { status: 'failed' } })
    await stepFailure(start(steps, { takeSnapshot: true }))
    expect(done).toEqual([])
  })
})
