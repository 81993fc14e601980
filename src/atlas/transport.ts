import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { AtlasError } from './errors.js'
import { unsendableReason } from './header-text.js'
import { isLoopbackHost } from './loopback.js'
import { proxyAddress, proxyVariable } from './proxy-env.js'
import type { Transport } from './http.js'
import { describeTransportError } from './transport-errors.js'

export interface TransportOptions {
  /** Longest one request may take, from connect to the last body byte. */
  requestTimeoutMs: number
  /** Largest body read: the resource says how large its largest answer can be; past that it is not Atlas. */
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
  // undici's own bounds, at requestTimeout like the timer in send(), which ends a request first or
  // at the same moment: no test can tell these apart from undici's defaults.
  // Stryker disable next-line ObjectLiteral: see above
  const timeouts = {
    // Stryker disable next-line ObjectLiteral: see above
    connect: { timeout: options.requestTimeoutMs },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs
  }
  const direct = new Agent(timeouts)
  // Without a proxy, no proxy agent: it would read process.env by itself, which options.env is in the action.
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

async function readBounded(body: AsyncIterable<Buffer>, maxBytes: number, origin: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      throw new AtlasError(
        `The response from ${origin} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, more than any Atlas answer this action reads, so this is not an Atlas answer`,
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
          // Stryker disable next-line CallExpression: frees the connection at once; no answer depends on it
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
      // Stryker disable next-line ArrowFunction: a failed destroy is ignored either way
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
