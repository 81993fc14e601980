import { abortAfter } from '../abort.js'
import { AtlasError, errorMessage, isRetryableStatus, parseRetryAfter } from '../errors.js'
import { unsendableReason } from '../header-text.js'
import { isObject, parseJson } from '../json.js'
import { headerValue, type HttpResponse, type Transport } from '../http.js'
import type { Authenticator, SecretSink } from './authenticator.js'

// Atlas service accounts: OAuth 2.0 client credentials (RFC 6749 section 4.4) at
// {baseUrl}/api/oauth/token, revoked at the end (RFC 7009) as atlas-sdk-go does.

export interface OAuthOptions {
  baseUrl: URL
  clientId: string
  clientSecret: string
  transport: Transport
  userAgent: string
  /** Receives the Basic credential and every token the moment they exist, to be masked. */
  onSecret: SecretSink
  now?: () => number
}

/** Refresh this long before expires_in runs out (a tenth of a short lifetime), so a token never expires between check and use. */
const REFRESH_MARGIN_MS = 60_000

interface Token {
  value: string
  /** When to fetch a new one: shortly before the token expires. */
  refreshAt: number
}

function describeOAuthError(response: HttpResponse, what: string): AtlasError {
  let code: string | undefined
  let detail: string | undefined
  try {
    const parsed = parseJson(response.text)
    const body = isObject(parsed) ? parsed : {}
    code =
      typeof body['error'] === 'string'
        ? body['error']
        : typeof body['errorCode'] === 'string'
          ? body['errorCode']
          : undefined
    const text = body['error_description'] ?? body['detail']
    detail = typeof text === 'string' ? text : undefined
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  const suffix = [code, detail].filter(Boolean).join(': ')
  const message = `Atlas answered ${response.status} to the ${what}${suffix ? ` (${suffix})` : ''}`
  if (isRetryableStatus(response.status)) {
    return new AtlasError(message, {
      kind: 'api',
      status: response.status,
      errorCode: code,
      detail,
      retryable: true,
      retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'))
    })
  }
  return new AtlasError(message, { kind: 'auth', status: response.status, errorCode: code, detail })
}

/** How long one revoke may take: it is clean-up, never worth holding the step for. */
export const REVOKE_TIMEOUT_MS = 5000

/** The OAuth endpoints of one service account: where they are, and the Basic credential they take. */
interface Endpoints {
  options: OAuthOptions
  basic: string
}

/** One form POST to the OAuth endpoints (token and revoke share credentials and headers). */
function postForm(
  { options, basic }: Endpoints,
  endpoint: 'token' | 'revoke',
  body: string,
  signal?: AbortSignal
): Promise<HttpResponse> {
  return options.transport.send({
    method: 'POST',
    origin: options.baseUrl.origin,
    path: `${options.baseUrl.pathname}api/oauth/${endpoint}`,
    headers: {
      authorization: basic,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'user-agent': options.userAgent
    },
    body,
    signal
  })
}

/** A new token (client credentials grant), masked as soon as it is read, with when to refresh it. */
async function requestToken(endpoints: Endpoints, now: () => number, signal?: AbortSignal): Promise<Token> {
  const response = await postForm(endpoints, 'token', 'grant_type=client_credentials', signal)
  if (response.status !== 200) throw describeOAuthError(response, 'token request (POST /api/oauth/token)')
  let body: unknown
  try {
    body = parseJson(response.text)
  } catch {
    throw new AtlasError('The token endpoint answered 200 with a body that is not JSON', {
      kind: 'protocol',
      status: 200
    })
  }
  const record = isObject(body) ? body : {}
  const value = record['access_token']
  if (typeof value !== 'string' || value === '') {
    throw new AtlasError('The token endpoint answered 200 without an access_token', { kind: 'protocol', status: 200 })
  }
  endpoints.options.onSecret(value)
  const unsendable = unsendableReason(value)
  if (unsendable) {
    // StepRequest again would get the same kind of token: a fault of the endpoint, not of the network.
    throw new AtlasError(
      `The token endpoint answered 200 with an access_token that cannot be sent in an HTTP header (it contains ${unsendable})`,
      {
        kind: 'protocol',
        status: 200
      }
    )
  }
  // Some servers send expires_in as a string; without a usable one, assume Atlas's hour.
  const declared = Number(record['expires_in'])
  const expiresIn = Number.isFinite(declared) && declared > 0 ? declared : 3600
  const lifetimeMs = expiresIn * 1000
  return { value, refreshAt: now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10) }
}

/** Revokes one token (RFC 7009), bounded; never throws: a warning to show instead. */
async function revokeToken(endpoints: Endpoints, value: string, signal?: AbortSignal): Promise<string | undefined> {
  const bound = abortAfter(
    REVOKE_TIMEOUT_MS,
    // Stryker disable next-line ObjectLiteral,StringLiteral: only the message reaches the warning
    new AtlasError(`the revoke endpoint did not answer within ${REVOKE_TIMEOUT_MS / 1000}s`, { kind: 'timeout' }),
    signal ? [signal] : []
  )
  try {
    const response = await postForm(
      endpoints,
      'revoke',
      `token=${encodeURIComponent(value)}&token_type_hint=access_token`,
      bound
    )
    if (response.status >= 300)
      return `Could not revoke an Atlas access token (HTTP ${response.status}); it expires by itself within an hour`
    return undefined
  } catch (error) {
    return `Could not revoke an Atlas access token (${errorMessage(error)}); it expires by itself within an hour`
  }
}

/**
 * A service account session: one token, refreshed shortly before it expires or once after a 401.
 * Every token it obtains is revoked: a replaced one at once in the background, the last at close.
 */
export function oauthAuthenticator(options: OAuthOptions): Authenticator {
  const now = options.now ?? Date.now
  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
  options.onSecret(basic.slice('Basic '.length))
  const endpoints: Endpoints = { options, basic }
  let token: Token | undefined
  // Stryker disable next-line BooleanLiteral: authorize() sets it before any request a refusal could answer
  let fetchedForLastRequest = false
  /** Revokes of replaced tokens still under way; close() waits for them. */
  const revoking: Promise<string | undefined>[] = []

  /** Drops the current token; it is revoked in the background so that no token outlives the step. */
  function retire(): void {
    if (token) revoking.push(revokeToken(endpoints, token.value))
    token = undefined
  }

  return {
    async authorize(_method, _path, signal) {
      fetchedForLastRequest = false
      if (!token || now() >= token.refreshAt) {
        const fresh = await requestToken(endpoints, now, signal)
        retire()
        token = fresh
        fetchedForLastRequest = true
      }
      return `Bearer ${token.value}`
    },
    learnFromRefusal() {
      // A token fresh from the endpoint that is refused will be refused again: the account lacks
      // access. An older one may have been revoked or expired early: fetch a new one, once.
      if (fetchedForLastRequest) return false
      retire()
      return true
    },
    async close(signal) {
      if (token) revoking.push(revokeToken(endpoints, token.value, signal))
      token = undefined
      const warnings = (await Promise.all(revoking.splice(0))).filter((w) => w !== undefined)
      return warnings.length ? warnings.join('; ') : undefined
    }
  }
}
