// A matrix over many clusters against one project's rate limit: N dist/backup-export.js waits at
// once against one Atlas-like server behind a token bucket, as a GitHub Actions matrix runs them.
// Prints (and returns) how many passed, the share of requests answered 429, and the time to the
// last verdict. Part of npm run bench; alone: node scripts/bench-matrix.mjs [jobs] [pollInterval]
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEMO, exportDocument, startFakeAtlas } from '../__tests__/support/fake-atlas.mjs'
import { spawnAction } from './run-action.mjs'

const EXPORT_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'backup-export.js')

/**
 * jobs waits at once, each for its own export job that is Successful at its fourth poll, with a
 * deadline of timeout, against a bucket of perMinute requests a minute (burst: capacity).
 */
export async function measureMatrix({
  jobs = 24,
  pollInterval = '15s',
  timeout = '3m',
  capacity = 20,
  perMinute = 120
} = {}) {
  const atlas = await startFakeAtlas()
  atlas.rateLimit({ capacity, perMinute })
  const ids = Array.from({ length: jobs }, (_, i) => `6750a1b2c3d4e5f6a7b8${String(1000 + i)}`)
  for (const exportId of ids)
    atlas.scriptExport(
      [
        ...Array.from({ length: 3 }, () => ({ run: exportDocument({ id: exportId, state: 'InProgress' }) })),
        { run: exportDocument({ id: exportId, state: 'Successful' }) }
      ],
      { exportId }
    )
  const started = Date.now()
  const results = await Promise.all(
    ids.map((exportId) =>
      spawnAction({
        entry: EXPORT_ENTRY,
        timeoutMs: 10 * 60_000,
        inputs: {
          groupId: DEMO.groupId,
          clusterName: DEMO.clusterName,
          exportId,
          accessToken: DEMO.accessToken,
          baseUrl: atlas.url,
          wait: 'true',
          pollInterval,
          timeout
        }
      }).then((result) => ({ result, at: Date.now() - started }))
    )
  )
  const api = atlas.requests.filter((r) => r.rawPath.startsWith('/api/atlas/v2/'))
  const limited = api.filter((r) => r.kind === 'rate-limited').length
  await atlas.close()
  const figures = {
    jobs,
    pollInterval,
    timeout,
    bucket: `${capacity} at once, ${perMinute} a minute`,
    passed: results.filter(({ result }) => result.code === 0 && result.outputs['state'] === 'Successful').length,
    requests: api.length,
    limited,
    limitedShare: api.length ? limited / api.length : 0,
    lastVerdictMs: Math.max(...results.map(({ at }) => at))
  }
  return figures
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await measureMatrix({
    jobs: Number(process.argv[2] ?? 24),
    pollInterval: process.argv[3] ?? '15s'
  })
  console.log(figures)
}
