// The Atlas client in-process, over a scripted transport and authenticator (typed fakes of our own
// interfaces): what it sends, how it reads an answer, and which error each answer becomes. The
// wire itself (undici, proxies, timeouts) is transport.test.ts's; the action suites run it all.
import { describe, expect, it } from '@jest/globals'
import { bearerAuthenticator, type Authenticator } from '../../../src/atlas/auth/authenticator.js'
import { AtlasClient, encodeSegment, resourcePath, type ClientOptions } from '../../../src/atlas/client.js'
import { pipelineRun } from '../../../src/resources/pipeline-run/index.js'
import { AtlasError } from '../../../src/atlas/errors.js'
import type { Transport } from '../../../src/atlas/http.js'
import { scriptedTransport } from '../../support/scripted-transport.js'
import { atlasFailure } from '../../support/atlas-failure.js'

/** An authenticator that sends "Digest n<k>" for the k-th challenge it learned (none before the first). */
function challengeAuth(learns: boolean[] = [true]): Authenticator & { refusals: (string | undefined)[] } {
  const refusals: (string | undefined)[] = []
  let challenges = 0
  return {
    refusals,
    authorize: async () => (challenges === 0 ? undefined : `Digest n${challenges}`),
    learnFromRefusal(_response, sent) {
      refusals.push(sent)
      const learned = learns[Math.min(refusals.length - 1, learns.length - 1)]!
      if (learned) challenges += 1
      return learned
    },
    close: async () => undefined
  }
}

const bearer: Authenticator = {
  authorize: async () => 'Bearer t0k3n',
  learnFromRefusal: () => false,
  close: async () => undefined
}

function client(transport: Transport, extra: Partial<ClientOptions> = {}): AtlasClient {
  return new AtlasClient({
    baseUrl: new URL('https://cloud.mongodb.com/'),
    apiVersion: '2023-01-01',
    envelope: false,
    pretty: false,
    userAgent: 'atlas-pipeline-run-action/1.0.0',
    transport,
    auth: bearer,
    ...extra
  })
}

const RUN = ['groups', 'g', 'pipelines', 'p', 'runs', 'r']

const ref = { groupId: '32b6e34b3d91647abb20e7b8', pipelineName: 'nightly', runId: '6650f1a2b3c4d5e6f7a8b9c0' }

describe('the path of a resource', () => {
  it('builds the run path under a gateway prefix, with the query only when asked', () => {
    expect(
      resourcePath(new URL('https://cloud.mongodb.com/'), pipelineRun.path(ref), { envelope: false, pretty: false })
    ).toBe('/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/pipelines/nightly/runs/6650f1a2b3c4d5e6f7a8b9c0')
    expect(
      resourcePath(new URL('https://gw.example/atlas/'), pipelineRun.path(ref), { envelope: true, pretty: true })
    ).toBe(
      '/atlas/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/pipelines/nightly/runs/6650f1a2b3c4d5e6f7a8b9c0?envelope=true&pretty=true'
    )
  })

  it('encodes a segment so that no parser can read it as another path', () => {
    expect(['..', '.', 'a.b', 'x?y#z', 'a b', '%2e%2e', 'é'].map(encodeSegment)).toEqual([
      '%2E%2E',
      '%2E',
      'a%2Eb',
      'x%3Fy%23z',
      'a%20b',
      '%252e%252e',
      '%C3%A9'
    ])
  })
})

describe('a token obtained elsewhere', () => {
  it('is sent as it is, never renewed after a refusal, and leaves nothing to revoke', async () => {
    const auth = bearerAuthenticator('t0k3n')
    expect(await auth.authorize('GET', '/x')).toBe('Bearer t0k3n')
    expect(auth.learnFromRefusal({ status: 401, headers: {}, text: '' }, 'Bearer t0k3n')).toBe(false)
    expect(await auth.close()).toBeUndefined()
  })
})

describe('what the client sends', () => {
  it('a GET with the versioned media type, the user agent and the credentials, and no body', async () => {
    const transport = scriptedTransport([{ body: { state: 'DONE' } }])
    const answer = await client(transport).get(RUN, 'pipeline run')
    expect(answer.document).toEqual({ state: 'DONE' })
    expect(transport.sent).toEqual([
      {
        method: 'GET',
        origin: 'https://cloud.mongodb.com',
        path: '/api/atlas/v2/groups/g/pipelines/p/runs/r',
        headers: {
          accept: 'application/vnd.atlas.2023-01-01+json',
          'user-agent': 'atlas-pipeline-run-action/1.0.0',
          authorization: 'Bearer t0k3n'
        },
        body: undefined,
        signal: undefined
      }
    ])
  })

  it('a POST with a JSON body of the same media type, and the query asked for', async () => {
    const transport = scriptedTransport([{ body: { id: 'e1' } }])
    const signal = new AbortController().signal
    await client(transport, { apiVersion: '2024-05-30', envelope: true }).request(['groups', 'g', 'exports'], 'x', {
      body: { snapshotId: 's' },
      query: { pageNum: '2' },
      signal
    })
    const [sent] = transport.sent
    expect(sent?.method).toBe('POST')
    expect(sent?.path).toBe('/api/atlas/v2/groups/g/exports?envelope=true&pageNum=2')
    expect(sent?.headers['content-type']).toBe('application/vnd.atlas.2024-05-30+json')
    expect(sent?.headers['accept']).toBe('application/vnd.atlas.2024-05-30+json')
    expect(sent?.body).toBe('{"snapshotId":"s"}')
    expect(sent?.signal).toBe(signal)
  })

  it('a DELETE without a body, whose 204 (bare or in the envelope) is an empty document', async () => {
    for (const envelope of [false, true]) {
      const answer = envelope ? { body: { status: 204 } } : { status: 204 }
      const transport = scriptedTransport([answer])
      const got = await client(transport, { envelope }).request(['groups', 'g', 'jobs', 'j'], 'x', { method: 'DELETE' })
      expect(got.document).toEqual({})
      expect([transport.sent[0]?.method, transport.sent[0]?.body]).toEqual(['DELETE', undefined])
    }
  })

  it('a 204 to a GET is no document', async () => {
    const failure = await atlasFailure(client(scriptedTransport([{ status: 204 }])).request(['x'], 'a thing', {}))
    expect(failure.status).toBe(204)
  })

  it("the version a request asks for instead of the client's (an export bucket: 2024-05-30)", async () => {
    const transport = scriptedTransport([{ body: {} }])
    await client(transport).request(['groups', 'g', 'backup', 'exportBuckets', 'b'], 'x', { apiVersion: '2024-05-30' })
    await client(transport).request(['groups', 'g', 'backup', 'exportBuckets', 'b'], 'x', {})
    expect(transport.sent.map((sent) => sent.headers['accept'])).toEqual([
      'application/vnd.atlas.2024-05-30+json',
      'application/vnd.atlas.2023-01-01+json'
    ])
  })

  it('counts every answer Atlas gave, errors and challenges included, and no request that got none', async () => {
    const transport = scriptedTransport([
      { status: 401, body: {} },
      { status: 503, body: {} },
      async () => {
        throw new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network', retryable: true })
      }
    ])
    const c = client(transport, { auth: challengeAuth([true]) })
    expect(c.answers).toBe(0)
    await atlasFailure(c.get(RUN, 'pipeline run'))
    expect(c.answers).toBe(2)
    await atlasFailure(c.get(RUN, 'pipeline run'))
    expect(c.answers).toBe(2)
  })

  it("hands the caller's signal to the transport for a GET", async () => {
    const transport = scriptedTransport([{ body: {} }])
    const signal = new AbortController().signal
    await client(transport).get(RUN, 'pipeline run', signal)
    expect(transport.sent[0]?.signal).toBe(signal)
  })

  it('no Authorization header while the scheme waits for its challenge', async () => {
    const transport = scriptedTransport([{ status: 401 }, { body: {} }])
    const auth = challengeAuth()
    await client(transport, { auth }).get(RUN, 'pipeline run')
    expect(transport.sent.map((r) => Object.keys(r.headers))).toEqual([
      ['accept', 'user-agent'],
      ['accept', 'user-agent', 'authorization']
    ])
    expect(transport.sent[1]?.headers['authorization']).toBe('Digest n1')
    expect(auth.refusals).toEqual([undefined])
  })
})

describe('a refusal the credentials can answer', () => {
  it('is answered once more when the authenticator learned something, up to three rounds', async () => {
    const transport = scriptedTransport([{ status: 401, body: { errorCode: 'STALE' } }])
    const auth = challengeAuth([true])
    const error = await atlasFailure(client(transport, { auth }).get(RUN, 'pipeline run'))
    // Challenge, stale nonce, then a third 401 is the answer.
    expect(transport.sent).toHaveLength(3)
    expect([error.status, error.errorCode]).toEqual([401, 'STALE'])
  })

  it('is the answer at once when the authenticator learned nothing', async () => {
    const transport = scriptedTransport([{ status: 401 }, { body: {} }])
    const error = await atlasFailure(client(transport, { auth: challengeAuth([false]) }).get(RUN, 'pipeline run'))
    expect(transport.sent).toHaveLength(1)
    expect(error.message).toBe('Atlas API 401 (Unauthorized)')
  })

  it('marks a failed token request as never sent, and lets a bug of ours through as it is', async () => {
    const transport = scriptedTransport([{ body: {} }])
    const refused: Authenticator = {
      ...bearer,
      authorize: async () => {
        throw new AtlasError('The token request was refused', { kind: 'auth', status: 400 })
      }
    }
    const error = await atlasFailure(client(transport, { auth: refused }).get(RUN, 'pipeline run'))
    expect([error.notSent, error.kind, error.message]).toEqual([true, 'auth', 'The token request was refused'])
    const buggy: Authenticator = {
      ...bearer,
      authorize: async () => {
        throw new TypeError('boom')
      }
    }
    await expect(client(transport, { auth: buggy }).get(RUN, 'pipeline run')).rejects.toThrow(TypeError)
    expect(transport.sent).toHaveLength(0)
  })
})

describe('how an answer is read', () => {
  it('reads the rate-limit headers when they are whole numbers', async () => {
    const headers = { 'ratelimit-limit': ' 100 ', 'ratelimit-remaining': ['7', '8'] }
    const answer = await client(scriptedTransport([{ body: {}, headers }])).get(RUN, 'pipeline run')
    expect(answer.rateLimit).toEqual({ limit: 100, remaining: 7 })
    const odd = { 'ratelimit-limit': '1e3', 'ratelimit-remaining': '-1' }
    const ignored = await client(scriptedTransport([{ body: {}, headers: odd }])).get(RUN, 'pipeline run')
    expect(ignored.rateLimit).toEqual({ limit: undefined, remaining: undefined })
  })

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['<html>', 'is not JSON'],
    ['[1]', 'is JSON but not an object (an array)'],
    ['null', 'is JSON but not an object (null)'],
    ['"DONE"', 'is JSON but not an object (string)'],
    ['42', 'is JSON but not an object (number)'],
    [`${'['.repeat(300)}${']'.repeat(300)}`, 'is JSON nested deeper than 256 levels']
  ])('names a 200 whose body %j is no document: it %s', async (text, what) => {
    const error = await atlasFailure(client(scriptedTransport([{ text }])).get(RUN, 'pipeline run'))
    expect(error.kind).toBe('protocol')
    expect(error.status).toBe(200)
    expect(error.retryable).toBe(false)
    expect(error.message).toBe(`Atlas answered 200 but the body ${what}; expected a pipeline run document`)
  })

  it('says "an" before a vowel in what it expected', async () => {
    const error = await atlasFailure(client(scriptedTransport([{ text: '[]' }])).get(RUN, 'export job'))
    expect(error.message).toMatch(/; expected an export job document$/)
  })

  it('takes the status and the document from the envelope when envelope is on', async () => {
    const wrapped = { status: 200, content: { state: 'DONE' } }
    const on = await client(scriptedTransport([{ body: wrapped }]), { envelope: true }).get(RUN, 'pipeline run')
    expect(on.document).toEqual({ state: 'DONE' })
    const refused = { status: 404, content: { errorCode: 'RESOURCE_NOT_FOUND', detail: 'No run r.' } }
    const error = await atlasFailure(client(scriptedTransport([{ body: refused }]), { envelope: true }).get(RUN, 'run'))
    expect([error.status, error.message]).toEqual([404, 'Atlas API 404 RESOURCE_NOT_FOUND: No run r.'])
  })

  it('reads an envelope only where one can be: envelope on, a 200, a numeric status', async () => {
    const wrapped = { status: 404, content: {} }
    const off = await client(scriptedTransport([{ body: wrapped }])).get(RUN, 'pipeline run')
    expect(off.document).toEqual(wrapped)
    const textStatus = { status: '404', content: {} }
    const kept = await client(scriptedTransport([{ body: textStatus }]), { envelope: true }).get(RUN, 'run')
    expect(kept.document).toEqual(textStatus)
    const notOk = await atlasFailure(
      client(scriptedTransport([{ status: 500, body: wrapped }]), { envelope: true }).get(RUN, 'run')
    )
    expect(notOk.status).toBe(500)
  })
})

describe('the error an answer becomes', () => {
  it.each([
    [404, { errorCode: 'RESOURCE_NOT_FOUND', detail: 'No run.' }, 'Atlas API 404 RESOURCE_NOT_FOUND: No run.'],
    [404, { errorCode: 'X', detail: '', reason: 'Not Found' }, 'Atlas API 404 X: Not Found'],
    [400, { reason: 'Bad Request' }, 'Atlas API 400: Bad Request'],
    [400, undefined, 'Atlas API 400 (Bad Request)'],
    [400, { reason: 7 }, 'Atlas API 400 (Bad Request)'],
    [401, undefined, 'Atlas API 401 (Unauthorized)'],
    [403, {}, 'Atlas API 403 (Forbidden)'],
    [404, undefined, 'Atlas API 404 (Not Found)'],
    [406, { detail: 7 }, 'Atlas API 406 (Not Acceptable)'],
    [409, { errorCode: 3 }, 'Atlas API 409 (Conflict)'],
    [410, undefined, 'Atlas API 410 (Gone)'],
    [429, undefined, 'Atlas API 429 (Too Many Requests)'],
    [500, {}, 'Atlas API 500'],
    [502, undefined, 'Atlas API 502 (the body is empty)'],
    [503, [], 'Atlas API 503 (the body is not an Atlas error document)']
  ])('%i with %j: %s', async (status, body, message) => {
    const error = await atlasFailure(client(scriptedTransport([{ status, body }])).get(RUN, 'pipeline run'))
    expect([error.kind, error.status, error.message]).toEqual(['api', status, message])
  })

  it('names a body that is not JSON', async () => {
    const error = await atlasFailure(
      client(scriptedTransport([{ status: 502, text: '<h1>Bad gateway</h1>' }])).get(RUN, 'r')
    )
    expect(error.message).toBe('Atlas API 502 (the body is not JSON)')
  })

  it('keeps what Atlas said for the report: code, detail, body, and whether to retry and when', async () => {
    const body = { error: 429, errorCode: 'RATE_LIMITED', detail: 'Slow down.' }
    const transport = scriptedTransport([{ status: 429, body, headers: { 'retry-after': '12' } }])
    const error = await atlasFailure(client(transport).get(RUN, 'pipeline run'))
    expect([error.errorCode, error.detail, error.body, error.retryable, error.retryAfterMs]).toEqual([
      'RATE_LIMITED',
      'Slow down.',
      body,
      true,
      12_000
    ])
    const refused = await atlasFailure(
      client(scriptedTransport([{ status: 403, text: 'no' }])).get(RUN, 'pipeline run')
    )
    expect([refused.body, refused.retryable, refused.retryAfterMs, refused.errorCode]).toEqual([
      undefined,
      false,
      undefined,
      undefined
    ])
  })
})
