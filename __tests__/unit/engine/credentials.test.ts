// The secrets of a run: masked before anything can print them, and the authenticator each kind of
// credentials gets.
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import type { Transport } from '../../../src/atlas/http.js'
import * as core from '../../fixtures/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { createAuthenticator, maskSecrets, maskDocumentSecrets, withoutSecrets } =
  await import('../../../src/engine/credentials.js')
const { widgetBuild } = await import('../../fixtures/widget-resource.js')
const { SECRET_ENV, SECRET_INPUTS } = await import('../../../src/engine/settings.js')
type Settings = Parameters<typeof createAuthenticator>[0]

const transport: Transport = {
  send: async () => Promise.reject(new Error('no request in these tests')),
  close: async () => {}
}
const settings = (credentials: Settings['credentials']) =>
  ({ baseUrl: new URL('https://atlas.test/'), credentials }) as unknown as Settings

beforeEach(() => {
  jest.clearAllMocks()
  for (const name of SECRET_ENV) delete process.env[name]
})

describe('maskSecrets()', () => {
  it('masks every secret input that is set, and every credential variable, trimmed', () => {
    const inputs: Record<string, string> = Object.fromEntries(SECRET_INPUTS.map((name) => [name, `in-${name}`]))
    inputs['accessToken'] = ''
    core.getInput.mockImplementation((name) => inputs[name] ?? '')
    process.env[SECRET_ENV[0]!] = '  from-env  '
    maskSecrets()
    const masked = core.setSecret.mock.calls.map(([value]) => value)
    expect(masked).toEqual([...SECRET_INPUTS.filter((n) => n !== 'accessToken').map((n) => `in-${n}`), 'from-env'])
  })

  it('masks nothing when no secret is given', () => {
    core.getInput.mockImplementation(() => '')
    maskSecrets()
    expect(core.setSecret).not.toHaveBeenCalled()
  })
})

describe('createAuthenticator()', () => {
  it('sends an access token as a bearer token', async () => {
    const auth = createAuthenticator(settings({ kind: 'bearer', accessToken: 'tok' }), transport)
    expect(await auth.authorize('GET', '/api/atlas/v2/x')).toBe('Bearer tok')
  })

  it('waits for a challenge with an API key (Digest)', async () => {
    const auth = createAuthenticator(settings({ kind: 'digest', publicKey: 'pub', privateKey: 'priv' }), transport)
    expect(await auth.authorize('GET', '/api/atlas/v2/x')).toBeUndefined()
  })

  it('asks the token endpoint with a service account, and masks the token it gets', async () => {
    const sent: string[] = []
    const oauthTransport: Transport = {
      close: async () => {},
      send: async (request) => {
        sent.push(request.path)
        return {
          status: 200,
          headers: { 'content-type': 'application/json' },
          text: JSON.stringify({ access_token: 'obtained', token_type: 'Bearer', expires_in: 3600 })
        }
      }
    }
    const auth = createAuthenticator(
      settings({ kind: 'oauth', clientId: 'id', clientSecret: 'secret' }),
      oauthTransport
    )
    expect(await auth.authorize('GET', '/api/atlas/v2/x')).toBe('Bearer obtained')
    expect(sent).toEqual(['/api/oauth/token'])
    expect(core.setSecret).toHaveBeenCalledWith('obtained')
  })
})

describe('the secrets of a document', () => {
  const linked = {
    ...widgetBuild,
    secrets: (doc: Record<string, unknown>) => [typeof doc['link'] === 'string' ? doc['link'] : '']
  }

  it('masks those of the document and of each item of a page, but never an empty one', () => {
    maskDocumentSecrets(linked, { link: 'L1', results: [{ link: 'L2' }, 'not an item', {}] })
    expect(core.setSecret.mock.calls.map(([value]) => value)).toEqual(['L1', 'L2'])
  })

  it('masks nothing for a resource without secrets', () => {
    maskDocumentSecrets(widgetBuild, { link: 'L1' })
    expect(core.setSecret).not.toHaveBeenCalled()
  })

  it('replaces each secret string at any depth, and nothing else', () => {
    const doc = { a: 'L1', b: ['L1', 'x', { c: 'L2', d: 3, e: null, f: true }], g: 'L1-not-equal' }
    expect(withoutSecrets(doc, ['L1', 'L2'])).toEqual({
      a: '***',
      b: ['***', 'x', { c: '***', d: 3, e: null, f: true }],
      g: 'L1-not-equal'
    })
    expect(withoutSecrets(doc, [])).toBe(doc)
  })
})
