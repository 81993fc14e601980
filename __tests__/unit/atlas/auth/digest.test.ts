import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import {
  digestAuthenticator,
  digestAuthorization,
  parseChallenges,
  pickChallenge
} from '../../../../src/atlas/auth/digest.js'
import { AtlasError } from '../../../../src/atlas/errors.js'

// RFC 7616 section 3.9.1: the same request answered with MD5 and with SHA-256.
const RFC = {
  username: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nc: 1,
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ'
}
const RFC_CHALLENGE = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`

function responseOf(header: string): string | undefined {
  return /response="([0-9a-f]+)"/.exec(header)?.[1]
}

function unauthorized(header: string) {
  return { status: 401, headers: { 'www-authenticate': header }, text: '' }
}

describe('HTTP Digest (RFC 7616)', () => {
  it('matches the RFC example response for MD5', () => {
    const [challenge] = parseChallenges([RFC_CHALLENGE('MD5')])
    const header = digestAuthorization({ ...RFC, challenge: challenge! })
    expect(responseOf(header)).toBe('8ca523f5e9506fed4657c9700eebdbec')
    expect(header).toContain('qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"')
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')
  })

  it('matches the RFC example response for SHA-256', () => {
    const [challenge] = parseChallenges([RFC_CHALLENGE('SHA-256')])
    expect(responseOf(digestAuthorization({ ...RFC, challenge: challenge! }))).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'
    )
  })

  it('answers a challenge without qop the RFC 2069 way (no nc, no cnonce)', () => {
    const [challenge] = parseChallenges(['Digest realm="r", nonce="n"'])
    const header = digestAuthorization({ ...RFC, challenge: challenge! })
    expect(header).not.toContain('nc=')
    // RFC 2069: H(H(user:realm:pass):nonce:H(method:uri)), computed here step by step.
    const md5 = (s: string) => createHash('md5').update(s).digest('hex')
    const expected = md5(`${md5('Mufasa:r:Circle of Life')}:n:${md5('GET:/dir/index.html')}`)
    expect(responseOf(header)).toBe(expected)
  })

  it('picks the strongest algorithm among several challenges', () => {
    const challenges = parseChallenges([`${RFC_CHALLENGE('MD5')}, Basic realm="x"`, RFC_CHALLENGE('SHA-256')])
    expect(challenges.map((c) => c.scheme)).toEqual(['Digest', 'Basic', 'Digest'])
    expect(pickChallenge(challenges).params['algorithm']).toBe('SHA-256')
  })

  it('parses quoted strings with escapes and commas', () => {
    const [c] = parseChallenges(['Digest realm="a \\"quoted\\", realm", nonce="n,1", stale=TRUE'])
    expect(c!.params).toEqual({ realm: 'a "quoted", realm', nonce: 'n,1', stale: 'TRUE' })
  })

  it('refuses an algorithm it does not know, naming it', () => {
    expect(() => pickChallenge(parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-1']))).toThrow(
      /not support \(SHA-1\)/
    )
    expect(() => pickChallenge(parseChallenges(['Bearer realm="r"']))).toThrow(AtlasError)
  })

  describe('known answers, each computed step by step from RFC 7616 section 3.4', () => {
    const hash = (name: string) => (s: string) => createHash(name).update(s, 'utf8').digest('hex')
    const answer = (challenge: string, input: Partial<typeof RFC> = {}) =>
      digestAuthorization({ ...RFC, ...input, challenge: parseChallenges([challenge])[0]! })

    it('SHA-512-256 with qop auth', () => {
      const H = hash('sha512-256')
      const header = answer('Digest realm="r", nonce="n", qop="auth", algorithm=SHA-512-256')
      const ha1 = H('Mufasa:r:Circle of Life')
      const ha2 = H('GET:/dir/index.html')
      expect(responseOf(header)).toBe(H(`${ha1}:n:00000001:${RFC.cnonce}:auth:${ha2}`))
      expect(header).toContain('algorithm=SHA-512-256, ')
    })

    it('the -sess form of HA1: H(H(user:realm:password):nonce:cnonce)', () => {
      const H = hash('md5')
      const header = answer('Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess')
      const ha1 = H(`${H('Mufasa:r:Circle of Life')}:n:${RFC.cnonce}`)
      expect(responseOf(header)).toBe(H(`${ha1}:n:00000001:${RFC.cnonce}:auth:${H('GET:/dir/index.html')}`))
      expect(header).toContain('algorithm=MD5-sess, ')
    })

    it('auth-int when it is the only qop offered: HA2 takes the hash of the empty body', () => {
      const H = hash('sha256')
      const header = answer('Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256')
      const ha2 = H(`GET:/dir/index.html:${H('')}`)
      expect(responseOf(header)).toBe(H(`${H('Mufasa:r:Circle of Life')}:n:00000001:${RFC.cnonce}:auth-int:${ha2}`))
      expect(header).toContain('qop=auth-int, nc=00000001')
    })

    it('userhash: the user name sent is H(user:realm), whatever the case of "true"', () => {
      const H = hash('sha256')
      const header = answer('Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256, userhash=TRUE')
      expect(header).toMatch(new RegExp(`^Digest username="${H('Mufasa:r')}", `))
      expect(header.endsWith(', userhash=true')).toBe(true)
      // The response still hashes the plain user name.
      expect(responseOf(header)).toBe(
        H(`${H('Mufasa:r:Circle of Life')}:n:00000001:${RFC.cnonce}:auth:${H('GET:/dir/index.html')}`)
      )
      const plain = answer('Digest realm="r", nonce="n", qop="auth", userhash=false')
      expect(plain).toMatch(/^Digest username="Mufasa", /)
      expect(plain).not.toContain('userhash')
    })

    it('counts nc in eight hex digits', () => {
      expect(answer(RFC_CHALLENGE('MD5'), { nc: 26 })).toContain('nc=0000001a, ')
    })

    it('escapes quotes and backslashes in quoted values', () => {
      const header = answer(String.raw`Digest realm="a\"b", nonce="n"`, { username: String.raw`x"y\z` })
      expect(
        header.startsWith(String.raw`Digest username="x\"y\\z", realm="a\"b", nonce="n", uri="/dir/index.html", `)
      ).toBe(true)
    })

    it('refuses a qop it does not speak, naming it', () => {
      expect(() => answer('Digest realm="r", nonce="n", qop="auth-conf"')).toThrow(
        'Atlas asked for Digest qop "auth-conf", which this action does not support'
      )
      // An empty qop list is no qop at all.
      expect(answer('Digest realm="r", nonce="n", qop=" , "')).not.toContain('qop=')
    })
  })

  describe('choosing a challenge', () => {
    const pick = (...values: string[]) => pickChallenge(parseChallenges(values))
    it('ranks SHA-512-256 over SHA-256 over MD5, and prefers a known algorithm to an unknown one', () => {
      const offered = ['MD5', 'SHA-512-256-sess', 'SHA-256'].map((a) => `Digest realm="r", nonce="n", algorithm=${a}`)
      expect(pick(...offered).params['algorithm']).toBe('SHA-512-256-sess')
      expect(pick(offered[0]!, offered[2]!).params['algorithm']).toBe('SHA-256')
      expect(pick('Digest realm="r", nonce="n", algorithm=SHA-1', 'Digest realm="r", nonce="m"').params['nonce']).toBe(
        'm'
      )
      expect(pick('Digest realm="r", nonce="n", algorithm=sha-256').params['algorithm']).toBe('sha-256')
    })

    it('says what was offered instead of Digest', () => {
      expect(() => pick('Basic realm="x"', 'Bearer realm="y"')).toThrow(
        'Atlas did not offer Digest authentication (it offered Basic, Bearer); publicKey/privateKey need Digest'
      )
      expect(() => pickChallenge([])).toThrow('(it offered no scheme)')
    })

    it('names every unsupported algorithm it was offered', () => {
      expect(() =>
        pick('Digest realm="r", nonce="n", algorithm=SHA-1', 'digest realm="r", nonce="n", algorithm=X')
      ).toThrow(
        'Atlas offered Digest with an algorithm this action does not support (SHA-1, X); supported: MD5, SHA-256, SHA-512-256 and their -sess forms'
      )
    })

    it('refuses as a protocol fault of a 401, not as bad credentials', () => {
      const refusal = (refuse: () => unknown): AtlasError => {
        try {
          refuse()
        } catch (thrown) {
          return thrown as AtlasError
        }
        throw new Error('expected a refusal')
      }
      const refusals = [
        refusal(() => pick('Basic realm="x"')),
        refusal(() => pick('Digest realm="r", nonce="n", algorithm=SHA-1')),
        refusal(() => pick('Digest realm="r"')),
        refusal(() =>
          digestAuthorization({ ...RFC, challenge: parseChallenges(['Digest realm="r", nonce="n", qop="x"'])[0]! })
        )
      ]
      expect(refusals.map((error) => [error.kind, error.status])).toEqual(Array(4).fill(['protocol', 401]))
    })

    it('takes -sess only at the end of an algorithm name', () => {
      expect(() => pick('Digest realm="r", nonce="n", algorithm=SHA-SESS-256')).toThrow('(SHA-SESS-256)')
    })

    it('needs both a nonce and a realm', () => {
      for (const challenge of ['Digest realm="r"', 'Digest nonce="n"']) {
        expect(() => pick(challenge)).toThrow('Atlas sent a Digest challenge without a nonce or realm')
      }
    })

    it('keeps every character of an unquoted value, and stops at what does not parse', () => {
      expect(parseChallenges(['Digest nonce=ab", realm=r, ==junk, opaque=o'])).toEqual([
        { scheme: 'Digest', params: { nonce: 'ab"', realm: 'r' } }
      ])
    })

    it('reads parameter names in any case, and ignores parameters before any scheme', () => {
      expect(parseChallenges(['realm="x", Digest Realm="r", NONCE=n'])).toEqual([
        { scheme: 'Digest', params: { realm: 'r', nonce: 'n' } }
      ])
    })
  })

  it('makes a new random cnonce for every request of a session', async () => {
    const auth = digestAuthenticator('Mufasa', 'Circle of Life')
    auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n", qop="auth"'), undefined)
    const cnonces = await Promise.all(
      [1, 2].map(async () => /cnonce="([^"]*)"/.exec((await auth.authorize('GET', '/x'))!)?.[1])
    )
    expect(cnonces[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(cnonces[1]).toMatch(/^[0-9a-f]{32}$/)
    expect(cnonces[0]).not.toBe(cnonces[1])
  })

  describe('a session', () => {
    const url = '/api/atlas/v2/x?pretty=true'

    it('sends nothing first, then reuses the nonce with nc counting up', async () => {
      const auth = digestAuthenticator('pub', 'priv', () => 'cn')
      expect(await auth.authorize('GET', url)).toBeUndefined()
      expect(
        auth.learnFromRefusal(
          unauthorized('Digest realm="MMS Public API", nonce="n1", algorithm=MD5, qop="auth"'),
          undefined
        )
      ).toBe(true)
      const first = await auth.authorize('GET', url)
      const second = await auth.authorize('GET', url)
      expect(first).toContain('nc=00000001')
      expect(first).toContain('uri="/api/atlas/v2/x?pretty=true"')
      expect(second).toContain('nc=00000002')
      expect(second).toContain('nonce="n1"')
    })

    it('takes a new nonce on stale=true, restarting nc, but gives up on a plain 401 after credentials', async () => {
      const auth = digestAuthenticator('pub', 'priv', () => 'cn')
      auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n1", qop="auth"'), undefined)
      const sent = await auth.authorize('GET', url)
      expect(auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n2", qop="auth", stale=true'), sent)).toBe(
        true
      )
      const renewed = await auth.authorize('GET', url)
      expect(renewed).toContain('nonce="n2"')
      expect(renewed).toContain('nc=00000001')
      expect(
        auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n3", qop="auth", stale=false'), renewed)
      ).toBe(false)
    })

    it('renews a reused nonce refused without stale=true, but only once it has been used before', async () => {
      const auth = digestAuthenticator('pub', 'priv', () => 'cn')
      auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n1", qop="auth"'), undefined)
      await auth.authorize('GET', url)
      const reused = await auth.authorize('GET', url)
      expect(reused).toContain('nc=00000002')
      expect(auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n2", qop="auth"'), reused)).toBe(true)
      const fresh = await auth.authorize('GET', url)
      expect(fresh).toContain('nonce="n2"')
      expect(auth.learnFromRefusal(unauthorized('Digest realm="r", nonce="n3", qop="auth"'), fresh)).toBe(false)
    })

    it('does not retry a 401 without a challenge', () => {
      const auth = digestAuthenticator('pub', 'priv')
      expect(auth.learnFromRefusal({ status: 401, headers: {}, text: '' }, undefined)).toBe(false)
    })
  })
})
