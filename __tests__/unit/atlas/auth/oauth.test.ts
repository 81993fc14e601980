// The service-account session over a scripted transport: the token request, its reuse and refresh,
// what a refusal teaches, every token revoked, and the error each answer of the endpoint becomes.
import { describe, expect, it, jest } from '@jest/globals'
import { oauthAuthenticator, REVOKE_TIMEOUT_MS, type OAuthOptions } from '../../../../src/atlas/auth/oauth.js'
import type { Transport } from '../../../../src/atlas/http.js'
import { atlasFailure } from '../../../support/atlas-failure.js'
import { scriptedTransport, type Answer } from '../../../support/scripted-transport.js'

const BASIC = Buffer.from('mdb_sa_id_1:mdb_sa_sk_2').toString('base64')
const token = (value: string, expiresIn: unknown = 3600): Answer => ({
  body: { access_token: value, token_type: 'Bearer', expires_in: expiresIn }
})

function session(transport: Transport, extra: Partial<OAuthOptions> = {}) {
  const secrets: string[] = []
  const clock = { time: 1_000_000 }
  const auth = oauthAuthenticator({
    baseUrl: new URL('https://gw.example/atlas/'),
    clientId: 'mdb_sa_id_1',
    clientSecret: 'mdb_sa_sk_2',
    transport,
    userAgent: 'atlas-pipeline-run-action/1.0.0',
    onSecret: (secret) => secrets.push(secret),
    now: () => clock.time,
    ...extra
  })
  return { auth, secrets, clock }
}

const paths = (transport: ReturnType<typeof scriptedTransport>) => transport.sent.map((r) => `${r.method} ${r.path}`)
const refused = { status: 401, headers: {}, text: '' }

describe('the token', () => {
  it('is asked for with the client credentials, masked before anything is sent, and reused', async () => {
    const transport = scriptedTransport([token('tok1')])
    const { auth, secrets } = session(transport)
    expect(secrets).toEqual([BASIC])
    expect(await auth.authorize('GET', '/x')).toBe('Bearer tok1')
    expect(await auth.authorize('GET', '/x')).toBe('Bearer tok1')
    expect(secrets).toEqual([BASIC, 'tok1'])
    expect(transport.sent).toEqual([
      {
        method: 'POST',
        origin: 'https://gw.example',
        path: '/atlas/api/oauth/token',
        headers: {
          authorization: `Basic ${BASIC}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'user-agent': 'atlas-pipeline-run-action/1.0.0'
        },
        body: 'grant_type=client_credentials',
        signal: undefined
      }
    ])
  })

  it.each([
    [3600, 3600_000 - 60_000],
    ['300', 300_000 - 30_000],
    [0, 3600_000 - 60_000],
    [-5, 3600_000 - 60_000],
    ['soon', 3600_000 - 60_000]
  ])(
    'expiring in %j s is refreshed %i ms after it was fetched, not a moment sooner',
    async (expiresIn, refreshAfter) => {
      const transport = scriptedTransport([token('tok1', expiresIn), token('tok2'), { status: 200 }])
      const { auth, clock } = session(transport)
      await auth.authorize('GET', '/x')
      clock.time += refreshAfter - 1
      expect(await auth.authorize('GET', '/x')).toBe('Bearer tok1')
      clock.time += 1
      expect(await auth.authorize('GET', '/x')).toBe('Bearer tok2')
    }
  )

  it('replaced, is revoked at once; the last is revoked at close', async () => {
    const transport = scriptedTransport([token('tok1', 100), token('tok/2+'), { status: 200 }])
    const { auth, clock } = session(transport)
    await auth.authorize('GET', '/x')
    clock.time += 100_000
    await auth.authorize('GET', '/x')
    expect(await auth.close()).toBeUndefined()
    expect(paths(transport)).toEqual([
      'POST /atlas/api/oauth/token',
      'POST /atlas/api/oauth/token',
      'POST /atlas/api/oauth/revoke',
      'POST /atlas/api/oauth/revoke'
    ])
    expect(transport.sent.slice(2).map((r) => r.body)).toEqual([
      'token=tok1&token_type_hint=access_token',
      'token=tok%2F2%2B&token_type_hint=access_token'
    ])
  })

  it('is asked for again after a refusal only when it was not fresh', async () => {
    // The replaced token's revoke goes out before the new token request.
    const transport = scriptedTransport([token('tok1'), { status: 200 }, token('tok2')])
    const { auth } = session(transport)
    await auth.authorize('GET', '/x')
    // Fresh from the endpoint and refused: the account lacks access; asking again would repeat it.
    expect(auth.learnFromRefusal(refused, 'Bearer tok1')).toBe(false)
    // Used before: it may have been revoked; one new token.
    await auth.authorize('GET', '/x')
    expect(auth.learnFromRefusal(refused, 'Bearer tok1')).toBe(true)
    expect(await auth.authorize('GET', '/x')).toBe('Bearer tok2')
    expect(paths(transport)).toEqual([
      'POST /atlas/api/oauth/token',
      'POST /atlas/api/oauth/revoke',
      'POST /atlas/api/oauth/token'
    ])
  })

  it('sends nothing at close when none was obtained', async () => {
    const transport = scriptedTransport([token('tok1')])
    expect(await session(transport).auth.close()).toBeUndefined()
    expect(transport.sent).toEqual([])
  })
})

describe('what the token endpoint says', () => {
  it.each([
    [
      { status: 401, body: { error: 'invalid_client', error_description: 'Invalid client secret' } },
      'auth',
      'Atlas answered 401 to the token request (POST /api/oauth/token) (invalid_client: Invalid client secret)'
    ],
    [
      { status: 400, body: { errorCode: 'INVALID_REQUEST', detail: 'bad grant' } },
      'auth',
      'Atlas answered 400 to the token request (POST /api/oauth/token) (INVALID_REQUEST: bad grant)'
    ],
    [
      { status: 400, body: { errorCode: 5, detail: 'bad grant' } },
      'auth',
      'Atlas answered 400 to the token request (POST /api/oauth/token) (bad grant)'
    ],
    [
      { status: 403, body: { error: 7, error_description: 8 } },
      'auth',
      'Atlas answered 403 to the token request (POST /api/oauth/token)'
    ],
    [
      { status: 403, text: '<html>Forbidden</html>' },
      'auth',
      'Atlas answered 403 to the token request (POST /api/oauth/token)'
    ],
    [{ status: 200, text: 'ok' }, 'protocol', 'The token endpoint answered 200 with a body that is not JSON'],
    [{ status: 200, body: ['x'] }, 'protocol', 'The token endpoint answered 200 without an access_token'],
    [
      { status: 200, body: { access_token: '' } },
      'protocol',
      'The token endpoint answered 200 without an access_token'
    ],
    [
      { status: 200, body: { access_token: 'to\nken' } },
      'protocol',
      'The token endpoint answered 200 with an access_token that cannot be sent in an HTTP header (it contains a line break at character 3)'
    ]
  ])('%j is a %s error', async (answer, kind, message) => {
    const error = await atlasFailure(session(scriptedTransport([answer])).auth.authorize('GET', '/x'))
    expect([error.kind, error.message, error.retryable]).toEqual([kind, message, false])
  })

  it('is retried on a 503, as long as it asks', async () => {
    const busy = { status: 503, headers: { 'retry-after': '4' }, body: { error: 'temporarily_unavailable' } }
    const error = await atlasFailure(session(scriptedTransport([busy])).auth.authorize('GET', '/x'))
    expect([error.kind, error.status, error.errorCode, error.retryable, error.retryAfterMs]).toEqual([
      'api',
      503,
      'temporarily_unavailable',
      true,
      4000
    ])
  })

  it('masks a token that cannot be sent before saying so', async () => {
    const { auth, secrets } = session(scriptedTransport([{ body: { access_token: 'to\nken' } }]))
    await atlasFailure(auth.authorize('GET', '/x'))
    expect(secrets).toEqual([BASIC, 'to\nken'])
  })
})

describe('revoking', () => {
  it('warns, and does not throw, when a revoke is refused or fails', async () => {
    const transport = scriptedTransport([
      token('tok1', 100),
      token('tok2'),
      { status: 300 },
      async () => {
        throw new Error('socket hang up')
      }
    ])
    const { auth, clock } = session(transport)
    await auth.authorize('GET', '/x')
    clock.time += 100_000
    await auth.authorize('GET', '/x')
    expect(await auth.close()).toBe(
      'Could not revoke an Atlas access token (HTTP 300); it expires by itself within an hour; ' +
        'Could not revoke an Atlas access token (socket hang up); it expires by itself within an hour'
    )
  })

  it('accepts any 2xx answer to a revoke', async () => {
    const transport = scriptedTransport([token('tok1'), { status: 299 }])
    const { auth } = session(transport)
    await auth.authorize('GET', '/x')
    expect(await auth.close()).toBeUndefined()
  })

  it(`gives a revoke ${REVOKE_TIMEOUT_MS / 1000}s, then says it did not answer`, async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] })
    try {
      const silent = async (request: { signal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason as Error))
        })
      const transport = scriptedTransport([token('tok1'), silent])
      const { auth } = session(transport)
      await auth.authorize('GET', '/x')
      const closing = auth.close()
      await jest.advanceTimersByTimeAsync(REVOKE_TIMEOUT_MS - 1)
      let settled = false
      void closing.then(() => (settled = true))
      await jest.advanceTimersByTimeAsync(0)
      expect(settled).toBe(false)
      await jest.advanceTimersByTimeAsync(1)
      expect(await closing).toBe(
        'Could not revoke an Atlas access token (the revoke endpoint did not answer within 5s); it expires by itself within an hour'
      )
    } finally {
      jest.useRealTimers()
    }
  })
})
