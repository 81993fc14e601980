// Start mode under random transient faults: N start-and-wait runs of backup-export and of
// backup-restore at once against one Atlas-like server that answers a share of its requests with
// a reset or a 503 (half of the faulted POSTs after the work was done). Prints (and returns) how
// many passed, the faults met, and how many exports or restores each run made: never more than
// one. Part of npm run bench; alone: node scripts/bench-faults.mjs [runs] [rate]
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEMO, startFakeAtlas } from '../__tests__/support/fake-atlas.mjs'
import { spawnAction } from './run-action.mjs'

// BENCH_DIST: another build to compare (a dist/ checked out from an earlier commit).
const DIST = process.env.BENCH_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')

/** The inputs and environment of run i, and the key of the work it makes (to count it per run). */
const ACTIONS = {
  'backup-export': {
    entry: join(DIST, 'backup-export.js'),
    inputs: () => ({ clusterName: DEMO.clusterName, exportBucketId: DEMO.exportBucketId }),
    made: (atlas, i) =>
      atlas.state.lists.exports.filter((job) =>
        job.customData?.some((label) => label.key === 'githubRunId' && label.value === String(5000 + i))
      ).length
  },
  'backup-restore': {
    entry: join(DIST, 'backup-restore.js'),
    // One target per run: two runs into one target would rightly wait for each other.
    inputs: (i) => ({ clusterName: DEMO.clusterName, targetClusterName: `staging-${i}` }),
    made: (atlas, i) => atlas.state.lists.restoreJobs.filter((job) => job.targetClusterName === `staging-${i}`).length
  }
}

export async function measureFaults({ action = 'backup-export', runs = 24, rate = 0.2, seed = 42 } = {}) {
  const spec = ACTIONS[action]
  const atlas = await startFakeAtlas()
  atlas.state.lists.snapshots = [{ id: 'a'.repeat(24), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }]
  atlas.state.restorePolls = 2
  atlas.faultAtRandom({ rate, seed })
  const results = await Promise.all(
    Array.from({ length: runs }, (_, i) =>
      spawnAction({
        entry: spec.entry,
        timeoutMs: 10 * 60_000,
        env: { GITHUB_REPOSITORY: 'acme/warehouse', GITHUB_RUN_ID: String(5000 + i), GITHUB_RUN_ATTEMPT: '1' },
        inputs: {
          groupId: DEMO.groupId,
          ...spec.inputs(i),
          accessToken: DEMO.accessToken,
          baseUrl: atlas.url,
          pollInterval: '1s',
          timeout: '5m'
        }
      })
    )
  )
  const api = atlas.requests.filter((r) => r.rawPath.startsWith('/api/atlas/v2/'))
  const made = results.map((_, i) => spec.made(atlas, i))
  await atlas.close()
  const failures = results.filter((r) => r.code !== 0)
  return {
    action,
    runs,
    rate,
    passed: runs - failures.length,
    requests: api.length,
    faults: api.filter((r) => r.fault).length,
    postFaults: api.filter((r) => r.fault && r.method === 'POST').length,
    lostAfterWork: api.filter((r) => r.faultAfterWork).length,
    madeOnce: made.filter((n) => n === 1).length,
    madeTwice: made.filter((n) => n > 1).length,
    failed: failures.map((r) => r.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? `exit ${r.code}`)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const action of Object.keys(ACTIONS))
    console.log(
      await measureFaults({ action, runs: Number(process.argv[2] ?? 24), rate: Number(process.argv[3] ?? 0.2) })
    )
}
