// Start mode and "latest", action-level: dist/backup-export.js (and dist/index.js for a pipeline's
// latest run) against an Atlas-like server on 127.0.0.1 that lists, creates and advances export
// jobs and snapshots. Each test gets a fresh server: lists and POSTs keep state.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  runExportWithoutLeaksOrCrash,
  errorAnnotation,
  OAUTH_INPUTS
} from '../support/action.js'
import { DEMO, exportDocument, runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'

type Atlas = Awaited<ReturnType<typeof startFakeAtlas>>
let atlas: Atlas
afterEach(async () => {
  await atlas?.close()
})
async function serve(): Promise<Atlas> {
  atlas = await startFakeAtlas()
  return atlas
}

const BUCKET = '6750f0e1d2c3b4a596877869'
const RUNNER = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/warehouse',
  GITHUB_SHA: 'c0ffee0000000000000000000000000000000000',
  GITHUB_WORKFLOW: 'release',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2'
}
const START = {
  groupId: DEMO.groupId,
  clusterName: DEMO.clusterName,
  exportId: '',
  exportBucketId: BUCKET,
  pollInterval: '1s'
}
const hex = (n: number) => n.toString(16).padStart(24, '0')
const kinds = () => atlas.requests.map((r) => r.kind)
const posts = (what: string) => atlas.requests.filter((r) => r.kind === `post-${what}`).map((r) => JSON.parse(r.body))
const provenance = (attempt = '1', runId = '4242') => [
  { key: 'githubRepository', value: 'acme/warehouse' },
  { key: 'githubRunId', value: runId },
  { key: 'githubRunAttempt', value: attempt }
]

/** Items with ids 1…n and dates that do not come in order: the newest is in the middle. */
function unordered<T>(n: number, make: (i: number, createdAt: string) => T): T[] {
  return Array.from({ length: n }, (_, i) =>
    make(i + 1, new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % n) * 60_000).toISOString())
  )
}
const newestIndex = (n: number) => Array.from({ length: n }, (_, i) => (i * 7919) % n).indexOf(n - 1) + 1

describe('latest', () => {
  it('backup-export checks the newest export job of the cluster, across every page', async () => {
    await serve()
    atlas.state.lists.exports = unordered(1200, (i, createdAt) => exportDocument({ id: hex(i), createdAt }))
    const id = hex(newestIndex(1200))
    atlas.scriptExport([{ run: exportDocument({ id }) }], { exportId: id })
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, exportId: 'latest' })
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['list-exports', 'list-exports', 'list-exports', 'export', 'bucket'])
    expect(atlas.requests[0]!.query).toMatchObject({ pageNum: '1', itemsPerPage: '500' })
    expect(result.stdout).toMatch(new RegExp(`^Newest export job: ${id}, created \\S+ \\(1 of 1200\\)\\.$`, 'm'))
    expect(result.outputs).toMatchObject({ exportId: id, state: 'Successful', polls: '5' })
  })

  it('the pipeline action checks the newest run of the pipeline, across every page', async () => {
    await serve()
    atlas.state.lists.runs = unordered(700, (i, createdDate) => runDocument({ _id: hex(i), createdDate }))
    const id = hex(newestIndex(700))
    atlas.script([{ run: runDocument({ _id: id }) }], { runId: id })
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, runId: 'latest' })
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['list-runs', 'list-runs', 'run'])
    expect(result.outputs).toMatchObject({ runId: id, state: 'DONE' })
    expect(result.stdout).toMatch(new RegExp(`^Newest run: ${id}, created \\S+ \\(1 of 700\\)\\.$`, 'm'))
  })

  it('says plainly when there is no job at all', async () => {
    await serve()
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, exportId: 'latest' })
    expect(result.code).toBe(1)
    expect(result.summary.split('\n')[0]).toBe(
      '### ❌ Cluster0 export: nothing to check: no export job of cluster Cluster0'
    )
  })
})

describe('start mode', () => {
  it('exports the newest completed snapshot with provenance, then waits for the job', async () => {
    await serve()
    atlas.state.lists.snapshots = [
      ...unordered(600, (i, createdAt) => ({ id: hex(i), status: 'completed', createdAt })),
      { id: hex(9001), status: 'inProgress', createdAt: '2027-01-01T00:00:00Z' },
      { id: hex(9002), status: 'failed', createdAt: '2027-01-02T00:00:00Z' }
    ]
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...OAUTH_INPUTS, ...START, customData: 'release=v42\nteam = data' },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(kinds().filter((k) => k !== 'token' && k !== 'revoke')).toEqual([
      'list-exports',
      'cluster',
      'list-snapshots',
      'list-snapshots',
      'post-exports',
      'export',
      'export',
      'bucket'
    ])
    const [body] = posts('exports')
    expect(body).toEqual({
      snapshotId: hex(newestIndex(600)),
      exportBucketId: BUCKET,
      customData: [
        { key: 'release', value: 'v42' },
        { key: 'team', value: 'data' },
        { key: 'githubRepository', value: 'acme/warehouse' },
        { key: 'githubSha', value: RUNNER.GITHUB_SHA },
        { key: 'githubWorkflow', value: 'release' },
        { key: 'githubRunId', value: '4242' },
        { key: 'githubRunAttempt', value: '2' },
        { key: 'githubRunUrl', value: 'https://github.com/acme/warehouse/actions/runs/4242' }
      ]
    })
    const job = atlas.state.lists.exports[0]!
    expect(result.outputs).toMatchObject({
      started: 'true',
      exportId: job.id,
      snapshotId: hex(newestIndex(600)),
      state: 'Successful'
    })
    expect(result.stdout).toContain(
      `Started export ${job.id} of snapshot ${hex(newestIndex(600))} to bucket ${BUCKET}.`
    )
    // Atlas sends the prefix without a leading slash: the address has one slash after the bucket.
    expect(result.outputs['exportUri']).toBe(`s3://acme-atlas-exports/${job.prefix}`)
    expect(result.outputs['exportUri']).toMatch(/^s3:\/\/acme-atlas-exports\/exported_snapshots\//)
  })

  it('exports the snapshot it is given, without listing snapshots', async () => {
    await serve()
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, snapshotId: hex(77) },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['list-exports', 'post-exports', 'export', 'export', 'bucket'])
    expect(posts('exports')[0].snapshotId).toBe(hex(77))
  })

  it('takes a snapshot first, waits until it is completed, then exports it', async () => {
    await serve()
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, takeSnapshot: 'true', snapshotRetentionDays: '3' },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(kinds()).toEqual([
      'list-exports',
      'cluster',
      'list-snapshots',
      'post-snapshots',
      'snapshot',
      'snapshot',
      'post-exports',
      'export',
      'export',
      'bucket'
    ])
    const [snapshot] = posts('snapshots')
    expect(snapshot).toEqual({
      description: 'GitHub run acme/warehouse#4242: taken by atlas-pipeline-run-action/backup-export',
      retentionInDays: 3
    })
    expect(posts('exports')[0].snapshotId).toBe(atlas.state.lists.snapshots[0]!['id'])
  })

  it('waits for an on-demand snapshot already in progress instead of taking another, and says so', async () => {
    await serve()
    atlas.state.lists.snapshots = [
      { id: hex(5), status: 'queued', snapshotType: 'onDemand', createdAt: '2026-11-28T00:00:00Z' }
    ]
    atlas.scriptSnapshot(hex(5), [
      { run: { id: hex(5), status: 'inProgress' } },
      { run: { id: hex(5), status: 'completed' } }
    ])
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, takeSnapshot: 'true' },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(kinds()).not.toContain('post-snapshots')
    expect(result.stdout).toContain(
      `An on-demand snapshot is already in progress (${hex(5)}); Atlas allows one at a time, so waiting for it`
    )
    expect(posts('exports')[0].snapshotId).toBe(hex(5))
  })

  it('reuses the snapshot this run took before, and not one of another run whose id starts the same', async () => {
    await serve()
    atlas.state.lists.snapshots = [
      {
        id: hex(6),
        status: 'completed',
        description: 'GitHub run acme/warehouse#424242: taken by x',
        createdAt: '2026-11-28T02:00:00Z'
      },
      {
        id: hex(7),
        status: 'completed',
        description: 'GitHub run acme/warehouse#4242: taken by x',
        createdAt: '2026-11-28T01:00:00Z'
      }
    ]
    atlas.scriptSnapshot(hex(7), [{ run: { id: hex(7), status: 'completed' } }])
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, takeSnapshot: 'true' },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(kinds()).not.toContain('post-snapshots')
    expect(result.stdout).toContain(`This workflow run took snapshot ${hex(7)} before; using it.`)
    expect(posts('exports')[0].snapshotId).toBe(hex(7))
  })

  it('fails, saying so, when the snapshot it took failed', async () => {
    await serve()
    atlas.state.snapshotOutcome = 'failed'
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, takeSnapshot: 'true' },
      RUNNER
    )
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /^Atlas could not take snapshot [0-9a-f]{24}: it failed\. No export was started\.\n/
    )
    expect(kinds()).not.toContain('post-exports')
  })
})

describe('never twice', () => {
  it('a re-run of the workflow run waits for the export it started before', async () => {
    await serve()
    const earlier = exportDocument({
      id: hex(31),
      state: 'InProgress',
      exportBucketId: BUCKET,
      customData: provenance('1')
    })
    atlas.state.lists.exports = [exportDocument({ id: hex(30), customData: provenance('1', '999') }), earlier]
    atlas.scriptExport([{ run: { ...earlier, state: 'Successful' } }], { exportId: hex(31) })
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...START }, RUNNER)
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['list-exports', 'export', 'bucket'])
    expect(result.stdout).toContain(
      `This workflow run started export ${hex(31)} before (attempt 1); waiting for it instead of starting another.`
    )
    expect(result.outputs).toMatchObject({ started: 'false', exportId: hex(31) })
  })

  it('starts a new export when the one this run started before Failed', async () => {
    await serve()
    atlas.state.lists.exports = [
      exportDocument({ id: hex(31), state: 'Failed', exportBucketId: BUCKET, customData: provenance('1') })
    ]
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, snapshotId: hex(8) },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(posts('exports')).toHaveLength(1)
    expect(result.outputs['started']).toBe('true')
  })

  it('a POST that fails after Atlas created the export is found, not sent again', async () => {
    await serve()
    atlas.state.postScripts.exports.push({
      afterCreate: true,
      status: 503,
      body: { error: 503, errorCode: 'SERVICE_UNAVAILABLE' }
    })
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, snapshotId: hex(8) },
      RUNNER
    )
    expect(result.code).toBe(0)
    expect(posts('exports')).toHaveLength(1)
    expect(atlas.state.lists.exports).toHaveLength(1)
    expect(result.stdout).toMatch(
      /Atlas API 503 SERVICE_UNAVAILABLE \(start the export\); retry 1 of 5 in \d+s\nAtlas has it already \([0-9a-f]{24}\): the request to start the export is not sent again\./
    )
  })

  it('a 409 gets a clear message', async () => {
    await serve()
    atlas.state.postScripts.exports.push({
      status: 409,
      body: {
        error: 409,
        errorCode: 'EXPORT_ALREADY_IN_PROGRESS',
        detail: 'An export of this snapshot is in progress.'
      }
    })
    const result = await runExportWithoutLeaksOrCrash(
      atlas.url,
      { ...BEARER_INPUTS, ...START, snapshotId: hex(8) },
      RUNNER
    )
    expect(result.code).toBe(1)
    expect(result.summary.split('\n')[0]).toBe(
      '### ❌ Cluster0 export: Atlas refused to start the export (409 conflict)'
    )
    expect(errorAnnotation(result)).toContain('Atlas allows one export of a snapshot at a time')
  })
})

describe('least privilege', () => {
  it.each([
    ['list-exports', {}, 'list the export jobs of the cluster', 'Project Backup Manager'],
    ['post-exports', {}, 'start the export', 'Project Backup Export Operator'],
    ['post-snapshots', { takeSnapshot: 'true' }, 'take an on-demand snapshot', 'Project Backup Creator']
  ])('a 403 on %s names the role that step needs', async (kind, extra, step, role) => {
    await serve()
    atlas.state.lists.snapshots = [{ id: hex(4), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }]
    atlas.state.forbidden[kind] = 'This API key lacks the role.'
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...START, ...extra }, RUNNER)
    expect(result.code).toBe(1)
    expect(result.summary.split('\n')[0]).toBe(
      `### ❌ Cluster0 export: Atlas denied access (403) to ${step}: needs ${role}`
    )
    expect(errorAnnotation(result)).toContain(
      `To ${step}, the credentials need the ${role} role on project ${DEMO.groupId}`
    )
  })
})

describe('the gate of a scheduled export: latest to one bucket, within maxAge', () => {
  const OTHER = 'c'.repeat(24)
  const gate = { ...BEARER_INPUTS, exportId: 'latest', exportBucketId: BUCKET, maxAge: '26h' }

  it('passes the newest job to that bucket when it is Successful and recent, starting nothing', async () => {
    await serve()
    const recent = new Date(Date.now() - 3_600_000).toISOString()
    atlas.state.lists.exports = [
      exportDocument({ id: hex(1), exportBucketId: BUCKET, createdAt: recent }),
      exportDocument({ id: hex(2), exportBucketId: OTHER, createdAt: new Date().toISOString() })
    ]
    atlas.scriptExport([{ run: exportDocument({ id: hex(1), createdAt: recent }) }], { exportId: hex(1) })
    const result = await runExportWithoutLeaksOrCrash(atlas.url, gate)
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['list-exports', 'export', 'bucket'])
    expect(result.outputs).toMatchObject({
      exportId: hex(1),
      state: 'Successful',
      exportUri: expect.stringMatching(/^s3:/)
    })
  })

  it('fails a stale one, stating its age and maxAge, and still sets its outputs', async () => {
    await serve()
    const old = new Date(Date.now() - 21 * 24 * 3_600_000).toISOString()
    atlas.state.lists.exports = [exportDocument({ id: hex(1), createdAt: old })]
    atlas.scriptExport([{ run: exportDocument({ id: hex(1), createdAt: old }) }], { exportId: hex(1) })
    const result = await runExportWithoutLeaksOrCrash(atlas.url, gate)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result).split('\n')[0]).toBe(
      `Export job ${hex(1)} of cluster Cluster0 is Successful, but it was created at ${old}, 21d ago: older than maxAge (26h).`
    )
    expect(result.summary.split('\n')[0]).toBe('### ❌ Cluster0 export: Successful, but 21d old (maxAge 26h)')
    expect(result.outputs).toMatchObject({ exportId: hex(1), state: 'Successful', succeeded: 'false', createdAt: old })
  })

  it('refuses maxAge without latest, naming it, before any request', async () => {
    await serve()
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, maxAge: '26h' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toBe(
      'Invalid input: maxAge is set but exportId is not latest; maxAge only applies to the newest export job (exportId: latest)'
    )
    expect(atlas.requests).toHaveLength(0)
  })
})

describe('sharded clusters', () => {
  it('start mode exports the newest completed snapshot of a sharded cluster, and shows its shards', async () => {
    await serve()
    atlas.state.clusterType = 'SHARDED'
    atlas.state.lists.snapshots = [
      { id: hex(1), status: 'completed', type: 'shardedCluster', createdAt: '2026-11-27T00:00:00Z' },
      {
        id: hex(2),
        status: 'completed',
        type: 'shardedCluster',
        snapshotType: 'fallback',
        createdAt: '2026-11-29T00:00:00Z'
      }
    ]
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...START }, RUNNER)
    expect(result.code).toBe(0)
    expect(kinds()).toEqual([
      'list-exports',
      'cluster',
      'list-sharded-snapshots',
      'post-exports',
      'export',
      'export',
      'bucket'
    ])
    // The sharded list has no paging parameters in the spec, and none are sent.
    expect(atlas.requests[2]!.query).toEqual({})
    expect(posts('exports')[0].snapshotId).toBe(hex(1))
  })

  it("a check of a sharded cluster's export job shows one component per shard", async () => {
    await serve()
    const components = [
      { exportId: hex(11), replicaSetName: 'atlas-abc-shard-0' },
      { exportId: hex(12), replicaSetName: 'atlas-abc-shard-1' },
      { exportId: hex(13), replicaSetName: 'atlas-abc-config-0' }
    ]
    atlas.scriptExport([{ run: exportDocument({ components }) }])
    const result = await runExportWithoutLeaksOrCrash(atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    expect(result.summary).toContain('| Collections | Shards | Export took |')
    expect(result.summary).toContain(`atlas-abc-shard-1 (${hex(12)})`)
  })
})

describe('faults before the check', () => {
  it('rides out three faults and a 429 while listing snapshots (500, 429, a reset, 503), then starts once', async () => {
    await serve()
    atlas.state.lists.snapshots = [{ id: hex(1), status: 'completed', createdAt: '2026-11-27T00:00:00Z' }]
    atlas.state.listScripts['list-snapshots'] = [
      { status: 500, body: { error: 500, errorCode: 'UNEXPECTED_ERROR', detail: 'boom' } },
      { status: 429, body: { error: 429, errorCode: 'RATE_LIMITED', detail: 'slow' }, headers: { 'retry-after': '1' } },
      { reset: true },
      { status: 503, body: { error: 503, errorCode: 'SERVICE_UNAVAILABLE', detail: 'later' } }
    ]
    const result = await runExportWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...START, timeout: '45s' }, RUNNER)
    expect(result.code).toBe(0)
    expect(kinds().filter((k) => k === 'post-exports')).toHaveLength(1)
    // The 429 is no fault: three retries of five, and the rate limit said on its own line.
    expect(result.stdout).toMatch(/; retry 3 of 5 in \d+s$/m)
    expect(result.stdout).not.toMatch(/retry 4 of 5/)
    expect(result.stdout).toMatch(
      /^Atlas rate-limited the request \(Atlas API 429 RATE_LIMITED\), once so far; asking again in \d+s \(list the snapshots of the cluster\)\.$/m
    )
  })
})
