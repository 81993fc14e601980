import type { AtlasError, AtlasErrorKind } from '../atlas/errors.js'

// How a step around the check failed, in the engine's terms: which step, the HTTP error it ended
// on (if any, as the Atlas layer reported it), the faults it rode out, what it saw last, and the
// resource's own words. The Atlas layer knows none of this; the verdict words it in one place.

/** A step around the check (a list, a POST, a wait), as its failures are worded: data of the resource. */
export interface Step {
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

/** The errorCode of the error a step ends with when the overall deadline passes. */
export const DEADLINE = 'DEADLINE'

/**
 * How a step ended: as its HTTP error did, or by itself: nothing fit what it looked for ('empty'),
 * or what it waited for failed ('failed').
 */
export type StepErrorKind = AtlasErrorKind | 'empty' | 'failed'

export interface StepErrorFields {
  /** Default: the HTTP error's kind. */
  kind?: StepErrorKind
  /** Default: the HTTP error's; DEADLINE when the deadline passed. */
  errorCode?: string
  /** The transient faults the step met in a row before it gave up ("Atlas API 503", "ECONNRESET"). */
  faults?: string[]
  /** What the step saw last, when it ran out of time while waiting (its describe() of the document). */
  lastSeen?: string
  /** The last fault before the deadline ended the step, when one came last. */
  lastFault?: AtlasError
  /** The resource's own words for a failure of its making, instead of the engine's. */
  headline?: string
  hint?: string
}

/** A step that failed. Its HTTP facts (status, retryable) are those of the error it ended on. */
export class StepError extends Error {
  readonly kind: StepErrorKind
  readonly errorCode?: string
  readonly faults?: string[]
  readonly lastSeen?: string
  readonly lastFault?: AtlasError
  readonly headline?: string
  readonly hint?: string

  constructor(
    message: string,
    readonly step: Step,
    fields: StepErrorFields,
    /** The HTTP error the step ended on, when it ended on one. */
    readonly http?: AtlasError
  ) {
    super(message, { cause: http })
    this.name = 'StepError'
    this.kind = fields.kind ?? http?.kind ?? 'failed'
    this.errorCode = fields.errorCode ?? http?.errorCode
    this.faults = fields.faults
    this.lastSeen = fields.lastSeen
    this.lastFault = fields.lastFault
    this.headline = fields.headline
    this.hint = fields.hint
  }

  get status(): number | undefined {
    return this.http?.status
  }

  get detail(): string | undefined {
    return this.http?.detail
  }

  get retryable(): boolean {
    return this.http?.retryable ?? false
  }
}
