import type { AtlasResponse } from '../atlas/client.js'
import { AtlasError } from '../atlas/errors.js'
import type { StepError } from './step-error.js'
import { formatDuration } from './units.js'

// The schedule of requests, one-shot and wait mode alike: fetch, retry transient faults with
// backoff (never sooner than Retry-After), poll until a terminal state, and stop at the deadline
// or on cancellation. It knows neither GitHub nor which resource it polls (observe() reads the
// state); time comes from an injected clock.

export interface Clock {
  now(): number
  /** Resolves after ms, or early when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Calls callback after ms, without keeping the process alive; returns a function that cancels it. */
  timer(ms: number, callback: () => void): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  timer: (ms, callback) => {
    // unref: a bound left running (clean-up's, once it is done) must not hold the step open.
    const handle = setTimeout(callback, ms).unref()
    return () => clearTimeout(handle)
  },
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      // done() removes the listener itself, whichever of the two ends the sleep.
      signal?.addEventListener('abort', done)
    })
}

/** What polling follows in a document: its state, and the stage within it (a run's phase). */
export interface Observation {
  state?: string
  stage?: string
}

/** A change seen while polling: a new state or stage, or the start of a stretch of failed requests. */
export interface TimelineEntry extends Observation {
  /** ms since the first request. */
  at: number
  /** Set on the entry that starts a stretch of retries: the first error, faultName ("Atlas API 503"). */
  retrying?: string
}

export type PollEnding = 'finished' | 'timeout' | 'error' | 'cancelled'

/** The 429s of a schedule (or of a whole check): how many, and how long their waits took. */
export interface RateLimits {
  count: number
  waitedMs: number
}

/** Two tallies of 429s as one; undefined when neither has any. */
export function addRateLimits(a?: RateLimits, b?: RateLimits): RateLimits | undefined {
  if (!a || !b) return a ?? b
  return { count: a.count + b.count, waitedMs: a.waitedMs + b.waitedMs }
}

/** The log line of a 429: "Atlas rate-limited the request (Atlas API 429 RATE_LIMITED), 3 times so far; asking again in 12s." */
export function rateLimitedLine({
  error,
  count,
  delayMs
}: {
  error: AtlasError
  count: number
  delayMs: number
}): string {
  return `Atlas rate-limited the request (${faultName(error)}), ${count === 1 ? 'once' : `${count} times`} so far; asking again in ${formatDuration(delayMs)}.`
}

/** How polling ended; E is the error type (a whole check's may be a StepError: a step before it failed). */
export interface PollResult<E = AtlasError | StepError> {
  ending: PollEnding
  /** The last document Atlas returned, if any. */
  last?: AtlasResponse
  /** The error that ended polling, or the last transient one before a timeout; a StepError when a step before the check failed. */
  error?: E
  /**
   * Requests to Atlas that were sent (retries included; a failed token request sends none): this
   * schedule's own, and in the result of a whole check every request of it (the polls output).
   */
  polls: number
  /** Requests that were retries of a failed one. */
  retries: number
  /** Failed requests in a row at the end (what ended an error: "after 4 tries"). */
  failedInARow: number
  /** The HTTP status of the last answer, when the last request got one (a request cut short or refused on the way has none). */
  httpStatus?: number
  /** Set when Atlas asked to wait (Retry-After) past the deadline, so the action stopped without waiting: how long it asked. */
  unwaitedRetryAfterMs?: number
  /** Set when Atlas rate-limited requests (429): how many, and how long the waits for them took. */
  rateLimits?: RateLimits
  elapsedMs: number
  /** In the result of a whole check: true when Atlas answered some request of it (so baseUrl is not what failed). */
  atlasAnswered?: boolean
  /** Changes, first seen first. */
  timeline: TimelineEntry[]
  /** In the result of a whole check: its steps around the polling (lists, POSTs, waits), in order. */
  steps?: StepTime[]
}

/** A step around the check, for the timeline: what it did, when (ms since the check began), for how long. */
export interface StepTime {
  what: string
  at: number
  lasted: number
  requests: number
  /** What a wait saw last, in the words of its resource. */
  seen?: string
  /** Set on a step after the check's answer (reading what it points to, undoing on cancel). */
  after?: true
}

export interface PollOptions {
  fetch: (signal: AbortSignal) => Promise<AtlasResponse>
  /** Reads the state (and stage) from a document. */
  observe: (document: Record<string, unknown>) => Observation
  /** States after which the resource never changes again. */
  isTerminal: (state: string | undefined) => boolean
  /** false: stop at the first answer, whatever the state (one-shot). true: stop at a terminal state. */
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  clock?: Clock
  signal?: AbortSignal
  /** First retry waits about this long, doubling each time (with jitter). */
  backoffBaseMs?: number
  backoffCapMs?: number
  random?: () => number
  /** Failed requests in a row that end polling; default failureLimit(wait). 1: never retry (a POST). */
  maxFailures?: number
  /** After this long without a change, onHeartbeat says the wait goes on (default 5 minutes). */
  heartbeatMs?: number
  onChange?: (entry: TimelineEntry) => void
  onPoll?: (message: string) => void
  /** A transient fault that will be retried: the error, which retry comes next, of how many, and after how long. */
  onRetry?: (retry: { error: AtlasError; retry: number; of: number; delayMs: number }) => void
  /** A 429: the error, how many so far, and how long the wait before the next request is. */
  onRateLimited?: (limited: { error: AtlasError; count: number; delayMs: number }) => void
  /** A long quiet stretch of a wait: the current state, how long it has lasted, the next poll's delay. */
  onHeartbeat?: (beat: { current: TimelineEntry; sinceMs: number; nextPollMs: number }) => void
}

/**
 * A request is cut at the deadline, but one that starts close to it (the last poll lands on the
 * deadline) still gets this long to answer, so a run that finishes at the wire is seen.
 */
export const LAST_LOOK_MS = 2000

const HEARTBEAT_MS = 5 * 60_000

/**
 * Failed requests in a row that end the check (transient faults only; others end it at once).
 * One-shot: four tries in all. Wait mode: six failed polls in a row (about 30 s of backoff).
 */
export function failureLimit(wait: boolean): number {
  return wait ? 6 : 4
}

/** Equal-jitter exponential backoff: between half and all of base * 2^(failures-1), capped. */
export function backoffDelay(failures: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

/** Atlas's advice for a 429 without Retry-After: wait 10 s, then 20 s, 40 s, … (capped). */
export const RATE_LIMIT_FIRST_MS = 10_000
export const RATE_LIMIT_CAP_MS = 120_000

/**
 * The wait after the n-th 429 in a row: at least Retry-After (Atlas's 10 s when it sends none),
 * doubling with each 429 in a row up to RATE_LIMIT_CAP_MS (never below Retry-After), plus jitter of
 * up to half of that, so jobs that were refused together do not come back together.
 */
export function rateLimitDelay(inARow: number, retryAfterMs: number | undefined, random: () => number): number {
  const first = retryAfterMs ?? RATE_LIMIT_FIRST_MS
  const base = Math.max(retryAfterMs ?? 0, Math.min(RATE_LIMIT_CAP_MS, first * 2 ** Math.max(0, inARow - 1)))
  return Math.round(base + (base / 2) * random())
}

/** The interval to the next poll: doubled while Atlas says few requests remain in its window. */
export function pollDelay(intervalMs: number, response: AtlasResponse): number {
  const { limit, remaining } = response.rateLimit
  // Stryker disable next-line ConditionalExpression: without the guard, undefined <= n is false and gives the same interval
  if (remaining === undefined) return intervalMs
  const low = limit !== undefined ? remaining <= Math.max(1, Math.floor(limit / 10)) : remaining <= 1
  return low ? intervalMs * 2 : intervalMs
}

/** "Atlas API 503", "ECONNRESET": the start of an error, for a timeline row or a list of faults. */
export function faultName(error: AtlasError): string {
  if (error.status !== undefined) return `Atlas API ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}`
  return error.errorCode ?? error.kind
}

/** The state of one schedule: what was seen and counted so far, and how each answer or fault moves it on. */
class Schedule {
  readonly clock: Clock
  readonly start: number
  readonly deadline: number
  readonly limit: number
  readonly timeline: TimelineEntry[] = []
  last?: AtlasResponse
  lastError?: AtlasError
  httpStatus?: number
  polls = 0
  retries = 0
  failures = 0
  /** 429s: in all, in a row (they neither add to failures nor reset it), and the time waited on them. */
  rateLimited = 0
  rateLimitedInARow = 0
  rateLimitedMs = 0
  /** True when the next request retries one that failed or was rate-limited. */
  retrying = false
  lastNotice = 0

  constructor(readonly options: PollOptions) {
    this.clock = options.clock ?? systemClock
    this.start = this.clock.now()
    this.deadline = this.start + options.timeoutMs
    this.limit = options.maxFailures ?? failureLimit(options.wait)
  }

  result(ending: PollEnding, error?: AtlasError, extra: Partial<PollResult<AtlasError>> = {}): PollResult<AtlasError> {
    return {
      ending,
      last: this.last,
      error,
      polls: this.polls,
      retries: this.retries,
      failedInARow: this.failures,
      httpStatus: this.httpStatus,
      elapsedMs: this.clock.now() - this.start,
      timeline: this.timeline,
      ...(this.rateLimited > 0 ? { rateLimits: { count: this.rateLimited, waitedMs: this.rateLimitedMs } } : {}),
      ...extra
    }
  }

  record(entry: TimelineEntry): void {
    this.timeline.push(entry)
    this.lastNotice = entry.at
    this.options.onChange?.(entry)
  }

  /** An answer: the end of the schedule, or how long to wait before the next poll. */
  answered(response: AtlasResponse): PollResult<AtlasError> | number {
    const { options, timeline } = this
    this.polls += 1
    this.last = response
    this.lastError = undefined
    this.httpStatus = 200
    this.failures = 0
    this.rateLimitedInARow = 0
    this.retrying = false
    const { state, stage } = options.observe(response.document)
    const previous = timeline[timeline.length - 1]
    const at = this.clock.now() - this.start
    if (!previous || previous.state !== state || previous.stage !== stage) this.record({ at, state, stage })
    options.onPoll?.(`poll ${this.polls}: state ${state ?? '(none)'}${stage !== undefined ? `, ${stage}` : ''}`)
    if (!options.wait || options.isTerminal(state)) return this.result('finished')
    const delay = pollDelay(options.pollIntervalMs, response)
    if (at - this.lastNotice >= (options.heartbeatMs ?? HEARTBEAT_MS)) {
      this.lastNotice = at
      const current = timeline[timeline.length - 1]!
      options.onHeartbeat?.({ current, sinceMs: at - current.at, nextPollMs: delay })
    }
    return delay
  }

  /** A failed request: the end of the schedule, or how long to back off before trying again. */
  faulted(error: AtlasError, signal: AbortSignal, cut: AbortSignal): PollResult<AtlasError> | number {
    const { options, clock } = this
    if (!error.notSent) this.polls += 1
    this.httpStatus = error.status
    if (signal.aborted) return this.result('cancelled', this.lastError)
    if (cut.aborted) return this.result('timeout', this.lastError)
    if (error.kind === 'cancelled') return this.result('cancelled', this.lastError)
    this.lastError = error
    // Atlas saying "later": waited out until the deadline, never one of the faults that end a step.
    if (error.status === 429) return this.rateLimit(error)
    this.failures += 1
    options.onPoll?.(`request ${this.polls} failed (${this.failures} in a row): ${error.message}`)
    if (!error.retryable || this.failures >= this.limit) return this.result('error', error)
    const backoff = backoffDelay(
      this.failures,
      options.backoffBaseMs ?? 1000,
      options.backoffCapMs ?? 30_000,
      options.random ?? Math.random
    )
    const delay = Math.max(backoff, error.retryAfterMs ?? 0)
    const unwaited = this.unwaited(error)
    if (unwaited) return unwaited
    // The time lost to retries is shown as such, not credited to the state seen before (the state
    // after them then differs from this row, so it is recorded again).
    if (this.failures === 1 && this.rateLimitedInARow === 0 && this.timeline.length > 0)
      this.record({ at: clock.now() - this.start, retrying: faultName(error) })
    options.onRetry?.({
      error,
      retry: this.failures,
      of: this.limit - 1,
      delayMs: Math.min(delay, Math.max(0, this.deadline - clock.now()))
    })
    this.retrying = true
    return delay
  }

  /** The end of the schedule when Atlas asked for more patience (Retry-After) than the deadline leaves: waiting less would be ignored. */
  unwaited(error: AtlasError): PollResult<AtlasError> | undefined {
    // Stryker disable next-line ConditionalExpression: without the first test, now + undefined is NaN and NaN > deadline is false
    if (error.retryAfterMs !== undefined && this.clock.now() + error.retryAfterMs > this.deadline)
      return this.result('error', error, { unwaitedRetryAfterMs: error.retryAfterMs })
    return undefined
  }

  /** A 429: how long to wait before asking again (the end of the schedule only when Retry-After is past the deadline). */
  rateLimit(error: AtlasError): PollResult<AtlasError> | number {
    const { options, clock } = this
    this.rateLimited += 1
    this.rateLimitedInARow += 1
    options.onPoll?.(`request ${this.polls} rate-limited (${this.rateLimited} so far): ${error.message}`)
    const unwaited = this.unwaited(error)
    if (unwaited) return unwaited
    const delay = rateLimitDelay(this.rateLimitedInARow, error.retryAfterMs, options.random ?? Math.random)
    const waited = Math.min(delay, Math.max(0, this.deadline - clock.now()))
    this.rateLimitedMs += waited
    if (this.rateLimitedInARow === 1 && this.failures === 0 && this.timeline.length > 0)
      this.record({ at: clock.now() - this.start, retrying: faultName(error) })
    options.onRateLimited?.({ error, count: this.rateLimited, delayMs: waited })
    this.retrying = true
    return delay
  }
}

/**
 * Polls any resource by the schedule to its end: every ending is a PollResult. It throws only what
 * is not an AtlasError, a bug of ours, so that it reaches the "unexpected error" path instead of
 * being reported as something Atlas did.
 */
export async function pollUntilDone(options: PollOptions): Promise<PollResult<AtlasError>> {
  const schedule = new Schedule(options)
  const { clock, deadline } = schedule
  const signal = options.signal ?? new AbortController().signal
  for (;;) {
    if (signal.aborted) return schedule.result('cancelled', schedule.lastError)
    if (schedule.retrying) schedule.retries += 1
    // The overall deadline covers the request in flight too: cut it there (see LAST_LOOK_MS).
    const cut = new AbortController()
    const cancelCut = clock.timer(Math.max(deadline - clock.now(), LAST_LOOK_MS), () => cut.abort())
    let next: PollResult<AtlasError> | number
    try {
      next = schedule.answered(await options.fetch(AbortSignal.any([signal, cut.signal])))
    } catch (error) {
      if (!(error instanceof AtlasError)) throw error
      next = schedule.faulted(error, signal, cut.signal)
    } finally {
      cancelCut()
    }
    if (typeof next !== 'number') return next
    const left = deadline - clock.now()
    if (left <= 0) return schedule.result('timeout', schedule.lastError)
    // The last poll lands on the deadline, so a resource that finishes at the wire is still seen.
    await clock.sleep(Math.min(next, left), signal)
  }
}
