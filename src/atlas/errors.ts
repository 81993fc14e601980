import type { ApiErrorBody } from './types.js'

/**
 * What went wrong talking to Atlas:
 * - api: Atlas answered with an error status (and usually an ApiError body);
 * - network: no usable answer (refused, reset, DNS, TLS);
 * - timeout: a request took longer than the request timeout;
 * - protocol: an answer we cannot use (not JSON, too large, a redirect, an unknown auth scheme);
 * - auth: the credentials were refused or could not be exchanged for a token;
 * - cancelled: the job was cancelled while the request was under way.
 */
export type AtlasErrorKind = 'api' | 'network' | 'timeout' | 'protocol' | 'auth' | 'cancelled'

export interface AtlasErrorFields {
  kind: AtlasErrorKind
  status?: number
  errorCode?: string
  detail?: string
  /** Parsed ApiError body, when Atlas sent one. */
  body?: ApiErrorBody
  /** True when the same request may succeed later (429, 5xx, resets, timeouts). */
  retryable?: boolean
  /** How long Atlas asked us to wait before trying again (Retry-After), in ms. */
  retryAfterMs?: number
  /** The host a redirect pointed to; credentials are never sent there. */
  redirectHost?: string
  /** The proxy (scheme://host:port) that could not be reached, when the failure was the proxy's. */
  proxy?: string
  /** True when the request for the resource was never sent (the token request before it failed). */
  notSent?: boolean
}

/** The one error type of the Atlas layer: what HTTP said (status, codes, body) or why there was no usable answer. */
export class AtlasError extends Error {
  readonly kind: AtlasErrorKind
  readonly status?: number
  readonly errorCode?: string
  readonly detail?: string
  readonly body?: ApiErrorBody
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly redirectHost?: string
  readonly proxy?: string
  readonly notSent: boolean

  constructor(message: string, fields: AtlasErrorFields, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AtlasError'
    this.kind = fields.kind
    this.status = fields.status
    this.errorCode = fields.errorCode
    this.detail = fields.detail
    this.body = fields.body
    this.retryable = fields.retryable ?? false
    this.retryAfterMs = fields.retryAfterMs
    this.redirectHost = fields.redirectHost
    this.proxy = fields.proxy
    this.notSent = fields.notSent ?? false
  }

  /** The same error, marked as one that came before the request for the resource was sent. */
  unsent(): AtlasError {
    return new AtlasError(this.message, { ...this, notSent: true }, { cause: this.cause })
  }
}

/** Statuses worth retrying: rate limits and the server-side faults Atlas or a proxy can pass through. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP-date names its day and month ("Sat, 28 Nov 2026 …"); Date.parse alone would take "-5" for a year.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * True for an Error from any realm. `instanceof Error` is false for errors made in another
 * realm (a vm context, as under jest), and the transport must read undici's errors wherever it runs.
 */
export function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]'
}

/** The message of anything thrown, for text shown to the user (never the stack). */
export function errorMessage(error: unknown): string {
  return isError(error) ? error.message : String(error)
}
