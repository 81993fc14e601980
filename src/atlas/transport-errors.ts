import { AtlasError, errorMessage, isError } from './errors.js'
import type { HttpRequest } from './http.js'

// What undici threw, in plain words: a proxy's refusal, a proxy that could not be reached, a
// timeout, a certificate, or Atlas out of reach; and whether trying again may help.

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

/** True for the error codes of a certificate the runner did not accept. */
export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code)
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

interface ErrorDetails {
  /** The innermost error code in the cause chain (undici wraps system errors). */
  code?: string
  messages: string
  /** Where a system error was connecting to (address or host name, and port). */
  host?: string
  port?: number
}

/** The innermost code, host and port in an error's cause chain (5 deep), and all its messages. */
function errorDetails(error: unknown): ErrorDetails {
  const details: Omit<ErrorDetails, 'messages'> = {}
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; isError(current) && depth < 5; depth++) {
    const own = current as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown }
    if (typeof own.code === 'string') details.code = own.code
    if (typeof own.hostname === 'string') details.host = own.hostname
    else if (typeof own.address === 'string') details.host = own.address
    if (typeof own.port === 'number') details.port = own.port
    messages.push(current.message)
    current = current.cause
  }
  return { ...details, messages: messages.join(' / ') }
}

/** True when a connection error was about the proxy itself, not about Atlas behind it. */
function failedAtProxy(details: ErrorDetails, proxy: URL, origin: string): boolean {
  const proxyPort = portOf(proxy)
  if (details.host !== undefined && details.host === proxy.hostname) return true
  return details.port === proxyPort && proxyPort !== portOf(new URL(origin))
}

/** A URL's port, its scheme's default when none is written. */
function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80))
}

/** The proxy as it may be shown: scheme, host and port, never its credentials. */
function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/** Turns whatever undici threw into an AtlasError that says what happened in plain words. */
export function describeTransportError(
  error: unknown,
  request: HttpRequest,
  timedOut: boolean,
  proxy: URL | undefined
): AtlasError {
  if (error instanceof AtlasError) return error
  const where = request.origin
  if (request.signal?.aborted) {
    const reason: unknown = request.signal.reason
    if (reason instanceof AtlasError) return reason
    return new AtlasError(`The request to ${where} was cancelled`, { kind: 'cancelled' }, { cause: error })
  }
  const details = errorDetails(error)
  const { code, messages } = details
  // undici reports a proxy's refusal of CONNECT only in its message: "Proxy response (407) !== 200".
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(messages)?.[1]
  if (proxyStatus !== undefined) {
    return new AtlasError(
      `The proxy refused to connect to ${where} (HTTP ${proxyStatus})`,
      { kind: 'network', errorCode: `PROXY_${proxyStatus}`, retryable: Number(proxyStatus) >= 500 },
      { cause: error }
    )
  }
  if (proxy !== undefined && !timedOut && failedAtProxy(details, proxy, where)) {
    return new AtlasError(
      `Could not reach the proxy ${describeProxy(proxy)} on the way to ${where} (${code ?? 'no answer'})`,
      { kind: 'network', errorCode: code, retryable: code !== 'ENOTFOUND', proxy: describeProxy(proxy) },
      { cause: error }
    )
  }
  // A Set has no undefined: a missing code is simply not one of these.
  if (timedOut || TIMEOUT_CODES.has(code as string)) {
    return new AtlasError(
      `Atlas at ${where} did not answer within the request timeout`,
      { kind: 'timeout', retryable: true },
      { cause: error }
    )
  }
  if (TLS_CODES.has(code as string)) {
    return new AtlasError(
      `The TLS certificate of ${where} was not accepted (${code})`,
      { kind: 'network', errorCode: code },
      { cause: error }
    )
  }
  const permanent = code === 'ENOTFOUND' || code === 'ERR_INVALID_URL'
  const reason = code ?? errorMessage(error)
  return new AtlasError(
    `Could not reach Atlas at ${where} (${reason})`,
    { kind: 'network', errorCode: code, retryable: !permanent },
    { cause: error }
  )
}
