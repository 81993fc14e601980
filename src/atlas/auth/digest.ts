import { createHash, randomBytes } from 'node:crypto'
import { AtlasError } from '../errors.js'
import { headerValues, type HttpResponse } from '../http.js'
import type { Authenticator } from './authenticator.js'

// HTTP Digest access authentication, RFC 7616 (which obsoletes RFC 2617). Atlas API keys use it:
// the public key is the user name, the private key the password. undici has no Digest support.

/** One parsed challenge from a WWW-Authenticate header. */
export interface Challenge {
  scheme: string
  params: Record<string, string>
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const PART = new RegExp(`\\s*(${TOKEN})(?:\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|[^,\\s]*))?\\s*(?:,|$)?`, 'y')

/** Parses all challenges in WWW-Authenticate values (several may share one header, RFC 7235). */
export function parseChallenges(values: string[]): Challenge[] {
  const challenges: Challenge[] = []
  for (const value of values) {
    let current: Challenge | undefined
    PART.lastIndex = 0
    // Stryker disable next-line EqualityOperator: at the end nothing matches (a part needs a token), so <= stops the same
    while (PART.lastIndex < value.length) {
      // A match always takes a token, so each one moves on; what does not parse ends the value.
      const match = PART.exec(value)
      if (!match) break
      const name = match[1]! // the token every part has
      const raw = match[2]
      if (raw === undefined) {
        // A bare token starts a new challenge ("Digest", "Basic").
        current = { scheme: name, params: {} }
        challenges.push(current)
        continue
      }
      if (!current) continue
      current.params[name.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
    }
  }
  return challenges
}

/** Digest algorithms we speak, strongest first, with their node:crypto names. */
const ALGORITHMS: Record<string, string> = {
  'SHA-512-256': 'sha512-256',
  'SHA-256': 'sha256',
  MD5: 'md5'
}

function baseAlgorithm(algorithm: string): string {
  return algorithm.toUpperCase().replace(/-SESS$/, '')
}

function strength(challenge: Challenge): number {
  const names = Object.keys(ALGORITHMS)
  const index = names.indexOf(baseAlgorithm(challenge.params['algorithm'] ?? 'MD5'))
  return index === -1 ? -1 : names.length - index
}

/** The challenge to answer: the strongest Digest algorithm offered that we support. */
export function pickChallenge(challenges: Challenge[]): Challenge {
  const digests = challenges.filter((c) => c.scheme.toLowerCase() === 'digest')
  if (digests.length === 0) {
    const offered = challenges.map((c) => c.scheme).join(', ') || 'no scheme'
    throw new AtlasError(
      `Atlas did not offer Digest authentication (it offered ${offered}); publicKey/privateKey need Digest`,
      { kind: 'protocol', status: 401 }
    )
  }
  const best = [...digests].sort((a, b) => strength(b) - strength(a))[0] as Challenge
  if (strength(best) < 0) {
    const offered = digests.map((c) => c.params['algorithm']).join(', ')
    throw new AtlasError(
      `Atlas offered Digest with an algorithm this action does not support (${offered}); supported: MD5, SHA-256, SHA-512-256 and their -sess forms`,
      {
        kind: 'protocol',
        status: 401
      }
    )
  }
  if (best.params['nonce'] === undefined || best.params['realm'] === undefined) {
    throw new AtlasError('Atlas sent a Digest challenge without a nonce or realm', { kind: 'protocol', status: 401 })
  }
  return best
}

export interface DigestInput {
  username: string
  password: string
  method: string
  uri: string
  challenge: Challenge
  nc: number
  cnonce: string
}

/** The Authorization header value answering a challenge (RFC 7616 section 3.4). */
export function digestAuthorization(input: DigestInput): string {
  const { params } = input.challenge
  const algorithm = params['algorithm'] ?? 'MD5'
  const hashName = ALGORITHMS[baseAlgorithm(algorithm)] as string
  // Strings hash as UTF-8 (RFC 7616 section 4: charset=UTF-8 is the only one defined).
  const H = (data: string): string => createHash(hashName).update(data).digest('hex')
  const realm = params['realm'] ?? ''
  const nonce = params['nonce'] ?? ''
  const qops = (params['qop'] ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter(Boolean)
  // Prefer auth; auth-int over an empty GET body is the same work with H("") in HA2.
  const qop = qops.includes('auth') ? 'auth' : qops.includes('auth-int') ? 'auth-int' : undefined
  if (qops.length > 0 && qop === undefined) {
    throw new AtlasError(`Atlas asked for Digest qop "${params['qop']}", which this action does not support`, {
      kind: 'protocol',
      status: 401
    })
  }
  const nc = input.nc.toString(16).padStart(8, '0')
  let ha1 = H(`${input.username}:${realm}:${input.password}`)
  // Stryker disable next-line Regex: pickChallenge lets through only a known algorithm or its -sess form
  if (/-sess$/i.test(algorithm)) ha1 = H(`${ha1}:${nonce}:${input.cnonce}`)
  const ha2 = qop === 'auth-int' ? H(`${input.method}:${input.uri}:${H('')}`) : H(`${input.method}:${input.uri}`)
  const response = qop ? H(`${ha1}:${nonce}:${nc}:${input.cnonce}:${qop}:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`)
  const userhash = params['userhash']?.toLowerCase() === 'true'
  const username = userhash ? H(`${input.username}:${realm}`) : input.username
  const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(input.uri)}`,
    `algorithm=${algorithm}`,
    `response=${quote(response)}`
  ]
  if (params['opaque'] !== undefined) parts.push(`opaque=${quote(params['opaque'])}`)
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(input.cnonce)}`)
  if (userhash) parts.push('userhash=true')
  return `Digest ${parts.join(', ')}`
}

/**
 * Digest for a whole session: the first request goes without credentials to get a challenge; the
 * nonce is then reused for later requests, nc counted per nonce, so a poll costs one request.
 * A stale=true answer costs one extra round trip; a 401 on a fresh nonce means wrong keys.
 */
export function digestAuthenticator(
  username: string,
  password: string,
  newCnonce: () => string = () => randomBytes(16).toString('hex')
): Authenticator {
  let challenge: Challenge | undefined
  let nc = 0
  return {
    async authorize(method, path) {
      if (!challenge) return undefined
      nc += 1
      return digestAuthorization({ username, password, method, uri: path, challenge, nc, cnonce: newCnonce() })
    },
    learnFromRefusal(response: HttpResponse, sent: string | undefined) {
      const offered = parseChallenges(headerValues(response.headers, 'www-authenticate'))
      if (offered.length === 0) return false
      const next = pickChallenge(offered)
      const stale = next.params['stale']?.toLowerCase() === 'true'
      // Answer the new challenge when no credentials were sent yet, when the nonce went stale, or
      // when a reused nonce was refused (some servers expire nonces without saying stale=true).
      // A refusal on a fresh nonce (nc 1) means the keys are wrong: asking again would repeat it.
      if (sent !== undefined && !stale && nc <= 1) return false
      challenge = next
      nc = 0
      return true
    },
    close: async () => undefined
  }
}
