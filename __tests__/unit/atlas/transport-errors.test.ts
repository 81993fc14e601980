// What undici throws, as the words the user reads. The errors here are shaped as undici and Node
// make them (a code, a cause chain, the address it was connecting to); transport.test.ts and the
// interop suites produce the real ones.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../src/atlas/errors.js'
import { describeTransportError } from '../../../src/atlas/transport-errors.js'

const ORIGIN = 'https://cloud.mongodb.com'
const request = (origin: string, signal?: AbortSignal) => ({
  method: 'GET' as const,
  origin,
  path: '/',
  headers: {},
  signal
})

/** An error as undici throws it: "fetch failed" around a system error with a code and an address. */
function undiciError(cause: Record<string, unknown> & { message?: string }, message = 'fetch failed'): Error {
  const inner = Object.assign(new Error(cause.message ?? 'connect failed'), cause)
  return new Error(message, { cause: inner })
}

const describe_ = (
  error: unknown,
  options: { timedOut?: boolean; proxy?: string; signal?: AbortSignal; origin?: string } = {}
) =>
  describeTransportError(
    error,
    request(options.origin ?? ORIGIN, options.signal),
    options.timedOut ?? false,
    options.proxy === undefined ? undefined : new URL(options.proxy)
  )

describe('an error of the transport', () => {
  it('is passed on as it is when it is already ours', () => {
    const ours = new AtlasError('x', { kind: 'protocol' })
    expect(describe_(ours)).toBe(ours)
  })

  it('is the reason of the abort when a bound of ours cut the request, and a cancel otherwise', () => {
    const bound = new AtlasError('clean-up took longer than 5s', { kind: 'timeout' })
    const controller = new AbortController()
    controller.abort(bound)
    expect(describe_(new Error('aborted'), { signal: controller.signal })).toBe(bound)
    const thrown = new Error('This operation was aborted')
    const cancelled = describe_(thrown, { signal: AbortSignal.abort() })
    expect([cancelled.kind, cancelled.message, cancelled.cause]).toEqual([
      'cancelled',
      `The request to ${ORIGIN} was cancelled`,
      thrown
    ])
  })

  it.each([
    ['407', false],
    ['499', false],
    ['500', true],
    ['503', true]
  ])('names a proxy that answered CONNECT with %s, deep in the cause chain', (status, retryable) => {
    const thrown = undiciError({ message: `Proxy response (${status}) !== 200 when HTTP Tunneling` })
    const error = describe_(thrown, { proxy: 'http://proxy:3128' })
    expect([error.kind, error.errorCode, error.retryable, error.message, error.cause]).toEqual([
      'network',
      `PROXY_${status}`,
      retryable,
      `The proxy refused to connect to ${ORIGIN} (HTTP ${status})`,
      thrown
    ])
  })

  it.each([
    ['the proxy host it was connecting to', { code: 'ECONNREFUSED', hostname: 'proxy' }, 'http://proxy:3128'],
    ['the proxy address it was connecting to', { code: 'ECONNREFUSED', address: '10.0.0.9' }, 'http://10.0.0.9:3128'],
    ['the proxy port, when it differs from Atlas’s', { code: 'ECONNREFUSED', port: 3128 }, 'http://proxy:3128'],
    ['the default port of an http proxy', { code: 'ECONNRESET', port: 80 }, 'http://proxy']
  ])('says the proxy could not be reached, judging by %s', (_how, cause, proxy) => {
    const thrown = undiciError(cause)
    const error = describe_(thrown, { proxy })
    const shown = new URL(proxy)
    expect([error.kind, error.errorCode, error.retryable, error.proxy, error.cause]).toEqual([
      'network',
      cause.code,
      true,
      `${shown.protocol}//${shown.host}`,
      thrown
    ])
    expect(error.message).toBe(
      `Could not reach the proxy ${shown.protocol}//${shown.host} on the way to ${ORIGIN} (${cause.code})`
    )
  })

  it('knows the default port of an https proxy, and of plain http to Atlas', () => {
    const viaHttps = describe_(undiciError({ code: 'ECONNRESET', port: 443 }), {
      proxy: 'https://proxy',
      origin: 'http://atlas.example:80'
    })
    expect(viaHttps.proxy).toBe('https://proxy')
    const samePort = describe_(undiciError({ code: 'ECONNRESET', port: 80 }), {
      proxy: 'http://proxy',
      origin: 'http://atlas.example'
    })
    expect(samePort.proxy).toBeUndefined()
  })

  it('does not blame the proxy for Atlas’s own port, for another host, or for a timeout', () => {
    expect(
      describe_(undiciError({ code: 'ECONNREFUSED', port: 443 }), { proxy: 'http://proxy:443' }).proxy
    ).toBeUndefined()
    expect(
      describe_(undiciError({ code: 'ECONNREFUSED', hostname: 'atlas' }), { proxy: 'http://proxy:3128' }).proxy
    ).toBeUndefined()
    const late = describe_(undiciError({ code: 'ECONNREFUSED', hostname: 'proxy' }), {
      proxy: 'http://proxy:3128',
      timedOut: true
    })
    expect([late.kind, late.proxy]).toEqual(['timeout', undefined])
  })

  it('does not retry a proxy whose name does not resolve, and says "no answer" without a code', () => {
    const unknown = describe_(undiciError({ code: 'ENOTFOUND', hostname: 'proxy' }), { proxy: 'http://proxy:3128' })
    expect([unknown.retryable, unknown.message]).toEqual([
      false,
      `Could not reach the proxy http://proxy:3128 on the way to ${ORIGIN} (ENOTFOUND)`
    ])
    const silent = describe_(undiciError({ hostname: 'proxy' }), { proxy: 'http://proxy:3128' })
    expect(silent.message).toBe(`Could not reach the proxy http://proxy:3128 on the way to ${ORIGIN} (no answer)`)
  })

  it.each(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])(
    'calls %s a timeout that may be retried',
    (code) => {
      const thrown = undiciError({ code })
      const error = describe_(thrown)
      expect([error.kind, error.retryable, error.message, error.cause]).toEqual([
        'timeout',
        true,
        `Atlas at ${ORIGIN} did not answer within the request timeout`,
        thrown
      ])
    }
  )

  it('calls a request our own timer cut a timeout, whatever undici said', () => {
    expect(describe_(undiciError({ code: 'UND_ERR_ABORTED' }), { timedOut: true }).kind).toBe('timeout')
  })

  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID'
  ])('names the certificate problem %s, and does not retry it', (code) => {
    const thrown = undiciError({ code })
    const error = describe_(thrown)
    expect([error.kind, error.errorCode, error.retryable, error.message, error.cause]).toEqual([
      'network',
      code,
      false,
      `The TLS certificate of ${ORIGIN} was not accepted (${code})`,
      thrown
    ])
  })

  it.each([
    ['ENOTFOUND', false],
    ['ERR_INVALID_URL', false],
    ['ECONNREFUSED', true],
    ['ECONNRESET', true],
    ['EAI_AGAIN', true]
  ])('says Atlas could not be reached (%s), retrying only what may pass', (code, retryable) => {
    const thrown = undiciError({ code })
    const error = describe_(thrown)
    expect([error.kind, error.errorCode, error.retryable, error.message, error.cause]).toEqual([
      'network',
      code,
      retryable,
      `Could not reach Atlas at ${ORIGIN} (${code})`,
      thrown
    ])
  })

  it('says what happened when there is no code at all', () => {
    expect(describe_(new Error('other side closed')).message).toBe(
      `Could not reach Atlas at ${ORIGIN} (other side closed)`
    )
    expect(describe_('a string thrown').message).toBe(`Could not reach Atlas at ${ORIGIN} (a string thrown)`)
  })

  it('takes the innermost code of the first five errors in the chain, and no deeper', () => {
    const chain = (depth: number, code: string) => {
      let error: Error = Object.assign(new Error('root'), { code })
      for (let i = 1; i < depth; i++) error = new Error(`wrap ${i}`, { cause: error })
      return error
    }
    expect(describe_(chain(5, 'ECONNRESET')).errorCode).toBe('ECONNRESET')
    expect(describe_(chain(6, 'ECONNRESET')).errorCode).toBeUndefined()
    const outer = Object.assign(new Error('outer'), { code: 'UND_ERR_SOCKET' })
    const inner = Object.assign(new Error('inner'), { code: 'ECONNRESET' })
    expect(describe_(Object.assign(outer, { cause: inner })).errorCode).toBe('ECONNRESET')
  })

  it('reads the proxy status from any message of the chain, not only the first', () => {
    const thrown = new Error('fetch failed', {
      cause: new Error('wrap', { cause: new Error('Proxy response (502) !== 200') })
    })
    expect(describe_(thrown, { proxy: 'http://proxy:3128' }).errorCode).toBe('PROXY_502')
  })

  it('prefers the host name to the address it prepared to', () => {
    const error = describe_(undiciError({ code: 'ECONNREFUSED', hostname: 'proxy', address: '10.0.0.1' }), {
      proxy: 'http://proxy:3128'
    })
    expect(error.proxy).toBe('http://proxy:3128')
    const byAddress = describe_(undiciError({ code: 'ECONNREFUSED', hostname: 'atlas', address: '10.0.0.1' }), {
      proxy: 'http://10.0.0.1:3128'
    })
    expect(byAddress.proxy).toBeUndefined()
  })
})
