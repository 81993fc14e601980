import type { ApiErrorBody } from './types.js'

/**
 * What went wrong talking to Atlas:
 * - api: Atlas answered with an error status (and usually an ApiError body);
 * - network: no usable answer (refused, reset, DNS, TLS);
 * - timeout: a request took longer than the request timeout;
 * - protocol: an answer we cannot use (not JSON, too large, a redirect, an unknown auth scheme);
 * - auth: the credentials were refused or could not be exchanged for a token;
 * - cancelled: the job was cancelled while the request was under way;
 * - empty: Atlas answered, but there is nothing to check (the list it read has nothing that fits);
 * - failed: what a step waited for ended badly.
 */
export type AtlasErrorKind = 'api' | 'network' | 'timeout' | 'protocol' | 'auth' | 'cancelled' | 'empty' | 'failed'

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
  /** The step the request was part of, when not the check itself: what it does, its role, its words. */
  step?: StepInfo
  /** The transient faults the step met in a row before it gave up ("Atlas API 503", "ECONNRESET"). */
  faults?: string[]
  /** What the step saw last, when it ran out of time while waiting (its describe() of the document). */
  lastSeen?: string
  /** The resource's own words for a failure of its making, instead of the engine's. */
  headline?: string
  hint?: string
}

/** A step around the check (a list, a POST, a wait), as its errors name it: data of the resource. */
export interface StepInfo {
  /** What it does, for "while trying to …": "list the items" */
  what: string
  /** The Atlas role its requests need (named on a 403). */
  role: string
  /** The resource version its requests send, when not the apiVersion input's. */
  apiVersion?: string
  /** What a failure of the step leaves behind, in a sentence. */
  note?: string
  /** Why running the job again is safe after it failed, in a clause. */
  rerun?: string
  /** What a 409 from it means and what to do about it. */
  conflict?: string
}

/** The one error type of the Atlas layer: it carries what the report needs to explain a failure. */
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
  readonly step?: StepInfo
  readonly faults?: string[]
  readonly lastSeen?: string
  readonly headline?: string
  readonly hint?: string

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
    this.step = fields.step
    this.faults = fields.faults
    this.lastSeen = fields.lastSeen
    this.headline = fields.headline
    this.hint = fields.hint
  }

  /** The same error, as part of a step that needs a role (so a 403 names that role), with what else is known of it. */
  during(step: StepInfo, extra: Pick<AtlasErrorFields, 'faults' | 'lastSeen'> = {}): AtlasError {
    return new AtlasError(this.message, { ...this, step, ...extra }, { cause: this.cause })
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
