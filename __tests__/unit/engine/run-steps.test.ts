// run() in-process: the steps before the check (latest, start mode) as the engine wires them: their
// requests, their time, their failures and what the summary says of them.
import { describe, expect, it } from '@jest/globals'
import {
  run,
  runBackupExport,
  onRealClock,
  atlas,
  given,
  infoLines,
  outputs,
  failure,
  summaryText,
  core
} from '../../support/in-process-run.js'
import { DEMO, runDocument } from '../../support/fake-atlas.mjs'

describe('steps before the check', () => {
  const BUCKET = '6750f0e1d2c3b4a596877869'
  const exportInputs = () => ({
    groupId: DEMO.groupId,
    clusterName: DEMO.clusterName,
    baseUrl: atlas.url,
    accessToken: DEMO.accessToken
  })
  beforeEach(() => {
    atlas.state.lists.exports = []
    atlas.state.lists.snapshots = []
    atlas.state.lists.runs = []
  })

  it('starts an export of the newest completed snapshot and waits for it (wait defaults to true)', async () => {
    atlas.state.lists.snapshots = [
      { id: 'a'.repeat(24), status: 'completed', createdAt: '2026-11-27T00:00:00Z' },
      { id: 'b'.repeat(24), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }
    ]
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, pollInterval: '1s' }
    await runBackupExport()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(outputs()).toMatchObject({ started: 'true', snapshotId: 'b'.repeat(24), state: 'Successful' })
    expect(infoLines()).toContainEqual(expect.stringMatching(/^Newest completed snapshot: b{24}/))
    // The summary says what was done before the check.
    expect(summaryText()).toContain(`- Snapshot \`${'b'.repeat(24)}\`: the newest completed`)
    expect(summaryText()).toMatch(/\n- Export job `[0-9a-f]{24}`: started by this step, to bucket /)
  })

  it('lists every step before the check in the timeline, the snapshot wait with what it saw, then the check', async () => {
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
    await runBackupExport()
    expect(core.setFailed).not.toHaveBeenCalled()
    const rows = summaryText()
      .split('\n')
      .filter((line) => /^\| 20\d\d-/.test(line))
      .map((line) => line.split(' | ')[2])
    expect(rows).toEqual([
      'list the export jobs of the cluster',
      'read the cluster (is it sharded?)',
      'list the snapshots of the cluster',
      'take an on-demand snapshot',
      expect.stringMatching(/^wait for the snapshot \(2 requests\): snapshot `[0-9a-f]{24}` is completed$/),
      'start the export',
      'InProgress',
      'Successful',
      'read the export bucket'
    ])
    // The rows add up to every request of the step.
    expect(outputs()['polls']).toBe('10')
  })

  it('says the network failed for a while when Atlas answered earlier in the run', async () => {
    atlas.state.lists.snapshots = [{ id: 'b'.repeat(24), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }]
    atlas.state.listScripts['cluster'] = Array.from({ length: 6 }, () => ({ reset: true }))
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET }
    try {
      await runBackupExport()
    } finally {
      atlas.state.listScripts['cluster'] = []
    }
    expect(failure()).toEqual([
      expect.stringContaining(
        '\nAtlas answered earlier in this run, so these look like passing faults: run the job again later.'
      )
    ])
  })

  it('fails with what the step found, counting its requests, when there is nothing to check', async () => {
    given.inputs = { ...exportInputs(), exportId: 'latest' }
    await runBackupExport()
    expect(failure()).toEqual([
      `Atlas lists no export job of cluster ${DEMO.clusterName}\nCheck groupId and clusterName, or start an export first (give exportBucketId instead of exportId).`
    ])
    expect(outputs()).toMatchObject({ polls: '1', succeeded: 'false' })
    expect(outputs()['state']).toBeUndefined()
  })

  it('takes a snapshot, waits for it within the deadline, then exports it', async () => {
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
    await runBackupExport()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(outputs()).toMatchObject({ started: 'true', state: 'Successful' })
    expect(infoLines()).toContainEqual(
      expect.stringMatching(/^Took on-demand snapshot [0-9a-f]{24}; waiting until it is completed\.$/)
    )
  })

  it('times out in a step before the check, naming the snapshot it waited for and its last status', async () => {
    given.inputs = {
      ...exportInputs(),
      exportBucketId: BUCKET,
      takeSnapshot: 'true',
      timeout: '2s',
      pollInterval: '1s'
    }
    atlas.state.snapshotOutcome = 'inProgress' // the snapshot never completes
    try {
      await runBackupExport()
    } finally {
      atlas.state.snapshotOutcome = undefined
    }
    expect(failure()).toEqual([
      expect.stringMatching(
        /^Timed out after 2s \(\d requests\) while trying to wait for the snapshot: snapshot [0-9a-f]{24} is inProgress\. No export was started\.\nRaise timeout: one timeout covers every step and the check \(now 2s\)\. Running the job again is safe: it uses the snapshot this run took/
      )
    ])
    expect(outputs()).toMatchObject({ waitedSeconds: '2', succeeded: 'false' })
  })

  it('stops a step before the check at the first signal, and reports the cancellation', async () => {
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
    atlas.state.snapshotOutcome = 'inProgress'
    try {
      const checking = runBackupExport(onRealClock)
      await new Promise((resolve) => setTimeout(resolve, 500))
      process.emit('SIGTERM', 'SIGTERM')
      await checking
    } finally {
      atlas.state.snapshotOutcome = undefined
    }
    expect(failure()).toEqual([
      expect.stringMatching(
        /^Cancelled after \ds while trying to wait for the snapshot: snapshot [0-9a-f]{24} is (queued|inProgress)\. No export was started\.\nRunning the job again is safe/
      )
    ])
  })

  it("starts the export of a sharded cluster's newest snapshot, learning its kind with one request", async () => {
    atlas.state.clusterType = 'SHARDED'
    atlas.state.lists.snapshots = [
      { id: 'a'.repeat(24), status: 'completed', type: 'shardedCluster', createdAt: '2026-11-28T00:00:00Z' },
      { id: 'f'.repeat(24), status: 'completed', snapshotType: 'fallback', createdAt: '2026-11-29T00:00:00Z' }
    ]
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, pollInterval: '1s' }
    try {
      await runBackupExport()
    } finally {
      atlas.state.clusterType = 'REPLICASET'
    }
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(outputs()).toMatchObject({ started: 'true', snapshotId: 'a'.repeat(24), state: 'Successful' })
    expect(atlas.requests.map((r) => r.kind)).toEqual([
      'list-exports',
      'cluster',
      'list-sharded-snapshots',
      'post-exports',
      'export',
      'export',
      'bucket'
    ])
    const cluster = atlas.requests.find((r) => r.kind === 'cluster')!
    expect(cluster.headers['accept']).toBe('application/vnd.atlas.2024-08-05+json')
  })

  it('takes a snapshot of a sharded cluster and waits for it on the sharded path', async () => {
    atlas.state.clusterType = 'GEOSHARDED'
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
    try {
      await runBackupExport()
    } finally {
      atlas.state.clusterType = 'REPLICASET'
    }
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(atlas.requests.map((r) => r.kind)).toEqual([
      'list-exports',
      'cluster',
      'list-sharded-snapshots',
      'post-snapshots',
      'sharded-snapshot',
      'sharded-snapshot',
      'post-exports',
      'export',
      'export',
      'bucket'
    ])
  })

  it('names the step and its role when Atlas refuses it', async () => {
    atlas.state.forbidden['post-exports'] = 'no'
    given.inputs = { ...exportInputs(), exportBucketId: BUCKET, snapshotId: 'c'.repeat(24) }
    await runBackupExport()
    expect(failure()[0]).toMatch(/\nTo start the export, the credentials need the Project Backup Export Operator role/)
    delete atlas.state.forbidden['post-exports']
  })

  it('finds the latest run of a pipeline', async () => {
    atlas.state.lists.runs = [
      runDocument({ _id: 'd'.repeat(24), createdDate: '2026-11-20T00:00:00Z' }),
      runDocument({ _id: 'e'.repeat(24) })
    ]
    atlas.script([{ run: runDocument({ _id: 'e'.repeat(24) }) }], { runId: 'e'.repeat(24) })
    given.inputs['runId'] = 'latest'
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    // The list of runs is a request of the check too.
    expect(outputs()).toMatchObject({ runId: 'e'.repeat(24), state: 'DONE', polls: '2' })
  })
})
