// Hardening, action-level: cancellation as the runner does it, the overall deadline, loopback and
// proxies, bytes that cannot be sent, duration limits, hostile API text, token revocation and the
// messages of the edge cases. Each runs dist/index.js against servers on loopback.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  DIGEST_INPUTS,
  errorAnnotation,
  expectNoSecrets,
  OAUTH_INPUTS,
  RUN_INPUTS
} from '../support/action.js'
import { apiError, DEMO, runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { freePort } from '../support/processes.js'
import { spawnAction } from '../../scripts/run-action.mjs'

type Atlas = Awaited<ReturnType<typeof startFakeAtlas>>
let atlas: Atlas | undefined
const closers: (() => Promise<void>)[] = []

async function serve(options: Parameters<typeof startFakeAtlas>[0] = {}): Promise<Atlas> {
  atlas = await startFakeAtlas(options)
  return atlas
}
afterEach(async () => {
  await atlas?.close()
  atlas = undefined
  for (const close of closers.splice(0)) await close()
})

const running = () => ({ run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) })
const kinds = () => atlas!.requests.map((r) => r.kind)

/**
 * Cancels like the runner: SIGINT, then SIGTERM, then SIGKILL (7.5 s and 2.5 s apart on a real
 * runner; compressed here). Returns when the first signal was sent, via the callback.
 */
function cancelLikeRunner(
  child: ChildProcess,
  afterMs: number,
  onFirst: (at: number) => void,
  termAfterMs = 3000,
  killAfterMs = 2000
): void {
  const timers = [
    setTimeout(() => {
      onFirst(Date.now())
      child.kill('SIGINT')
    }, afterMs),
    setTimeout(() => child.kill('SIGTERM'), afterMs + termAfterMs),
    setTimeout(() => child.kill('SIGKILL'), afterMs + termAfterMs + killAfterMs)
  ]
  child.once('exit', () => timers.forEach(clearTimeout))
}

/** A plain HTTP server on 127.0.0.1 that records every request and answers 502: a proxy that must not be used. */
async function recordingProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = []
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    res.writeHead(502).end()
  })
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`)
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen }
}

describe('cancellation still reports', () => {
  /** A service-account wait that the runner cancels while the revoke endpoint hangs. */
  async function cancelWithHangingRevoke(termAfterMs: number, killAfterMs: number) {
    await serve()
    atlas!.script([running()])
    atlas!.scriptRevoke([{ hang: true }])
    let firstSignal = 0
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...OAUTH_INPUTS, baseUrl: atlas!.url, wait: 'true', pollInterval: '1s', timeout: '10m' },
      onStart: (child) => cancelLikeRunner(child, 2000, (at) => (firstSignal = at), termAfterMs, killAfterMs)
    })
    return { result, sinceFirstSignal: Date.now() - firstSignal }
  }

  it('writes outputs, the summary and the annotation before a revoke that hangs, and exits before the kill', async () => {
    const { result, sinceFirstSignal } = await cancelWithHangingRevoke(3000, 2000)
    expectNoSecrets(result)
    expect(result.signal).toBeNull() // it ended by itself, not by the kill
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(/^Cancelled while the pipeline run was IN_PROGRESS \(phase EXPORT\)/)
    expect(result.outputs).toMatchObject({ state: 'IN_PROGRESS', succeeded: 'false' })
    expect(result.summary).toContain('Cancelled while the pipeline run was')
    expect(kinds()).toContain('revoke') // the revoke was tried, and given up on
    expect(result.stdout).toContain('Could not revoke an Atlas access token')
    // Reported at the first signal; the second one cut the hanging revoke short.
    expect(sinceFirstSignal).toBeLessThan(3000 + 2000)
    expect(result.stdout).toContain('Received SIGTERM again: skipping clean-up.')
  })

  it('bounds the revoke by itself when no second signal comes', async () => {
    const { result, sinceFirstSignal } = await cancelWithHangingRevoke(20_000, 5000)
    expect(result.signal).toBeNull()
    expect(errorAnnotation(result)).toMatch(/^Cancelled while/)
    expect(result.stdout).toMatch(
      /Could not revoke an Atlas access token \((the revoke endpoint did not answer within 5s|clean-up took longer than 5s)\)/
    )
    expect(sinceFirstSignal).toBeGreaterThanOrEqual(5000)
    expect(sinceFirstSignal).toBeLessThan(5000 + 3000)
  })

  it('says what the last answer was when cancelled while retrying it', async () => {
    await serve()
    atlas!.script([apiError(503, 'SERVICE_UNAVAILABLE', 'down for maintenance')])
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: atlas!.url, wait: 'true', timeout: '10m' },
      onStart: (child) => cancelLikeRunner(child, 2000, () => undefined)
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /^Cancelled after \ds \(\d polls\) while retrying; the last answer was: Atlas API 503 SERVICE_UNAVAILABLE: down for maintenance\./
    )
    expect(errorAnnotation(result)).not.toContain('before Atlas answered')
  })
})

describe('timeout is the overall deadline', () => {
  it.each([
    ['the run request hangs (bearer)', BEARER_INPUTS, (a: Atlas) => a.script([{ hang: true }])],
    ['the token request hangs (service account)', OAUTH_INPUTS, (a: Atlas) => a.scriptToken([{ hang: true }])]
  ])('cuts the request in flight at the deadline when %s', async (_name, inputs, arrange) => {
    arrange(await serve())
    const started = Date.now()
    const result = await runWithoutLeaksOrCrash(atlas!.url, { ...inputs, timeout: '3s', requestTimeout: '20s' })
    const took = Date.now() - started
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /^Timed out after 3s and [01] polls?: .* is still unknown \(Atlas never answered\)\./
    )
    expect(took).toBeGreaterThanOrEqual(3000)
    expect(took).toBeLessThan(3000 + 3000) // not the 20 s requestTimeout
  })

  it('still takes a last look at the deadline in wait mode', async () => {
    await serve()
    atlas!.script([running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '2s'
    })
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ state: 'DONE', polls: '3' })
  })
})

describe('loopback means loopback everywhere', () => {
  it.each([['HTTP_PROXY'], ['http_proxy']])(
    'a plain-http baseUrl on 127.0.0.2 never goes through %s',
    async (variable) => {
      const proxy = await recordingProxy()
      await serve({ host: '127.0.0.2' })
      const result = await runWithoutLeaksOrCrash(atlas!.url, BEARER_INPUTS, {
        [variable]: proxy.url,
        HTTPS_PROXY: proxy.url
      })
      expect(result.code).toBe(0)
      expect(proxy.seen).toEqual([])
      expect(atlas!.requests).toHaveLength(1)
    }
  )
})

describe('bytes that cannot be sent in a header', () => {
  it.each([
    [
      'an input with a line break',
      { ...RUN_INPUTS, accessToken: 'abc\ndef' },
      {},
      'Invalid input: input accessToken contains a line break at character 4'
    ],
    [
      'an input outside Latin-1',
      { ...RUN_INPUTS, publicKey: 'pub\u2019k', privateKey: DEMO.privateKey },
      {},
      'input publicKey contains a character outside Latin-1 at character 4'
    ],
    [
      'an input with a control character',
      { ...RUN_INPUTS, clientId: DEMO.clientId, clientSecret: 'sec\u0007ret' },
      {},
      'input clientSecret contains a control character at character 4'
    ],
    [
      'an environment variable with a line break',
      RUN_INPUTS,
      { MONGODB_ATLAS_PUBLIC_API_KEY: DEMO.publicKey, MONGODB_ATLAS_PRIVATE_API_KEY: 'priv\r\nkey' },
      'environment variable MONGODB_ATLAS_PRIVATE_API_KEY contains a line break at character 5'
    ]
  ])('%s is an input error, before any request', async (_name, inputs, env, message) => {
    await serve()
    const result = await spawnAction({ inputs: { ...inputs, baseUrl: atlas!.url }, env })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(errorAnnotation(result)).toContain('copy it again')
    expect(result.stdout).not.toContain('UND_ERR_INVALID_ARG')
    expect(atlas!.requests).toHaveLength(0)
  })

  it('a token endpoint that hands back such a token is a protocol error, not retried', async () => {
    await serve()
    atlas!.scriptToken([
      { status: 200, body: { access_token: 'tok\r\nX-Injected: 1', token_type: 'Bearer', expires_in: 3600 } }
    ])
    const result = await runWithoutLeaksOrCrash(atlas!.url, OAUTH_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      'The token endpoint answered 200 with an access_token that cannot be sent in an HTTP header (it contains a line break at character 4)'
    )
    expect(errorAnnotation(result)).not.toContain('HTTPS_PROXY')
    expect(kinds().filter((k) => k === 'token')).toHaveLength(1)
    expect(kinds()).not.toContain('run')
  })
})

describe('durations have limits', () => {
  it.each([
    ['requestTimeout', '600h', 'requestTimeout is "600h"; it must be from 1s to 10m'],
    ['pollInterval', '700h', 'pollInterval is "700h"; it must be from 1s to 1h'],
    ['timeout', '9999h', 'timeout is "9999h"; it must be from 1s to 5d'],
    ['timeout', '9'.repeat(400), 'timeout is "999']
  ])('%s: %s is refused before any request', async (name, value, message) => {
    await serve()
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: atlas!.url, wait: 'true', [name]: value }
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(atlas!.requests).toHaveLength(0)
  })
})

describe('what Atlas says stays bounded and inert', () => {
  it('clips a 3 MB error detail in the annotation and the log', async () => {
    await serve()
    atlas!.script([apiError(400, 'INVALID_ATTRIBUTE', 'x'.repeat(3_000_000))])
    const result = await runWithoutLeaksOrCrash(atlas!.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    const longest = Math.max(...result.stdout.split('\n').map((l: string) => l.length))
    expect(longest).toBeLessThan(5000)
    expect(errorAnnotation(result)).toMatch(/^Atlas API 400 INVALID_ATTRIBUTE: x+… \(\d+ more characters\)/)
  })

  it('keeps API text on one line and shows terminal controls instead of obeying them', async () => {
    await serve()
    const detail =
      'bad\u001b[31m red \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\nsecond line\r\nthird \u202eline'
    atlas!.script([apiError(400, 'INVALID_ATTRIBUTE', detail)])
    const result = await runWithoutLeaksOrCrash(atlas!.url, BEARER_INPUTS)
    const [message, hint, ...more] = errorAnnotation(result).split('\n')
    expect(more).toEqual([])
    expect(hint).toMatch(/^Atlas rejected the request/)
    expect(message).toContain('bad\\x1b[31m red \\x1b]8;;https://evil.example\\x07click')
    expect(message).toContain('second line third \\u202eline')
    for (const control of ['\u0007', '\u001b', '\u202e']) expect(result.stdout).not.toContain(control)
  })

  it('shows controls in a state logged during a wait', async () => {
    await serve()
    atlas!.script([{ run: runDocument({ state: 'IN_PROGRESS', phase: 'EX\u001b[2JPORT' }) }, { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, { ...BEARER_INPUTS, wait: 'true', pollInterval: '1s' })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('phase EX\\x1b[2JPORT')
    expect(result.stdout).not.toContain('\u001b')
  })

  it('says a valid JSON document nested very deep is too deep, not "not JSON"', async () => {
    await serve()
    const deep = `{"state":"DONE","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    atlas!.script([{ raw: deep, contentType: 'application/json' }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas answered 200 but the body is JSON nested deeper than 256 levels')
    expect(errorAnnotation(result)).not.toContain('not JSON')
  })
})

describe('replaced tokens are revoked too', () => {
  it('revokes every token it obtained: the refreshed one at once, the last at the end', async () => {
    await serve({ tokenExpiresIn: 3 })
    atlas!.script([running(), running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, {
      ...OAUTH_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '30s'
    })
    expect(result.code).toBe(0)
    const issued = [
      ...new Set(
        atlas!.requests
          .filter((r) => r.kind === 'run')
          .map((r) => String(r.headers['authorization']).replace('Bearer ', ''))
      )
    ]
    expect(issued).toHaveLength(2)
    expect([...atlas!.state.revoked].sort()).toEqual([...issued].sort())
  })

  it('revokes a token that Atlas refused before fetching the next', async () => {
    await serve({ tokenLifetimeMs: 1500 })
    atlas!.script([running(), running(), running(), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, {
      ...OAUTH_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '30s'
    })
    expect(result.code).toBe(0)
    expect(kinds().filter((k) => k === 'token')).toHaveLength(2)
    expect(atlas!.state.revoked).toHaveLength(2)
  })
})

describe('messages that say what happened', () => {
  it('a Retry-After beyond the deadline: stopped without waiting, and says so', async () => {
    await serve()
    atlas!.script([{ ...apiError(429, 'RATE_LIMITED', 'slow down'), headers: { 'retry-after': '3600' } }])
    const result = await runWithoutLeaksOrCrash(atlas!.url, { ...BEARER_INPUTS, timeout: '30s' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      'Atlas asked to wait 1h before trying again (Retry-After), which is past the deadline (timeout 30s), so the action stopped without waiting'
    )
    expect(errorAnnotation(result)).not.toContain('even after waiting')
    expect(atlas!.requests).toHaveLength(1)
  })

  it('a dead proxy is named as the proxy, not as Atlas', async () => {
    const port = await freePort()
    const result = await runWithoutLeaksOrCrash(
      'https://atlas.example.test',
      DIGEST_INPUTS,
      { HTTPS_PROXY: `http://corp-user:proxy-pa55@127.0.0.1:${port}` },
      ['proxy-pa55']
    )
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      `Could not reach the proxy http://127.0.0.1:${port} on the way to https://atlas.example.test (ECONNREFUSED)`
    )
    expect(errorAnnotation(result)).toContain('Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)')
  })
})
