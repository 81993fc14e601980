// Action-level tests: the bundled dist/index.js runs as a child process, as the runner runs it,
// against the Atlas-like server on 127.0.0.1; outputs and the summary are read back from files.
import { describe, expect, it } from '@jest/globals'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  DIGEST_INPUTS,
  errorAnnotation,
  OAUTH_INPUTS,
  RUN_INPUTS,
  useSharedAtlas
} from '../support/action.js'
import { apiError, DEMO, runDocument } from '../support/fake-atlas.mjs'
import { spawnAction } from '../../scripts/run-action.mjs'

const shared = useSharedAtlas()

const runRequests = () => shared.atlas.requests.filter((r) => r.kind === 'run')

describe('a DONE run', () => {
  it('passes with an API key over Digest: a challenge, then one signed request', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, DIGEST_INPUTS)
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({
      state: 'DONE',
      phase: 'INGESTION',
      bytesExported: '1288490188',
      numDocs: '1234567',
      httpStatus: '200',
      succeeded: 'true'
    })
    expect(JSON.parse(result.outputs['stats'])).toEqual({ bytesExported: 1288490188, numDocs: 1234567 })
    expect(JSON.parse(result.outputs['run'])).toEqual(runDocument())
    expect(shared.atlas.requests.map((r) => `${r.kind} ${r.auth} ${r.authResult}`)).toEqual([
      'run none challenge',
      'run digest ok'
    ])
    const signed = shared.atlas.requests[1]!
    expect(signed.headers['accept']).toBe('application/vnd.atlas.2023-01-01+json')
    expect(signed.headers['user-agent']).toMatch(/^atlas-pipeline-run-action\/\d+\.\d+\.\d+ /)
    expect(signed.digest).toMatchObject({ nc: '00000001', qop: 'auth', algorithm: 'MD5' })
    expect(signed.query).toEqual({})
    expect(result.summary.split('\n')[0]).toBe('### ✅ nightly-export: DONE · 1,234,567 documents · 1.2 GiB')
    expect(result.summary).toContain('| 1,234,567 | 1.2 GiB (1,288,490,188 bytes) | 41m 17s |')
  })

  it('passes with a service account: token, run, revoke', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, OAUTH_INPUTS)
    expect(result.code).toBe(0)
    expect(shared.atlas.requests.map((r) => r.kind)).toEqual(['token', 'run', 'revoke'])
    const [token, run, revoke] = shared.atlas.requests
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(token!.headers['accept']).toBe('application/json')
    expect(token!.body).toBe('grant_type=client_credentials')
    const issued = run!.headers['authorization']!.replace('Bearer ', '')
    expect(revoke!.body).toBe(`token=${issued}&token_type_hint=access_token`)
    expect(shared.atlas.state.revoked).toContain(issued)
    // The token was masked the moment it arrived.
    expect(result.stdout).toContain(`::add-mask::${issued}`)
  })

  it('passes with a ready bearer token in one request', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    expect(shared.atlas.requests.map((r) => `${r.kind} ${r.auth}`)).toEqual(['run bearer'])
  })

  it.each([
    [
      { MONGODB_ATLAS_CLIENT_ID: DEMO.clientId, MONGODB_ATLAS_CLIENT_SECRET: DEMO.clientSecret },
      ['token', 'run', 'revoke']
    ],
    [{ MONGODB_ATLAS_PUBLIC_API_KEY: DEMO.publicKey, MONGODB_ATLAS_PRIVATE_API_KEY: DEMO.privateKey }, ['run', 'run']]
  ])('takes credentials from the environment %#', async (env, kinds) => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {}, env)
    expect(result.code).toBe(0)
    expect(shared.atlas.requests.map((r) => r.kind)).toEqual(kinds)
  })

  it('sends envelope and pretty when asked, and unwraps the envelope', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      envelope: 'true',
      pretty: 'true'
    })
    expect(result.code).toBe(0)
    expect(shared.atlas.requests[0]!.query).toEqual({ envelope: 'true', pretty: 'true' })
    expect(result.outputs['state']).toBe('DONE')
  })

  it('percent-encodes a pipelineName so that Atlas receives it intact', async () => {
    const pipelineName = 'nightly#1?x&y%z+é'
    shared.atlas.script([{ run: runDocument() }], { pipelineName })
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, pipelineName })
    expect(result.code).toBe(0)
    expect(shared.atlas.requests[0]!.pipelineName).toBe(pipelineName)
    expect(shared.atlas.requests[0]!.rawPath).toContain('/pipelines/nightly%231%3Fx%26y%25z%2B%C3%A9/runs/')
  })

  it('keeps every digit of stats beyond 2^53', async () => {
    shared.atlas.script([
      {
        raw: JSON.stringify(runDocument()).replace('1288490188', '9223372036854775807'),
        contentType: 'application/json'
      }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.outputs['bytesExported']).toBe('9223372036854775807')
    expect(result.outputs['stats']).toBe('{"bytesExported":9223372036854775807,"numDocs":1234567}')
  })

  it('writes no summary when summary is false', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, summary: 'false' })
    expect(result.code).toBe(0)
    expect(result.summary).toBe('')
  })
})

describe('a run that is not DONE', () => {
  it.each([
    ['PENDING', 'has not finished: it is PENDING (phase INGESTION)', 'Set wait: true'],
    ['IN_PROGRESS', 'has not finished: it is IN_PROGRESS (phase INGESTION)', 'Set wait: true'],
    ['FAILED', 'FAILED in phase INGESTION', 'Atlas UI'],
    ['DATASET_DELETED', 'its dataset has been deleted', 'successStates'],
    ['SOMETHING_NEW', 'is in state "SOMETHING_NEW", which this action does not know', 'Atlas may have added a state']
  ])('fails the step on %s, with outputs set', async (state, message, hint) => {
    shared.atlas.script([{ run: runDocument({ state }) }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(errorAnnotation(result)).toContain(hint)
    expect(result.outputs).toMatchObject({ state, phase: 'INGESTION', succeeded: 'false', httpStatus: '200' })
    expect(result.summary).toContain('❌')
  })

  it('passes a state listed in successStates', async () => {
    shared.atlas.script([{ run: runDocument({ state: 'DATASET_DELETED' }) }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      successStates: 'DONE,DATASET_DELETED'
    })
    expect(result.code).toBe(0)
  })
})

describe('Atlas errors', () => {
  it.each([
    [400, 'VALIDATION_ERROR', 'check groupId, pipelineName and runId'],
    [403, 'FORBIDDEN', 'Project Read Only role'],
    [404, 'RESOURCE_NOT_FOUND', 'sunset on 2025-09-30'],
    [410, 'VERSION_GONE', 'https://dochub.mongodb.org/core/data-lake-deprecation']
  ])('fails at once on %i %s with a hint', async (status, errorCode, hint) => {
    shared.atlas.script([apiError(status, errorCode, `detail for ${status}`)])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(`Atlas API ${status} ${errorCode}: detail for ${status}`)
    expect(errorAnnotation(result)).toContain(hint)
    expect(result.outputs).toMatchObject({ httpStatus: String(status), errorCode, succeeded: 'false' })
    expect(result.summary).toContain(`| HTTP status | ${status} |`)
    expect(runRequests()).toHaveLength(1)
    expect(result.stdout).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('fails on 406 for a wrong apiVersion', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, apiVersion: '2024-05-30' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 406 INVALID_VERSION_DATE')
    expect(errorAnnotation(result)).toContain('use 2023-01-01')
    expect(shared.atlas.requests[0]!.headers['accept']).toBe('application/vnd.atlas.2024-05-30+json')
  })

  it('judges by the status inside the envelope', async () => {
    shared.atlas.script([apiError(404, 'RESOURCE_NOT_FOUND', 'gone')])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, envelope: 'true' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 404 RESOURCE_NOT_FOUND: gone')
  })

  it('fails once on a refused bearer token, without retrying', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, { accessToken: 'not-a-valid-token-1234' }, {}, [
      'not-a-valid-token-1234'
    ])
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 401')
    expect(errorAnnotation(result)).toContain('Check accessToken')
    expect(shared.atlas.requests).toHaveLength(1)
  })

  it('fails on a wrong API key after one challenge, without looping', async () => {
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { publicKey: DEMO.publicKey, privateKey: 'wrong-private-key-99' },
      {},
      ['wrong-private-key-99']
    )
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 401')
    expect(errorAnnotation(result)).toContain('Check publicKey and privateKey')
    expect(shared.atlas.requests.map((r) => r.authResult)).toEqual(['challenge', 'denied'])
  })

  it('fails on a wrong service account secret without asking for the run', async () => {
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { clientId: DEMO.clientId, clientSecret: 'wrong-secret-value-77' },
      {},
      ['wrong-secret-value-77', Buffer.from(`${DEMO.clientId}:wrong-secret-value-77`).toString('base64')]
    )
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      'Atlas answered 401 to the token request (POST /api/oauth/token) (invalid_client: Invalid client credentials)'
    )
    expect(errorAnnotation(result)).toContain('Check clientId and clientSecret')
    expect(shared.atlas.requests.map((r) => r.kind)).toEqual(['token'])
  })

  it('warns but passes when the token cannot be revoked', async () => {
    shared.atlas.scriptRevoke([{ status: 500, body: { error: 'server_error' } }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, OAUTH_INPUTS)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::warning::Could not revoke an Atlas access token (HTTP 500)')
  })

  it('refuses a redirect and names where it pointed, sending nothing there', async () => {
    shared.atlas.script([{ status: 302, body: {}, headers: { location: 'https://elsewhere.example.net/steal' } }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('redirect to elsewhere.example.net')
    expect(shared.atlas.requests).toHaveLength(1)
  })
})

describe('transient faults', () => {
  it('retries a 503 and then passes', async () => {
    shared.atlas.script([apiError(503, 'SERVICE_UNAVAILABLE', 'busy'), { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    expect(runRequests()).toHaveLength(2)
  })

  it('waits at least Retry-After after a 429', async () => {
    shared.atlas.script([
      { ...apiError(429, 'RATE_LIMITED', 'slow down'), headers: { 'retry-after': '2' } },
      { run: runDocument() }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    const [first, second] = runRequests()
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2000)
  })

  it('retries after a connection reset', async () => {
    shared.atlas.script([{ reset: true }, { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    expect(runRequests()).toHaveLength(2)
  })

  it('gives up on a persistent 500 after a bounded number of tries', async () => {
    shared.atlas.script([apiError(500, 'UNEXPECTED_ERROR', 'boom')])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(runRequests()).toHaveLength(4)
    expect(errorAnnotation(result)).toContain('Atlas API 500 UNEXPECTED_ERROR: boom')
    expect(errorAnnotation(result)).toContain('try again later')
  })
})

describe('answers that are not a run', () => {
  it.each([
    ['{"state": "DONE", ', 'application/json', 'is not JSON'],
    ['<html><body>Login</body></html>', 'text/html', 'is not JSON'],
    ['[1,2]', 'application/json', 'is JSON but not an object (an array)'],
    ['null', 'application/json', 'is JSON but not an object (null)']
  ])('fails clearly on %j', async (raw, contentType, message) => {
    shared.atlas.script([{ raw, contentType, status: 200 }])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(`Atlas answered 200 but the body ${message}`)
    expect(runRequests()).toHaveLength(1)
  })
})

describe('bad inputs', () => {
  it.each([
    [{ groupId: 'ABC' }, 'groupId "ABC" must be 24 hexadecimal characters'],
    [{ runId: '' }, 'runId is required'],
    [{ pipelineName: 'a b' }, 'pipelineName "a b" must be 1 to 64 characters'],
    [{ baseUrl: 'http://example.com' }, 'must use https'],
    [{ accessToken: '', clientId: 'only-the-id' }, 'input clientId is set but input clientSecret is missing'],
    [{ successStates: 'OK' }, 'unknown: OK'],
    [{ timeout: 'soon', wait: 'true' }, 'timeout is "soon"']
  ])('rejects %j before sending any request', async (bad, message) => {
    const result = await spawnAction({ inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: shared.atlas.url, ...bad } })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(message)
    expect(shared.atlas.requests).toHaveLength(0)
    expect(result.outputs).toEqual({})
  })
})
