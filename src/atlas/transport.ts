import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { AtlasError, errorMessage, isError } from './errors.js'
import { unsendableReason } from './header-text.js'
import { isLoopbackHost } from './loopback.js'
import { proxyAddress, proxyVariable } from './proxy-env.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  /** scheme://host[:port] */
  origin: string
  /** The request-target exactly as sent: already percent-encoded, never re-normalised. */
  path: string
  headers: Record<string, string>
  body?: string
  /**
   * Aborts the request (cancellation, the overall deadline, a clean-up bound). An AtlasError as
   * the abort reason is what the request then fails with; any other reason means cancelled.
   */
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** Sends one HTTP request and reads its whole (bounded) body. One implementation per process. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
  close(): Promise<void>
}

export interface TransportOptions {
  /** Longest one request may take, from connect to the last body byte. */
  requestTimeoutMs: number
  /** Largest body we read; a run document is a few KB, so anything near this is not Atlas. */
  maxBodyBytes: number
  /** Proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, any case), usually process.env. */
  env: Record<string, string | undefined>
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024

/** The runner's proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, any case). */
interface ProxySettings {
  httpsProxy?: string
  httpProxy?: string
  noProxy?: string
}

/** The proxy a request to origin would use, NO_PROXY aside (as undici picks: https falls back to HTTP_PROXY). */
function proxyFor(proxies: ProxySettings, origin: string): URL | undefined {
  const value = origin.startsWith('https:') ? (proxies.httpsProxy ?? proxies.httpProxy) : proxies.httpProxy
  return value === undefined ? undefined : new URL(value)
}

interface Route {
  dispatcher: Dispatcher
  /** The proxy configured for this origin, when the request goes through one (NO_PROXY is undici's to apply). */
  proxy?: URL
}

/**
 * The dispatchers: direct, and through the runner's proxy when HTTPS_PROXY/HTTP_PROXY are set.
 * Loopback always goes direct (as @actions/http-client does; a proxy cannot reach the runner's
 * loopback), decided here by the same definition that lets baseUrl use plain http to loopback.
 */
function createRouter(
  options: TransportOptions,
  proxies: ProxySettings
): { route(origin: string): Route; all: Dispatcher[] } {
  const timeouts = {
    connect: { timeout: options.requestTimeoutMs },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs
  }
  const direct = new Agent(timeouts)
  if (proxies.httpsProxy === undefined && proxies.httpProxy === undefined)
    return { route: () => ({ dispatcher: direct }), all: [direct] }
  const proxied = new EnvHttpProxyAgent({ ...timeouts, ...proxies })
  return {
    route: (origin) =>
      isLoopbackHost(new URL(origin).hostname)
        ? { dispatcher: direct }
        : { dispatcher: proxied, proxy: proxyFor(proxies, origin) },
    all: [direct, proxied]
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

interface ErrorDetails {
  /** The innermost error code in the cause chain (undici wraps system errors). */
  code?: string
  messages: string
  /** Where a system error was connecting to (address or host name, and port). */
  host?: string
  port?: number
}

function errorDetails(error: unknown): ErrorDetails {
  let current: unknown = error
  const details: ErrorDetails = { messages: '' }
  const messages: string[] = []
  for (let depth = 0; isError(current) && depth < 5; depth++) {
    const own = current as { code?: unknown; hostname?: unknown; address?: unknown; port?: unknown }
    if (typeof own.code === 'string') details.code = own.code
    if (typeof own.hostname === 'string') details.host = own.hostname
    else if (typeof own.address === 'string') details.host = own.address
    if (typeof own.port === 'number') details.port = own.port
    messages.push(current.message)
    current = current.cause
  }
  details.messages = messages.join(' / ')
  return details
}

/** True when a connection error was about the proxy itself, not about Atlas behind it. */
function failedAtProxy(details: ErrorDetails, proxy: URL, origin: string): boolean {
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80))
  const originUrl = new URL(origin)
  const originPort = Number(originUrl.port || (originUrl.protocol === 'https:' ? 443 : 80))
  if (details.host !== undefined && details.host === proxy.hostname) return true
  return details.port === proxyPort && proxyPort !== originPort
}

/** The proxy as it may be shown: scheme, host and port, never its credentials. */
function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/** Turns whatever undici threw into an AtlasError that says what happened in plain words. */
function describeTransportError(
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
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new AtlasError(
      `Atlas at ${where} did not answer within the request timeout`,
      { kind: 'timeout', retryable: true },
      { cause: error }
    )
  }
  if (code !== undefined && TLS_CODES.has(code)) {
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

async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number, origin: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      throw new AtlasError(
        `The response from ${origin} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; a pipeline run is a few KB, so this is not an Atlas answer`,
        {
          kind: 'protocol'
        }
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The undici transport: timeouts, proxies, bounded bodies, and redirects refused. */
export function createTransport(options: TransportOptions): Transport {
  const proxies: ProxySettings = {
    httpsProxy: proxyAddress(options.env, 'https_proxy'),
    httpProxy: proxyAddress(options.env, 'http_proxy'),
    noProxy: proxyVariable(options.env, 'no_proxy')?.value
  }
  const router = createRouter(options, proxies)
  return {
    async send(request) {
      for (const [name, value] of Object.entries(request.headers)) {
        const problem = unsendableReason(value)
        // A value from Atlas (a nonce, a token) that undici would refuse: an answer we cannot use.
        if (problem)
          throw new AtlasError(
            `The ${name} header for ${request.origin} would contain ${problem}, so the request cannot be sent`,
            { kind: 'protocol' }
          )
      }
      const { dispatcher, proxy } = router.route(request.origin)
      // A timer we clear, not AbortSignal.timeout: in a long wait those would pile up until they fire.
      const timeout = new AbortController()
      const timer = setTimeout(() => timeout.abort(), options.requestTimeoutMs)
      const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal
      try {
        const response = await dispatcher.request({
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal
        })
        const status = response.statusCode
        // Errors while reading reach us through the iterator below; a body we drop on purpose
        // (a redirect, an oversized answer) must not crash the process with an 'error' event.
        response.body.on('error', () => undefined)
        if (status >= 300 && status < 400) {
          response.body.destroy()
          // Following a redirect would send credentials to wherever it points: refuse and say where.
          const location = response.headers['location']
          const target = typeof location === 'string' ? safeHost(location, request.origin) : 'an unknown place'
          throw new AtlasError(
            `Atlas answered ${status} with a redirect to ${target}; redirects are not followed so that credentials stay with ${new URL(request.origin).host}`,
            {
              kind: 'protocol',
              status,
              redirectHost: target
            }
          )
        }
        const text = await readBounded(response.body, options.maxBodyBytes, request.origin)
        return { status, headers: response.headers, text }
      } catch (error) {
        throw describeTransportError(error, request, timeout.signal.aborted, proxy)
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      // destroy, not close: nothing of ours is still in flight, and close would wait on whatever is.
      await Promise.all(router.all.map((d) => d.destroy().catch(() => undefined)))
    }
  }
}

function safeHost(location: string, base: string): string {
  try {
    return new URL(location, base).host
  } catch {
    return 'an unreadable location'
  }
}

/** A header's single value (undici gives arrays for repeated headers). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Every value of a header, for headers that may repeat (WWW-Authenticate). */
export function headerValues(headers: HttpResponse['headers'], name: string): string[] {
  const value = headers[name.toLowerCase()]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}
