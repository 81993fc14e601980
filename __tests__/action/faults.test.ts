// The fault matrix, action-level: each fault ends with a clear message, exit code 1, the outputs
// that are known, nothing on stderr, and no secret anywhere (runWithoutLeaksOrCrash() asserts the last two).
import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  DIGEST_INPUTS,
  errorAnnotation,
  leakedSecrets,
  OAUTH_INPUTS,
  RUN_INPUTS,
  useSharedAtlas
} from '../support/action.js'
import { runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { renderGfm } from '../../scripts/render-markdown.mjs'
import { spawnAction } from '../../scripts/run-action.mjs'

const shared = useSharedAtlas()

const runs = () => shared.atlas.requests.filter((r) => r.kind === 'run')

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('network faults', () => {
  it('connection refused: retried, then named with a hint about baseUrl and proxies', async () => {
    const port = await closedPort()
    const result = await runWithoutLeaksOrCrash(`http://127.0.0.1:${port}`, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(`Could not reach Atlas at http://127.0.0.1:${port} (ECONNREFUSED)`)
    expect(errorAnnotation(result)).toContain('HTTPS_PROXY')
    expect(result.outputs).toMatchObject({ errorCode: 'ECONNREFUSED', succeeded: 'false', polls: '4' })
  })

  it('reset before the headers, every time: a bounded number of tries', async () => {
    shared.atlas.script([{ reset: true }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /Could not reach Atlas at http:\/\/127\.0\.0\.1:\d+ \((ECONNRESET|UND_ERR_SOCKET)\)/
    )
    expect(runs()).toHaveLength(4)
  })

  it('reset in the middle of the body', async () => {
    shared.atlas.script([
      {
        raw: JSON.stringify(runDocument({ datasetName: 'x'.repeat(100_000) })),
        contentType: 'application/json',
        resetMidBody: true
      }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(/Could not reach Atlas at .* \((ECONNRESET|UND_ERR_SOCKET)\)/)
    expect(runs()).toHaveLength(4)
  })

  it('a hang past the request timeout ends at the overall deadline with the last error', async () => {
    shared.atlas.script([{ hang: true }])
    const started = Date.now()
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      requestTimeout: '1s',
      timeout: '3s'
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /^Timed out after \ds and \d polls: .* is still unknown \(Atlas never answered\)\. The last request failed: Atlas at http:\/\/127\.0\.0\.1:\d+ did not answer within the request timeout\./
    )
    expect(Date.now() - started).toBeLessThan(3000 + 1000 + 2000)
  })
})

describe('answers that are not Atlas', () => {
  it.each([
    ['an empty body', { raw: '', contentType: 'application/json' }, 'Atlas answered 200 but the body is empty'],
    ['a JSON string', { raw: '"DONE"', contentType: 'application/json' }, 'is JSON but not an object (string)'],
    [
      'a 20 MB body',
      { raw: `{"state":"DONE","pad":"${'x'.repeat(20 * 1024 * 1024)}"}`, contentType: 'application/json' },
      'larger than 4 MiB, more than any Atlas answer this action reads'
    ]
  ])('%s', async (_name, step, message) => {
    shared.atlas.script([step])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(runs()).toHaveLength(1)
  })

  it("a proxy's 502 HTML page: retried, then reported by status", async () => {
    shared.atlas.script([
      { raw: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', status: 502 }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 502 (the body is not JSON)')
    expect(errorAnnotation(result)).not.toContain('<html>')
    expect(result.outputs).toMatchObject({ httpStatus: '502' })
    expect(runs()).toHaveLength(4)
  })

  it.each([
    ['the same host', '/api/atlas/v2/elsewhere', /redirect to 127\.0\.0\.1:\d+/],
    ['another host', 'https://attacker.example.org/x', /redirect to attacker\.example\.org/]
  ])('a redirect to %s is refused, credentials stay home', async (_name, location, message) => {
    shared.atlas.script([{ status: 307, body: {}, headers: { location } }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, DIGEST_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(message)
    expect(result.outputs['httpStatus']).toBe('307')
    expect(shared.atlas.requests).toHaveLength(2) // the challenge, then the signed request that was redirected
  })
})

describe('authentication faults', () => {
  it('a Digest challenge with an algorithm we do not speak', async () => {
    const server = await startFakeAtlas({
      digest: { challenge: 'Digest realm="MMS Public API", nonce="abc", algorithm=SHA-1, qop="auth"' }
    })
    try {
      const result = await runWithoutLeaksOrCrash(server.url, DIGEST_INPUTS)
      expect(result.code).toBe(1)
      expect(errorAnnotation(result)).toContain(
        'Atlas offered Digest with an algorithm this action does not support (SHA-1)'
      )
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it.each([
    [
      'answers 500 (retried)',
      [{ status: 500, body: { error: 'server_error' } }],
      'Atlas answered 500 to the token request (POST /api/oauth/token) (server_error)',
      4
    ],
    [
      'answers invalid JSON',
      [{ raw: '{"access_token": ', status: 200, contentType: 'application/json' }],
      'The token endpoint answered 200 with a body that is not JSON',
      1
    ],
    [
      'answers without access_token',
      [{ status: 200, body: { token_type: 'Bearer', expires_in: 3600 } }],
      'The token endpoint answered 200 without an access_token',
      1
    ]
  ])('a token endpoint that %s', async (_name, steps, message, tokenRequests) => {
    shared.atlas.scriptToken(Array.from({ length: 4 }, () => steps[0]!))
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, OAUTH_INPUTS)
    shared.atlas.state.tokenScript.length = 0
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(shared.atlas.requests.filter((r) => r.kind === 'token')).toHaveLength(tokenRequests)
    expect(runs()).toHaveLength(0)
  })
})

describe('secrets with debug logging on', () => {
  it.each([
    ['a service account', OAUTH_INPUTS],
    ['an API key', DIGEST_INPUTS],
    ['a bearer token', BEARER_INPUTS]
  ])('%s leaks nowhere, passing or failing', async (_name, inputs) => {
    const debug = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }
    const passed = await spawnAction({ inputs: { ...RUN_INPUTS, baseUrl: shared.atlas.url, ...inputs }, env: debug })
    expect(passed.code).toBe(0)
    expect(passed.stdout).toContain('::debug::')
    expect(leakedSecrets(passed)).toEqual([])
    shared.atlas.script([{ status: 403, body: { error: 403, errorCode: 'FORBIDDEN', detail: 'no' } }])
    const failed = await spawnAction({ inputs: { ...RUN_INPUTS, baseUrl: shared.atlas.url, ...inputs }, env: debug })
    expect(failed.code).toBe(1)
    expect(leakedSecrets(failed)).toEqual([])
  })
})

describe('reported as what happened', () => {
  it('a bug of ours is an unexpected error to report, not an Atlas problem', async () => {
    const preload = `--import=${resolve('__tests__/support/simulated-bug.mjs')}`
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: shared.atlas.url },
      env: { NODE_OPTIONS: preload }
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toBe(
      'Unexpected error in atlas-pipeline-run-action: simulated bug. Please report it with the debug log (re-run with debug logging enabled).'
    )
    expect(runs()).toHaveLength(0)
  })

  it('httpStatus is the status of the answer that decided, none after a network failure', async () => {
    shared.atlas.script([{ run: runDocument({ state: 'IN_PROGRESS' }) }, { reset: true }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '4s'
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /The last request failed: Could not reach Atlas at .* \((ECONNRESET|UND_ERR_SOCKET)\)/
    )
    expect(result.outputs['state']).toBe('IN_PROGRESS') // the last run seen is still reported
    expect(result.outputs['httpStatus']).toBeUndefined()
  })

  it('retries are logged at info level with their number and wait', async () => {
    shared.atlas.script([
      { status: 503, body: { error: 503, errorCode: 'SERVICE_UNAVAILABLE', detail: 'busy' } },
      { run: runDocument() }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    const retries = result.stdout.split('\n').filter((line: string) => line.includes('; retry '))
    expect(retries).toEqual([expect.stringMatching(/^Atlas API 503 SERVICE_UNAVAILABLE: busy; retry 1 of 3 in [01]s$/)])
    expect(result.outputs['httpStatus']).toBe('200')
  })
})

describe('injection through API text', () => {
  const hostile =
    'x|y <img src=x onerror=alert(1)> **bold** [link](https://evil.example) `code`\nghadelimiter_00000000-0000-0000-0000-000000000000\nstate<<EOF\nDONE\nEOF\n| fake | row |'

  /** What a person sees of the summary: the HTML GitHub makes of it. */
  function expectInert(html: string): void {
    expect(html).not.toMatch(/<img|<script|<strong>bold|<em>/)
    expect(html).not.toContain('href="https://evil.example')
    // The hostile text stays one cell: no row it smuggled in.
    expect(html).not.toMatch(/<td>\s*fake\s*<\/td>/)
  }

  it('cannot break an output, the log or the summary', async () => {
    shared.atlas.script([
      { run: runDocument({ state: 'FAILED', datasetName: hostile, phase: 'EXPORT\n::set-output name=state::DONE' }) }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, wait: 'true' })
    // Wait mode logs each phase change: API text must not start a workflow command of its own.
    expect(result.stdout.split('\n').filter((l: string) => l.startsWith('::set-output'))).toEqual([])
    expect(result.stdout).toContain('phase EXPORT ::set-output name=state::DONE')
    expect(result.code).toBe(1)
    expect(result.outputs['state']).toBe('FAILED')
    expect(result.outputs['datasetName']).toBe(hostile)
    expect(result.outputs['phase']).toBe('EXPORT\n::set-output name=state::DONE')
    const html = renderGfm(result.summary)
    expectInert(html)
    const datasetRow = /<tr>\s*<td>Dataset<\/td>\s*<td>(.*?)<\/td>\s*<\/tr>/s.exec(html)
    expect(datasetRow?.[1]).toBe(
      `<code>${hostile.replace(/\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`
    )
  })

  it('cannot break the summary through an error detail', async () => {
    shared.atlas.script([{ status: 404, body: { error: 404, errorCode: 'RESOURCE_NOT_FOUND', detail: hostile } }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expectInert(renderGfm(result.summary))
    expect(result.outputs['errorCode']).toBe('RESOURCE_NOT_FOUND')
  })

  it('a pipeline named "." or ".." is sent as itself, not as a dot-segment', async () => {
    for (const pipelineName of ['.', '..']) {
      shared.atlas.script([{ run: runDocument() }], { pipelineName })
      const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, pipelineName })
      expect(result.code).toBe(0)
      expect(shared.atlas.requests[shared.atlas.requests.length - 1]!.pipelineName).toBe(pipelineName)
    }
  })
})
