import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { AtlasError } from './errors.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  /** scheme://host[:port] */
  origin: string
  /** The request-target exactly as sent: already percent-encoded, never re-normalised. */
  path: string
  headers: Record<string, string>
  body?: string
  /** Aborts the request when the job is cancelled. */
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

const LOOPBACK_NO_PROXY = ['localhost', '127.0.0.1', '::1']

function proxyEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/**
 * The dispatcher: direct, or through the runner's proxy when HTTPS_PROXY/HTTP_PROXY are set.
 * Loopback always bypasses the proxy (as @actions/http-client does), which undici does not do
 * on its own.
 */
function createDispatcher(options: TransportOptions): Dispatcher {
  const timeouts = {
    connect: { timeout: options.requestTimeoutMs },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs
  }
  const httpsProxy = proxyEnv(options.env, 'https_proxy')
  const httpProxy = proxyEnv(options.env, 'http_proxy')
  if (httpsProxy === undefined && httpProxy === undefined) return new Agent(timeouts)
  const noProxy = [proxyEnv(options.env, 'no_proxy'), ...LOOPBACK_NO_PROXY].filter(Boolean).join(',')
  return new EnvHttpProxyAgent({ ...timeouts, httpsProxy, httpProxy, noProxy })
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

/** The innermost error code in a cause chain (undici wraps system errors), and all the messages. */
function errorDetails(error: unknown): { code?: string; messages: string } {
  let current: unknown = error
  let code: string | undefined
  const messages: string[] = []
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const own = (current as { code?: unknown }).code
    if (typeof own === 'string') code = own
    messages.push(current.message)
    current = current.cause
  }
  return { code, messages: messages.join(' / ') }
}

/** Turns whatever undici threw into an AtlasError that says what happened in plain words. */
function describeTransportError(error: unknown, request: HttpRequest, timedOut: boolean): AtlasError {
  if (error instanceof AtlasError) return error
  const where = request.origin
  if (request.signal?.aborted) {
    return new AtlasError(`The request to ${where} was cancelled`, { kind: 'cancelled' }, { cause: error })
  }
  const { code, messages } = errorDetails(error)
  // undici reports a proxy's refusal of CONNECT only in its message: "Proxy response (407) !== 200".
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(messages)?.[1]
  if (proxyStatus !== undefined) {
    return new AtlasError(
      `The proxy refused to connect to ${where} (HTTP ${proxyStatus})`,
      { kind: 'network', errorCode: `PROXY_${proxyStatus}`, retryable: Number(proxyStatus) >= 500 },
      { cause: error }
    )
  }
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new AtlasError(`Atlas at ${where} did not answer within the request timeout`, { kind: 'timeout', retryable: true }, { cause: error })
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return new AtlasError(`The TLS certificate of ${where} was not accepted (${code})`, { kind: 'network', errorCode: code }, { cause: error })
  }
  const permanent = code === 'ENOTFOUND' || code === 'ERR_INVALID_URL'
  const reason = code ?? (error instanceof Error ? error.message : String(error))
  return new AtlasError(`Could not reach Atlas at ${where} (${reason})`, { kind: 'network', errorCode: code, retryable: !permanent }, { cause: error })
}

async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number, origin: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      throw new AtlasError(`The response from ${origin} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; a pipeline run is a few KB, so this is not an Atlas answer`, {
        kind: 'protocol'
      })
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The undici transport: timeouts, proxies, bounded bodies, and redirects refused. */
export function createTransport(options: TransportOptions): Transport {
  const dispatcher = createDispatcher(options)
  return {
    async send(request) {
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
          throw new AtlasError(`Atlas answered ${status} with a redirect to ${target}; redirects are not followed so that credentials stay with ${new URL(request.origin).host}`, {
            kind: 'protocol',
            status,
            redirectHost: target
          })
        }
        const text = await readBounded(response.body, options.maxBodyBytes, request.origin)
        return { status, headers: response.headers, text }
      } catch (error) {
        throw describeTransportError(error, request, timeout.signal.aborted)
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      await dispatcher.close().catch(() => undefined)
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
