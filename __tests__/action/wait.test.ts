// Wait mode, action-level: dist/index.js polls the Atlas-like server on 127.0.0.1; each test
// counts the requests the server saw, and of what kind.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  DIGEST_INPUTS,
  errorAnnotation,
  expectNoSecrets,
  OAUTH_INPUTS,
  RUN_INPUTS
} from '../support/action.js'
import { apiError, runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { spawnAction } from '../../scripts/run-action.mjs'

type Atlas = Awaited<ReturnType<typeof startFakeAtlas>>
let atlas: Atlas

async function serve(options: Parameters<typeof startFakeAtlas>[0] = {}): Promise<Atlas> {
  atlas = await startFakeAtlas(options)
  return atlas
}
afterEach(async () => {
  await atlas?.close()
})

const WAIT = { wait: 'true', pollInterval: '1s', timeout: '30s' }
const running = (phase = 'EXPORT') => ({ run: runDocument({ state: 'IN_PROGRESS', phase }) })
const kinds = () => atlas.requests.map((r) => r.kind)
const runs = () => atlas.requests.filter((r) => r.kind === 'run')

describe('wait mode', () => {
  it('polls PENDING → IN_PROGRESS → DONE with one request per poll, logging each change once', async () => {
    await serve()
    atlas.script([
      { run: runDocument({ state: 'PENDING', phase: 'SNAPSHOT' }) },
      running(),
      running(),
      { run: runDocument() }
    ])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    expect(kinds()).toEqual(['run', 'run', 'run', 'run'])
    const changes = result.stdout.split('\n').filter((l: string) => /^\[\+\d/.test(l))
    expect(changes).toEqual([
      expect.stringMatching(/state PENDING, phase SNAPSHOT$/),
      expect.stringMatching(/state IN_PROGRESS, phase EXPORT$/),
      expect.stringMatching(/state DONE, phase INGESTION$/)
    ])
    expect(result.outputs).toMatchObject({ state: 'DONE', polls: '4', succeeded: 'true' })
    expect(Number(result.outputs['waitedSeconds'])).toBeGreaterThanOrEqual(3)
    expect(result.summary).toContain('<details><summary>Timeline: 4 requests over')
    expect(result.summary).toMatch(/\| \+0s \| PENDING · SNAPSHOT \| 1s \|/)
    expect(result.summary).toContain('✅ Snapshot 1s → ✅ Export 2s → ✅ Ingestion')
    // Polls are spaced by pollInterval.
    const gaps = runs()
      .slice(1)
      .map((r, i) => r.at - runs()[i]!.at)
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950)
  })

  it('fails when the run ends FAILED, with all outputs', async () => {
    await serve()
    atlas.script([
      running(),
      { run: runDocument({ state: 'FAILED', phase: 'EXPORT', stats: { bytesExported: 10, numDocs: 0 } }) }
    ])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...WAIT })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('FAILED in phase EXPORT')
    expect(result.outputs).toMatchObject({
      state: 'FAILED',
      phase: 'EXPORT',
      bytesExported: '10',
      polls: '2',
      succeeded: 'false'
    })
    expect(runs()).toHaveLength(2)
  })

  it('times out with the last state, near the deadline, summary saying how long and how many polls', async () => {
    await serve()
    atlas.script([running('INGESTION')])
    const started = Date.now()
    const result = await runWithoutLeaksOrCrash(atlas.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '3s'
    })
    const took = Date.now() - started
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /^Timed out after 3s and 4 polls: Pipeline run \w+ of nightly-export is still IN_PROGRESS \(phase INGESTION\)\./
    )
    expect(errorAnnotation(result)).toContain('Raise timeout')
    expect(result.outputs).toMatchObject({ state: 'IN_PROGRESS', phase: 'INGESTION', polls: '4', waitedSeconds: '3' })
    expect(result.summary.split('\n')[0]).toBe(
      '### ❌ nightly-export: timed out after 3s, still IN_PROGRESS (INGESTION)'
    )
    expect(result.summary).toContain('⏳ Ingestion')
    expect(runs()).toHaveLength(4)
    expect(took).toBeLessThan(3000 + 2500) // start-up and one request past the deadline at most
  })

  it('waits at least Retry-After after a 429 in the middle of a wait, then carries on', async () => {
    await serve()
    atlas.script([
      running(),
      { ...apiError(429, 'RATE_LIMITED', 'slow down'), headers: { 'retry-after': '2' } },
      { run: runDocument() }
    ])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    const [, limited, after] = runs()
    expect(after!.at - limited!.at).toBeGreaterThanOrEqual(2000)
    expect(runs()).toHaveLength(3)
  })

  it('rides out a connection reset and a hang past the request timeout', async () => {
    await serve()
    atlas.script([running(), { reset: true }, { hang: true }, running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...WAIT, requestTimeout: '1s' })
    expect(result.code).toBe(0)
    expect(runs()).toHaveLength(5)
    expect(result.outputs['polls']).toBe('5')
  })

  it('ends after six failed polls in a row with the last error', async () => {
    await serve()
    atlas.script([running(), apiError(503, 'SERVICE_UNAVAILABLE', 'down for maintenance')])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...BEARER_INPUTS, ...WAIT, timeout: '5m' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 503 SERVICE_UNAVAILABLE: down for maintenance')
    expect(runs()).toHaveLength(1 + 6)
    expect(result.outputs).toMatchObject({ state: 'IN_PROGRESS', httpStatus: '503', errorCode: 'SERVICE_UNAVAILABLE' })
  }, 60_000)

  it('keeps one Digest nonce for the whole wait, nc counting up', async () => {
    await serve()
    atlas.script([running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...DIGEST_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    expect(atlas.requests.map((r) => r.authResult)).toEqual(['challenge', 'ok', 'ok', 'ok', 'ok'])
    expect(atlas.requests.slice(1).map((r) => r.digest.nc)).toEqual(['00000001', '00000002', '00000003', '00000004'])
    expect(new Set(atlas.requests.slice(1).map((r) => r.digest.nonce)).size).toBe(1)
  })

  it('pays one extra round trip when the nonce goes stale', async () => {
    await serve({ digest: { nonceUses: 2 } })
    atlas.script([running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...DIGEST_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    expect(atlas.requests.map((r) => r.authResult)).toEqual(['challenge', 'ok', 'ok', 'stale', 'ok', 'ok'])
    const after = atlas.requests[4]!.digest
    expect(after.nc).toBe('00000001')
    expect(after.nonce).not.toBe(atlas.requests[1]!.digest.nonce)
  })

  it('asks for one token, refreshes it shortly before it expires, and revokes each once', async () => {
    await serve({ tokenExpiresIn: 3 })
    atlas.script([running(), running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...OAUTH_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    // The replaced token is revoked in the background, so its revoke may land around the next poll.
    expect(kinds().filter((k: string) => k !== 'revoke')).toEqual(['token', 'run', 'run', 'run', 'token', 'run', 'run'])
    expect(kinds()[kinds().length - 1]).toBe('revoke')
    const tokens = runs().map((r) => r.headers['authorization'].replace('Bearer ', ''))
    expect(new Set(tokens).size).toBe(2)
    expect([...atlas.state.revoked].sort()).toEqual([...new Set(tokens)].sort())
  })

  it('fetches a new token once when Atlas refuses one that used to work', async () => {
    await serve({ tokenLifetimeMs: 1500 })
    atlas.script([running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas.url, { ...OAUTH_INPUTS, ...WAIT })
    expect(result.code).toBe(0)
    const seen = atlas.requests.map((r) => `${r.kind}${r.authResult ? ` ${r.authResult}` : ''}`)
    expect(seen.filter((k: string) => k !== 'revoke')).toEqual([
      'token',
      'run ok',
      'run ok',
      'run denied',
      'token',
      'run ok',
      'run ok'
    ])
    expect(atlas.state.revoked).toHaveLength(2) // the refused token and the last one
  })

  it('stops at once on SIGTERM: revokes the token, writes outputs and the summary, exits non-zero', async () => {
    await serve()
    atlas.script([running()])
    let signalledAt = 0
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...OAUTH_INPUTS, baseUrl: atlas.url, wait: 'true', pollInterval: '1s', timeout: '10m' },
      onStart: (child) => {
        setTimeout(() => {
          signalledAt = Date.now()
          child.kill('SIGTERM')
        }, 2500)
      }
    })
    expectNoSecrets(result)
    expect(result.code).toBe(1)
    expect(Date.now() - signalledAt).toBeLessThan(2000)
    expect(result.stdout).toContain('Received SIGTERM: stopping.')
    expect(errorAnnotation(result)).toMatch(
      /^Cancelled while the pipeline run was IN_PROGRESS \(phase EXPORT\) after \ds \(\d polls?\)\./
    )
    expect(result.outputs).toMatchObject({ state: 'IN_PROGRESS', succeeded: 'false' })
    expect(result.summary).toMatch(/^### ❌ nightly-export: cancelled after \ds, still IN_PROGRESS \(EXPORT\)/)
    expect(kinds().filter((k: string) => k === 'token')).toHaveLength(1)
    expect(kinds()[kinds().length - 1]).toBe('revoke')
  })
})
