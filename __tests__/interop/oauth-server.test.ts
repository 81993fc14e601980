// Service accounts against a real OAuth 2.0 server: oidc-provider (client credentials and token
// revocation, RFC 6749 and RFC 7009) routed at /api/oauth/token and /api/oauth/revoke. The run
// path accepts only tokens that oidc-provider itself says are live.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import Provider from 'oidc-provider'
import { runWithoutLeaksOrCrash, errorAnnotation, OAUTH_INPUTS } from '../support/action.js'
import { DEMO, runDocument } from '../support/fake-atlas.mjs'

let server: Server
/** The part of oidc-provider's API this suite uses (the package ships no types). */
interface AuthorizationServer {
  callback(): (req: IncomingMessage, res: ServerResponse) => void
  ClientCredentials: { find(token: string): Promise<unknown> }
}
let provider: AuthorizationServer
let baseUrl: string
const runRequests: { token: string; live: boolean }[] = []

beforeAll(async () => {
  server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  // Its development-mode notices (in-memory adapter, generated keys) are expected here.
  jest.spyOn(console, 'warn').mockImplementation(() => undefined)
  jest.spyOn(console, 'info').mockImplementation(() => undefined)
  provider = new Provider(baseUrl, {
    clients: [
      {
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic'
      }
    ],
    features: {
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false }
    },
    routes: { token: '/api/oauth/token', revocation: '/api/oauth/revoke' },
    ttl: { ClientCredentials: 3600 }
  })
  const oauth = provider.callback()
  const serveRun = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
    const live = token !== '' && (await provider.ClientCredentials.find(token)) !== undefined
    runRequests.push({ token, live })
    res.writeHead(live ? 200 : 401, { 'content-type': 'application/json' })
    res.end(JSON.stringify(live ? runDocument() : { error: 401, errorCode: 'UNAUTHORIZED', detail: 'invalid token' }))
  }
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/api/oauth/')) oauth(req, res)
    else void serveRun(req, res)
  })
})
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
})

describe('against oidc-provider', () => {
  it('gets a token with client_secret_basic, uses it, and revokes it at the end', async () => {
    runRequests.length = 0
    const result = await runWithoutLeaksOrCrash(baseUrl, OAUTH_INPUTS)
    expect(result.code).toBe(0)
    expect(result.outputs['state']).toBe('DONE')
    expect(runRequests).toHaveLength(1)
    expect(runRequests[0]!.live).toBe(true)
    // Revoked: the authorization server no longer knows the token.
    expect(await provider.ClientCredentials.find(runRequests[0]!.token)).toBeUndefined()
    expect(result.stdout).toContain(`::add-mask::${runRequests[0]!.token}`)
  })

  it('fails clearly when the server refuses the client secret', async () => {
    runRequests.length = 0
    const wrong = 'not-the-client-secret-1234'
    const result = await runWithoutLeaksOrCrash(baseUrl, { clientId: DEMO.clientId, clientSecret: wrong }, {}, [
      wrong,
      Buffer.from(`${DEMO.clientId}:${wrong}`).toString('base64')
    ])
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      'Atlas answered 401 to the token request (POST /api/oauth/token) (invalid_client'
    )
    expect(errorAnnotation(result)).toContain('Check clientId and clientSecret')
    expect(runRequests).toHaveLength(0)
  })
})
