import type { AtlasClient, AtlasResponse } from '../atlas/client.js'
import { AtlasError, type AtlasErrorKind } from '../atlas/errors.js'
import { DEADLINE, StepError, type Step, type StepErrorFields } from './step-error.js'
import { isObject } from '../atlas/json.js'
import type { Explanation } from './text.js'
import { formatDuration } from './units.js'
import {
  failureLimit,
  faultName,
  pollUntilDone,
  rateLimitedLine,
  type Clock,
  type PollResult,
  type RateLimits
} from './poll.js'

// Steps around the check, which a resource composes: finding "latest", making what it checks,
// reading what it points to. Each request is one of the check's own (same client, same retries of
// transient faults, same deadline); a resource's prepare() composes them and knows nothing of GitHub.

export interface StepOptions {
  query?: Record<string, string>
  /** DELETE instead of GET (cancelling what a step started): answered 204, without a document. */
  method?: 'DELETE'
}

/** A step before the check that did something worth showing in the summary: "<what> `<id>`: <how>". */
export interface StepRecord {
  /** What kind of thing: the resource's word for it. */
  what: string
  /** The id it is about, as Atlas sent it. */
  id: string
  /** How it came to be, in a few words: "taken by this step, completed". */
  how: string
}

/** The steps toolkit: what a resource's prepare() and followUp() may do. */
export interface Steps {
  /** One request (GET, or DELETE), transient faults retried. */
  call(step: Step, segments: string[], options?: StepOptions): Promise<Record<string, unknown>>
  /**
   * A POST that makes something in Atlas. It rides out transient faults as every
   * step does (the same backoff and count, within the deadline), but a lost answer may hide a
   * success: before each resend, findDone() looks for the work, and what it finds is the answer.
   */
  post(
    step: Step,
    segments: string[],
    body: unknown,
    findDone: () => Promise<Record<string, unknown> | undefined>
  ): Promise<Record<string, unknown>>
  /**
   * Every item of a paged list (itemsPerPage 500), bounded; the order is Atlas's, which promises
   * none. paged: false for a list the spec gives no paging parameters (one request).
   */
  listAll(step: Step, segments: string[], options?: { paged?: boolean }): Promise<Record<string, unknown>[]>
  /**
   * Polls a document until isDone says so, within the deadline. describe(doc) says what was seen
   * in words: logged on each change, and named if the deadline passes first.
   */
  waitFor(
    step: Step,
    segments: string[],
    isDone: (doc: Record<string, unknown>) => boolean,
    describe?: (doc: Record<string, unknown>) => string
  ): Promise<Record<string, unknown>>
  /** A line for the log (at info level). */
  log(line: string): void
  /** A step done, for the summary: kept even when a later step fails. */
  record(done: StepRecord): void
  /** The workflow run's variables, for provenance. */
  env: Record<string, string | undefined>
}

/** The largest page the spec allows, and how many pages a list may take before it is refused. */
export const ITEMS_PER_PAGE = 500
export const MAX_PAGES = 20

export interface StepsOptions {
  client: AtlasClient
  signal: AbortSignal
  /** ms since the epoch (clock.now()) when the overall deadline passes. */
  deadline: number
  pollIntervalMs: number
  env: Record<string, string | undefined>
  log: (line: string) => void
  /** Steps done, for the summary (default: not kept). */
  record?: (done: StepRecord) => void
  /** Sees every document a step receives, as it arrives (to mask the credentials it holds). */
  seen?: (doc: Record<string, unknown>) => void
  /** Hears each request of a step (or each wait) as it ends: when it began and ended (clock.now()), and what it saw. */
  onStep?: (step: { what: string; began: number; ended: number; requests: number; seen?: string }) => void
  /** Counts every request sent, for the polls output. */
  onRequests: (sent: number, rateLimits?: RateLimits) => void
  clock?: Clock
}

/**
 * An error of a step's own making, naming the step: nothing fits ('empty'), what it waited for
 * failed ('failed'), both with the resource's words (headline, hint); or an answer it cannot use
 * ('protocol'), which the engine words.
 */
export function stepError(
  step: Step,
  kind: 'empty' | 'failed',
  message: string,
  words: Required<Pick<StepErrorFields, 'headline' | 'hint'>>
): StepError
export function stepError(step: Step, kind: Exclude<AtlasErrorKind, 'cancelled'>, message: string): StepError
export function stepError(
  step: Step,
  kind: 'empty' | 'failed' | Exclude<AtlasErrorKind, 'cancelled'>,
  message: string,
  words: Pick<StepErrorFields, 'headline' | 'hint'> = {}
): StepError {
  if (kind === 'empty' || kind === 'failed') return new StepError(message, step, { kind, ...words })
  return new StepError(message, step, {}, new AtlasError(message, { kind }))
}

/**
 * The PollResult of a check that never got to poll, because a step before it failed: its ending
 * is the step's (cancelled, timeout at the deadline, or error), and the error names the step.
 */
export function stepFailureResult(
  error: StepError,
  requests: number,
  elapsedMs: number,
  rateLimits?: RateLimits
): PollResult {
  const ending = error.kind === 'cancelled' ? 'cancelled' : error.errorCode === DEADLINE ? 'timeout' : 'error'
  return {
    ending,
    error,
    polls: requests,
    retries: 0,
    failedInARow: 1,
    httpStatus: error.status,
    elapsedMs,
    timeline: [],
    ...(rateLimits ? { rateLimits } : {})
  }
}

/** The error a step ended with: the step, the faults it met and what it saw last, on the HTTP error it ended on. */
function endingError(
  result: PollResult<AtlasError>,
  step: Step,
  faults: string[],
  lastSeen: string | undefined
): StepError {
  if (result.ending === 'cancelled')
    return new StepError(`Cancelled while trying to ${step.what}`, step, { kind: 'cancelled', lastSeen })
  if (result.ending === 'timeout' || !result.error)
    return new StepError(`The deadline (timeout) passed while trying to ${step.what}`, step, {
      kind: 'timeout',
      errorCode: DEADLINE,
      faults,
      lastSeen,
      lastFault: result.error
    })
  return new StepError(result.error.message, step, { faults }, result.error)
}

/** How a step asks: its options, and for a wait, when it is done and how to say what it saw. */
interface StepRequest {
  stepOptions: StepOptions & { body?: unknown }
  isDone: false | ((doc: Record<string, unknown>) => boolean)
  describe?: (doc: Record<string, unknown>) => string
  /** A POST's look for its work before it is sent again. */
  findDone?: () => Promise<Record<string, unknown> | undefined>
}

/**
 * What a step sends: its request, or, when a POST goes again after a lost answer, a look for its
 * work first (findDone), whose find is the answer; found() hears that.
 */
function stepFetch(
  options: StepsOptions,
  step: Step,
  segments: string[],
  { stepOptions, findDone }: Pick<StepRequest, 'stepOptions' | 'findDone'>,
  found: () => void
): (signal: AbortSignal) => Promise<AtlasResponse> {
  let sent = 0
  return async (signal) => {
    if (sent++ > 0 && findDone) {
      const done = await findDone()
      if (done) {
        found()
        const id = typeof done['id'] === 'string' ? done['id'] : 'no id'
        options.log(`Atlas has it already (${id}): the request to ${step.what} is not sent again.`)
        return { document: done, rateLimit: {} }
      }
      options.log(`Atlas lists no such thing yet; sending the request to ${step.what} again.`)
    }
    return options.client.request(segments, `Atlas's answer to: ${step.what}`, {
      ...stepOptions,
      apiVersion: step.apiVersion,
      signal
    })
  }
}

/**
 * One request of a step (or a wait, polling until isDone), on the schedule of the check: the same
 * retries and deadline. Its error names the step, the faults it met and what it saw last.
 */
async function sendStep(
  options: StepsOptions,
  step: Step,
  segments: string[],
  { stepOptions, isDone, describe, findDone }: StepRequest
): Promise<Record<string, unknown>> {
  const clock = options.clock ?? { now: Date.now }
  const now = clock.now()
  // The transient faults met in a row, for the message if the step gives up on them.
  let faults: string[] = []
  let seen: Record<string, unknown> | undefined
  // Set when findDone() found the work of a POST whose answer was lost: no request was sent for it.
  let found = false
  const result = await pollUntilDone({
    fetch: stepFetch(options, step, segments, { stepOptions, findDone }, () => (found = true)),
    observe: (doc) => {
      options.seen?.(doc)
      seen = doc
      faults = []
      // Stryker disable next-line StringLiteral: any state but 'done' means not yet
      return { state: isDone && isDone(doc) ? 'done' : describe ? describe(doc) : 'waiting' }
    },
    isTerminal: (state) => state === 'done',
    wait: isDone !== false,
    timeoutMs: Math.max(0, options.deadline - now),
    pollIntervalMs: options.pollIntervalMs,
    signal: options.signal,
    clock: options.clock,
    // Every step rides out faults as a wait does; a POST whose answer was lost may have done its
    // work, so it is sent again only after findDone() found nothing.
    maxFailures: failureLimit(true),
    onChange: (entry) => {
      if (describe && seen && entry.retrying === undefined)
        options.log(`[+${formatDuration(entry.at)}] ${describe(seen)}`)
    },
    onRetry: ({ error, retry, of, delayMs }) => {
      faults.push(faultName(error))
      options.log(`${error.message} (${step.what}); retry ${retry} of ${of} in ${formatDuration(delayMs)}`)
    },
    onRateLimited: (limited) => options.log(`${rateLimitedLine(limited).replace(/\.$/, '')} (${step.what}).`)
  })
  const requests = result.polls - (found ? 1 : 0)
  options.onRequests(requests, result.rateLimits)
  const lastSeen = seen && describe ? describe(seen) : undefined
  options.onStep?.({
    what: step.what,
    began: now,
    ended: clock.now(),
    requests,
    ...(lastSeen ? { seen: lastSeen } : {})
  })
  if (result.ending !== 'finished' || !result.last) {
    if (result.error && result.ending === 'error') faults.push(faultName(result.error))
    throw endingError(result, step, faults, lastSeen)
  }
  return result.last.document
}

export function createSteps(options: StepsOptions): Steps {
  const poll = (
    step: Step,
    segments: string[],
    stepOptions: StepOptions,
    isDone: StepRequest['isDone'],
    describe?: StepRequest['describe']
  ): Promise<Record<string, unknown>> => sendStep(options, step, segments, { stepOptions, isDone, describe })
  return {
    env: options.env,
    log: options.log,
    record: (done) => options.record?.(done),
    call: (step, segments, stepOptions = {}) => poll(step, segments, stepOptions, false),
    post: (step, segments, body, findDone) =>
      sendStep(options, step, segments, { stepOptions: { body }, isDone: false, findDone }),
    waitFor: (step, segments, isDone, describe) => poll(step, segments, {}, isDone, describe),
    async listAll(step, segments, { paged = true } = {}) {
      const items: Record<string, unknown>[] = []
      const results = (doc: Record<string, unknown>): Record<string, unknown>[] =>
        Array.isArray(doc['results']) ? doc['results'].filter(isObject) : []
      if (!paged) return results(await poll(step, segments, {}, false))
      for (let page = 1; page <= MAX_PAGES; page++) {
        const doc = await poll(
          step,
          segments,
          { query: { pageNum: String(page), itemsPerPage: String(ITEMS_PER_PAGE), includeCount: 'true' } },
          false
        )
        const onPage = results(doc)
        items.push(...onPage)
        const total = typeof doc['totalCount'] === 'number' ? doc['totalCount'] : undefined
        // Stryker disable next-line ConditionalExpression: n >= undefined is false, as the guard says
        if (onPage.length < ITEMS_PER_PAGE || (total !== undefined && items.length >= total)) return items
      }
      throw stepError(
        step,
        'protocol',
        `Atlas lists more than ${MAX_PAGES * ITEMS_PER_PAGE} items while trying to ${step.what}; this action reads at most ${MAX_PAGES} pages of ${ITEMS_PER_PAGE}`
      )
    }
  }
}

/** Where an item's creation date is: a field holding an ISO date, or a reading of it (from its id). */
export type DateOf = string | ((item: Record<string, unknown>) => string | undefined)

const dateOf = (item: Record<string, unknown>, date: DateOf): unknown =>
  typeof date === 'string' ? item[date] : date(item)

/**
 * The newest of items by an ISO date (a field, or read from the item); undefined for an empty list.
 * Items without a readable date count as oldest, or as newest with undated: 'newest' (for
 * documents that get their date only when they are done, so one without it is younger than every
 * one with it).
 */
export function newest(
  items: Record<string, unknown>[],
  date: DateOf,
  undated: 'oldest' | 'newest' = 'oldest'
): Record<string, unknown> | undefined {
  const time = (item: Record<string, unknown>): number => {
    const value = dateOf(item, date)
    const parsed = typeof value === 'string' ? Date.parse(value) : NaN
    return Number.isNaN(parsed) ? (undated === 'newest' ? Infinity : -Infinity) : parsed
  }
  return items.reduce<Record<string, unknown> | undefined>(
    (best, item) => (best === undefined || time(item) > time(best) ? item : best),
    undefined
  )
}

/** What findLatest() looks for, and what it says about it. */
export interface LatestQuery {
  /** The field of an item that holds its id, and where its creation date is. */
  idField: string
  dateField: DateOf
  /** Only the items that fit count (all by default). */
  fits?: (item: Record<string, unknown>) => boolean
  /** The item in words, for the log: the resource's word for it. */
  label: string
  /** Which items fit, in words, when not all do ("to …"). */
  among?: string
  /** The kind of item, for the summary, capitalised. */
  what: string
  /** What to say when no item fits: the message, its headline and what to do. */
  none: Required<Explanation>
}

/**
 * "latest": lists every item, and takes the newest one that has an id (and fits) by its creation
 * date; says which in the log and the summary, or fails the step when there is none.
 */
export async function findLatest(
  steps: Steps,
  step: Step,
  segments: string[],
  query: LatestQuery
): Promise<{ id: string; item: Record<string, unknown> }> {
  const items = await steps.listAll(step, segments)
  // An item without an id cannot be checked: the newest of those that have one.
  const found = newest(
    items.filter((item) => typeof item[query.idField] === 'string' && (query.fits?.(item) ?? true)),
    query.dateField
  )
  const id = found?.[query.idField] as string | undefined
  if (found === undefined || id === undefined)
    throw stepError(step, 'empty', query.none.message, { headline: query.none.headline, hint: query.none.hint })
  const date = dateOf(found, query.dateField)
  const created = typeof date === 'string' ? date : 'at an unknown time'
  const among = query.among ? ` ${query.among}` : ''
  steps.log(`Newest ${query.label}${among}: ${id}, created ${created} (1 of ${items.length}).`)
  steps.record({ what: query.what, id, how: `the newest${among}, created ${created} (of ${items.length} listed)` })
  return { id, item: found }
}
