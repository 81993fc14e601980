// A matrix over many clusters against one project's rate limit, action-level: several
// dist/backup-export.js waits at once against one Atlas-like server behind a small token bucket.
// Rate limiting is "later", never a failure: every wait passes, spread out by the jitter.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { exportDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { BEARER_INPUTS, EXPORT_ENTRY, EXPORT_INPUTS, type FakeAtlas } from '../support/action.js'
import { spawnAction } from '../../scripts/run-action.mjs'

const JOBS = 5
/** One export job per cluster of the matrix: InProgress for one poll, then Successful. */
const exportIds = Array.from({ length: JOBS }, (_, i) => `${'6750a1b2c3d4e5f6a7b8c9'}${String(10 + i)}`)

let atlas: FakeAtlas
beforeAll(async () => {
  atlas = await startFakeAtlas()
  // Room for two jobs at once, then two requests a second: most first polls are refused.
  atlas.rateLimit({ capacity: 2, perMinute: 120 })
  for (const exportId of exportIds)
    atlas.scriptExport(
      [
        { run: exportDocument({ id: exportId, state: 'InProgress' }) },
        { run: exportDocument({ id: exportId, state: 'Successful' }) }
      ],
      { exportId }
    )
})
afterAll(async () => {
  await atlas.close()
})

describe('many waits at once against one rate limit', () => {
  it('passes every one within its deadline, waiting out the 429s without counting them as faults', async () => {
    const results = await Promise.all(
      exportIds.map((exportId) =>
        spawnAction({
          entry: EXPORT_ENTRY,
          timeoutMs: 70_000,
          inputs: {
            ...EXPORT_INPUTS,
            exportId,
            ...BEARER_INPUTS,
            baseUrl: atlas.url,
            wait: 'true',
            pollInterval: '1s',
            timeout: '60s'
          }
        })
      )
    )
    const limited = atlas.requests.filter((r) => r.kind === 'rate-limited').length
    // The bucket did refuse requests: more of them than the jobs, so some job met several.
    expect(limited).toBeGreaterThan(JOBS)
    for (const result of results) {
      expect([result.code, result.outputs['state'], result.outputs['succeeded']]).toEqual([0, 'Successful', 'true'])
      expect(result.stderr).toBe('')
    }
    const logs = results.map((r) => r.stdout).join('\n')
    expect(logs).toMatch(
      /Atlas rate-limited the request \(Atlas API 429 RATE_LIMITED_TOKEN_BUCKET\), once so far; asking again in \d+s\./
    )
    // Their summaries show the time lost to the rate limit as its own figure.
    const summaries = results.map((r) => r.summary).filter((s) => s.includes('| Rate-limited |'))
    expect(summaries.length).toBeGreaterThan(0)
  }, 80_000)

  it('says, when the deadline ends a rate-limited wait, that Atlas kept answering 429 and what to do', async () => {
    // A bucket that never refills: every request is refused, each time with Retry-After: 1.
    atlas.rateLimit({ capacity: 0, perMinute: 0, retryAfterSeconds: 1 })
    const result = await spawnAction({
      entry: EXPORT_ENTRY,
      inputs: {
        ...EXPORT_INPUTS,
        ...BEARER_INPUTS,
        baseUrl: atlas.url,
        wait: 'true',
        pollInterval: '1s',
        timeout: '25s'
      }
    })
    expect(result.code).toBe(1)
    const annotation = result.stdout.split('\n').find((l: string) => l.startsWith('::error::')) ?? ''
    expect(annotation).toMatch(/Atlas kept answering 429 \(rate limited\) \d+ times/)
    expect(annotation).toMatch(/max-parallel/)
    expect(annotation).not.toMatch(/never answered|network/)
  }, 60_000)
})
