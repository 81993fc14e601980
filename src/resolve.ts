import type { AtlasClient } from './atlas/client.js'
import { AtlasError, type AtlasErrorKind } from './atlas/errors.js'
import { isObject } from './atlas/json.js'
import { pollRun, type Clock, type PollResult } from './poll.js'

// Steps that come before the check: finding "latest", choosing or taking a snapshot, starting an
// export. Each request is one of the check's own (same client, same retries of transient faults,
// same deadline); a resource's resolve() composes them and knows nothing of GitHub.

/** The errorCode of the error a step ends with when the overall deadline passes. */
export const DEADLINE = 'DEADLINE'

/** A step of the resolution, for messages and for the role a 403 names. */
export interface Step {
  /** "list the export jobs", "start the export" */
  what: string
  /** The Atlas role the step's requests need. */
  role: string
}

export interface StepOptions {
  query?: Record<string, string>
  body?: unknown
}

/** What a resource's resolve() may do. */
export interface Resolver {
  /** One request, transient faults retried (a POST is never retried: its fault may hide a success). */
  call(step: Step, segments: string[], options?: StepOptions): Promise<Record<string, unknown>>
  /** Every item of a paged list (itemsPerPage 500), bounded; the order is Atlas's, which promises none. */
  listAll(step: Step, segments: string[]): Promise<Record<string, unknown>[]>
  /** Polls a document until isDone says so, within the deadline. */
  waitFor(
    step: Step,
    segments: string[],
    isDone: (doc: Record<string, unknown>) => boolean
  ): Promise<Record<string, unknown>>
  /** A line for the log (at info level). */
  log(line: string): void
  /** The workflow run's variables, for provenance. */
  env: Record<string, string | undefined>
}

/** The largest page the spec allows, and how many pages a list may take before it is refused. */
export const ITEMS_PER_PAGE = 500
export const MAX_PAGES = 20

export interface ResolverOptions {
  client: AtlasClient
  signal: AbortSignal
  /** ms since the epoch (clock.now()) when the overall deadline passes. */
  deadline: number
  pollIntervalMs: number
  env: Record<string, string | undefined>
  log: (line: string) => void
  /** Counts every request sent, for the polls output. */
  onRequests: (sent: number) => void
  clock?: Clock
}

/** An error of a step's own making (nothing to export, an answer without an id), naming the step and its role. */
export function stepError(step: Step, kind: AtlasErrorKind, message: string): AtlasError {
  return new AtlasError(message, { kind, step: step.what, role: step.role })
}

/** The error a step ended with, as a thrown AtlasError that names the step and its role. */
function ended(result: PollResult, step: Step): AtlasError {
  if (result.ending === 'cancelled')
    return new AtlasError(`Cancelled while trying to ${step.what}`, {
      kind: 'cancelled',
      step: step.what,
      role: step.role
    })
  if (result.ending === 'timeout' || !result.error)
    return new AtlasError(`The deadline (timeout) passed while trying to ${step.what}`, {
      kind: 'timeout',
      errorCode: DEADLINE,
      step: step.what,
      role: step.role
    })
  return result.error.during(step.what, step.role)
}

export function createResolver(options: ResolverOptions): Resolver {
  const now = (): number => (options.clock ?? { now: Date.now }).now()
  async function poll(
    step: Step,
    segments: string[],
    stepOptions: StepOptions,
    wait: false | ((doc: Record<string, unknown>) => boolean)
  ) {
    const result = await pollRun({
      fetch: (signal) =>
        options.client.request(segments, `Atlas's answer to: ${step.what}`, { ...stepOptions, signal }),
      // Stryker disable next-line StringLiteral: any state but 'done' means not yet
      observe: (doc) => ({ state: wait && wait(doc) ? 'done' : 'waiting' }),
      isTerminal: (state) => state === 'done',
      wait: wait !== false,
      timeoutMs: Math.max(0, options.deadline - now()),
      pollIntervalMs: options.pollIntervalMs,
      signal: options.signal,
      clock: options.clock,
      // A POST whose answer was lost may have done its work: never repeat it blindly.
      ...(stepOptions.body !== undefined ? { maxFailures: 1 } : {})
    })
    options.onRequests(result.polls)
    if (result.ending !== 'finished' || !result.last) throw ended(result, step)
    return result.last.document
  }
  return {
    env: options.env,
    log: options.log,
    call: (step, segments, stepOptions = {}) => poll(step, segments, stepOptions, false),
    waitFor: (step, segments, isDone) => poll(step, segments, {}, isDone),
    async listAll(step, segments) {
      const items: Record<string, unknown>[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        const doc = await poll(
          step,
          segments,
          { query: { pageNum: String(page), itemsPerPage: String(ITEMS_PER_PAGE), includeCount: 'true' } },
          false
        )
        const results = Array.isArray(doc['results']) ? doc['results'].filter(isObject) : []
        items.push(...results)
        const total = typeof doc['totalCount'] === 'number' ? doc['totalCount'] : undefined
        // Stryker disable next-line ConditionalExpression: n >= undefined is false, as the guard says
        if (results.length < ITEMS_PER_PAGE || (total !== undefined && items.length >= total)) return items
      }
      throw new AtlasError(
        `Atlas lists more than ${MAX_PAGES * ITEMS_PER_PAGE} items while trying to ${step.what}; this action reads at most ${MAX_PAGES} pages of ${ITEMS_PER_PAGE}`,
        { kind: 'protocol', step: step.what, role: step.role }
      )
    }
  }
}

/** The newest of items by an ISO date field; undefined for an empty list. Items without a readable date count as oldest. */
export function newest(items: Record<string, unknown>[], field: string): Record<string, unknown> | undefined {
  const time = (item: Record<string, unknown>): number => {
    const value = item[field]
    const parsed = typeof value === 'string' ? Date.parse(value) : NaN
    return Number.isNaN(parsed) ? -Infinity : parsed
  }
  return items.reduce<Record<string, unknown> | undefined>(
    (best, item) => (best === undefined || time(item) > time(best) ? item : best),
    undefined
  )
}
