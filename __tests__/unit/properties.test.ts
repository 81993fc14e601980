// Property-based tests (fast-check): every generated input either reaches the server as exactly
// that input, or is refused with an error naming the input, before any request.
// FC_RUNS sets the number of cases per property (default 10,000).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bearerAuthenticator } from '../../src/atlas/auth/authenticator.js'
import { AtlasClient, resourcePath } from '../../src/atlas/client.js'
import type { Transport } from '../../src/atlas/http.js'
import { createTransport } from '../../src/atlas/transport.js'
import { pipelineRun, type RunRef } from '../../src/resources/pipeline-run/index.js'
import { DURATION_LIMITS, InputError, readSettings, type Settings } from '../../src/engine/settings.js'

const VALID_RUN = { groupId: '32b6e34b3d91647abb20e7b8', pipelineName: 'nightly', runId: '6650f1a2b3c4d5e6f7a8b9c0' }
const isLoopbackUrl = (url: URL) => ['localhost', '[::1]'].includes(url.hostname) || /^127\./.test(url.hostname)
const RUNS = Number(process.env['FC_RUNS'] ?? 10_000)
const VALID = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  accessToken: 'token'
}

let server: Server
let baseUrl: string
let transport: Transport
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '')
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"DONE"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  transport = createTransport({ requestTimeoutMs: 5000, maxBodyBytes: 1024, env: {} })
})
afterAll(async () => {
  await transport.close()
  await new Promise((resolve) => server.close(resolve))
})

/** Settings from inputs (baseUrl: the loopback server unless given), or the InputError's problems. */
function settle(inputs: Record<string, string>): Settings | string[] {
  const all: Record<string, string> = { baseUrl, ...inputs }
  try {
    return readSettings(pipelineRun, (name) => all[name] ?? '', {})
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
}

/** Sends the request the settings describe; returns the three path parameters as the server decoded them. */
async function sendAndDecode(settings: Settings): Promise<string[]> {
  // Only ever the loopback server: the network beyond it is out of bounds for tests.
  expect(settings.baseUrl.origin).toBe(baseUrl)
  const client = new AtlasClient({ ...settings, userAgent: 'test', transport, auth: bearerAuthenticator('t') })
  const before = seen.length
  await client.get(pipelineRun.path(settings.ref as RunRef), 'pipeline run')
  expect(seen.length).toBe(before + 1)
  const path = seen[seen.length - 1]!.split('?')[0]!
  const match = /^\/api\/atlas\/v2\/groups\/([^/]+)\/pipelines\/([^/]+)\/runs\/([^/]+)$/.exec(path)
  expect(match).not.toBeNull()
  return match!.slice(1).map(decodeURIComponent)
}

/** Strings weighted towards the characters that break URLs and the spec's pattern. */
const nasty = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '/',
      '\\',
      ' ',
      '"',
      '$',
      '?',
      '#',
      '%',
      '&',
      '+',
      '.',
      '..',
      '%2e',
      '%2F',
      ';',
      '=',
      '@',
      ':',
      '\t',
      '\n',
      'é',
      '😀',
      '\u0000',
      '\uD800',
      '\u202E'
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
  ),
  maxLength: 70
})

const hexish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg /%'), minLength: 0, maxLength: 30 })
)

/**
 * The rule of durations, written apart from the code under test: around white space ignored and
 * any case, digits alone are seconds; otherwise one or more of <n>h, <n>m, <n>s, in that order.
 */
function durationByTheRule(text: string): number | undefined {
  const rest = text.trim().toLowerCase()
  if (rest === '') return undefined
  if ([...rest].every((c) => c >= '0' && c <= '9')) return Number(rest) * 1000
  const units = ['h', 'm', 's']
  const size: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 }
  let ms = 0
  let at = 0
  let lastUnit = -1
  while (at < rest.length) {
    let digits = ''
    while (at < rest.length && rest[at]! >= '0' && rest[at]! <= '9') digits += rest[at++]
    const unit = units.indexOf(rest[at] ?? '')
    if (digits === '' || unit <= lastUnit) return undefined
    ms += Number(digits) * size[units[unit]!]!
    lastUnit = unit
    at += 1
  }
  return ms
}

describe(`properties (${RUNS} cases each)`, () => {
  it('pipelineName: reaches Atlas exactly as given, or is refused naming pipelineName', async () => {
    await fc.assert(
      fc.asyncProperty(nasty, async (pipelineName) => {
        const settings = settle({ ...VALID, pipelineName })
        // Either outcome is asserted: refused by name, or received exactly as given.
        const outcome = Array.isArray(settings)
          ? { refusedNaming: settings.some((p) => p.includes('pipelineName')) }
          : { received: await sendAndDecode(settings) }
        expect(outcome).toEqual(
          Array.isArray(settings) ? { refusedNaming: true } : { received: [VALID.groupId, pipelineName, VALID.runId] }
        )
      }),
      { numRuns: RUNS }
    )
  })

  it.each(['groupId', 'runId'])('%s: reaches Atlas exactly as given, or is refused naming it', async (name) => {
    await fc.assert(
      fc.asyncProperty(hexish, async (value) => {
        const settings = settle({ ...VALID, [name]: value })
        const outcome = Array.isArray(settings)
          ? { refusedNaming: settings.some((p) => p.includes(name)) }
          : { received: (await sendAndDecode(settings))[name === 'groupId' ? 0 : 2] }
        expect(outcome).toEqual(/^[a-f0-9]{24}$/.test(value) ? { received: value } : { refusedNaming: true })
      }),
      { numRuns: RUNS }
    )
  })

  it('baseUrl: accepted only as https (or http to loopback), with the run path under it', () => {
    const host = fc.oneof(
      fc.constantFrom(
        'localhost',
        '127.0.0.1',
        '127.9.8.7',
        '[::1]',
        'cloud.mongodb.com',
        'cloud.mongodbgov.com',
        '10.0.0.1',
        'example.com'
      ),
      fc.domain()
    )
    const url = fc.tuple(
      fc.constantFrom('https', 'http', 'ftp', 'HTTPS', ''),
      host,
      fc.option(fc.integer({ min: 1, max: 65535 })),
      fc.constantFrom('', '/', '/gw', '/gw/', '/a b', '/%2e%2e/'),
      fc.constantFrom('', '?x=1', '#f'),
      fc.constantFrom('', 'u:p@')
    )
    fc.assert(
      fc.property(
        fc.oneof(
          url.map(([s, h, p, path, tail, auth]) => `${s}${s ? '://' : ''}${auth}${h}${p ? `:${p}` : ''}${path}${tail}`),
          nasty
        ),
        (baseUrl) => {
          const settings = settle({ ...VALID, baseUrl })
          const accepted = (parsed: URL) => ({
            secure: parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackUrl(parsed)),
            extras: parsed.username + parsed.password + parsed.search + parsed.hash,
            path: resourcePath(parsed, pipelineRun.path(VALID_RUN), { envelope: false, pretty: false })
          })
          const outcome = Array.isArray(settings)
            ? { refusedNaming: settings.some((p) => p.includes('baseUrl')) }
            : accepted(settings.baseUrl)
          expect(outcome).toEqual(
            Array.isArray(settings)
              ? { refusedNaming: true }
              : {
                  secure: true,
                  extras: '',
                  path: `${settings.baseUrl.pathname}api/atlas/v2/groups/${VALID.groupId}/pipelines/nightly/runs/${VALID.runId}`
                }
          )
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('durations: parsed to the exact number of milliseconds, or refused naming the input', () => {
    const written = fc.tuple(
      fc.nat(99),
      fc.nat(99),
      fc.nat(99),
      fc.constantFrom('hms', 'hm', 'ms', 'h', 'm', 's', 'plain')
    )
    fc.assert(
      fc.property(fc.oneof(written, nasty), (generated) => {
        let text: string
        let expected: number | undefined
        if (typeof generated === 'string') {
          text = generated
          expected = durationByTheRule(generated)
        } else {
          const [h, m, s, form] = generated
          const parts = { h: `${h}h`, m: `${m}m`, s: `${s}s` }
          text = form === 'plain' ? String(s) : [...form].map((unit) => parts[unit as 'h' | 'm' | 's']).join('')
          expected =
            form === 'plain'
              ? s * 1000
              : [...form].reduce(
                  (ms, unit) => ms + { h: h * 3_600_000, m: m * 60_000, s: s * 1000 }[unit as 'h' | 'm' | 's'],
                  0
                )
        }
        const settings = settle({ ...VALID, timeout: text })
        const refused = expected === undefined || expected < 1000 || expected > DURATION_LIMITS.timeout.max
        const outcome = Array.isArray(settings)
          ? { refusedNaming: settings.some((p) => p.startsWith('timeout is')) }
          : { ms: settings.timeoutMs }
        // Empty means "use the default".
        expect(outcome).toEqual(
          text === '' ? { ms: 30 * 60_000 } : refused ? { refusedNaming: true } : { ms: expected }
        )
      }),
      { numRuns: RUNS }
    )
  })

  it('successStates: any mix of known states in any case and spacing is accepted; an unknown one is named', () => {
    const known = fc.constantFrom('PENDING', 'IN_PROGRESS', 'DONE', 'FAILED', 'DATASET_DELETED', 'done', 'Failed')
    const token = fc.oneof(
      { weight: 4, arbitrary: known },
      {
        weight: 1,
        arbitrary: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ_'), minLength: 1, maxLength: 12 })
      }
    )
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ', ', ' ,', ' '),
        (tokens, separator) => {
          const settings = settle({ ...VALID, successStates: tokens.join(separator) })
          const unknown = tokens
            .map((t) => t.toUpperCase())
            .filter((t) => !['PENDING', 'IN_PROGRESS', 'DONE', 'FAILED', 'DATASET_DELETED'].includes(t))
          const outcome = Array.isArray(settings) ? { refused: settings.join() } : { states: settings.successStates }
          expect(outcome).toEqual(
            unknown.length > 0
              ? { refused: expect.stringContaining(`unknown: ${unknown.join(', ')}`) }
              : { states: [...new Set(tokens.map((t) => t.toUpperCase()))] }
          )
        }
      ),
      { numRuns: RUNS }
    )
  })
})
