import { AtlasError } from './atlas/errors.js'
import type { RunResponse } from './atlas/client.js'
import { isTerminal } from './atlas/types.js'

// The schedule of requests, one-shot and wait mode alike: fetch, retry transient faults with
// backoff (never sooner than Retry-After), poll until a terminal state, and stop at the deadline
// or on cancellation. It knows nothing of GitHub; time comes from an injected clock.

export interface Clock {
  now(): number
  /** Resolves after ms, or early when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Calls callback after ms; returns a function that cancels it. */
  timer(ms: number, callback: () => void): () => void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  timer: (ms, callback) => {
    const handle = setTimeout(callback, ms)
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
      signal?.addEventListener('abort', done, { once: true })
    })
}

export interface TimelineEntry {
  /** ms since the first request. */
  at: number
  state?: string
  phase?: string
}

export type PollEnding = 'finished' | 'timeout' | 'error' | 'cancelled'

export interface PollResult {
  ending: PollEnding
  /** The last run Atlas returned, if any. */
  last?: RunResponse
  /** The error that ended polling, or the last transient one before a timeout. */
  error?: AtlasError
  /** Requests for the run that got an answer or failed (retries included). */
  polls: number
  /** The HTTP status of the last answer, when the last request got one (a request cut short or refused on the way has none). */
  httpStatus?: number
  /** Set when Atlas asked to wait (Retry-After) past the deadline, so the action stopped without waiting: how long it asked. */
  unwaitedRetryAfterMs?: number
  elapsedMs: number
  /** State and phase changes, first seen first. */
  timeline: TimelineEntry[]
}

export interface PollOptions {
  fetch: (signal: AbortSignal) => Promise<RunResponse>
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
  onChange?: (entry: TimelineEntry) => void
  onPoll?: (message: string) => void
  /** A transient fault that will be retried: the error, which retry comes next, of how many, and after how long. */
  onRetry?: (retry: { error: AtlasError; retry: number; of: number; delayMs: number }) => void
}

/**
 * A request is cut at the deadline, but one that starts close to it (the last poll lands on the
 * deadline) still gets this long to answer, so a run that finishes at the wire is seen.
 */
export const LAST_LOOK_MS = 2000

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

/** The interval to the next poll: doubled while Atlas says few requests remain in its window. */
export function pollDelay(intervalMs: number, response: RunResponse): number {
  const { limit, remaining } = response.rateLimit
  if (remaining === undefined) return intervalMs
  const low = limit !== undefined ? remaining <= Math.max(1, Math.floor(limit / 10)) : remaining <= 1
  return low ? intervalMs * 2 : intervalMs
}

/**
 * Runs the schedule to its end: every ending is a PollResult. It throws only what is not an
 * AtlasError, a bug of ours, so that it reaches the "unexpected error" path instead of being
 * reported as something Atlas did.
 */
export async function pollRun(options: PollOptions): Promise<PollResult> {
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const baseMs = options.backoffBaseMs ?? 1000
  const capMs = options.backoffCapMs ?? 30_000
  const signal = options.signal ?? new AbortController().signal
  const start = clock.now()
  const deadline = start + options.timeoutMs
  const timeline: TimelineEntry[] = []
  let last: RunResponse | undefined
  let lastError: AtlasError | undefined
  let httpStatus: number | undefined
  let polls = 0
  let failures = 0
  const limit = failureLimit(options.wait)
  const result = (ending: PollEnding, error?: AtlasError, extra: Partial<PollResult> = {}): PollResult => ({
    ending,
    last,
    error,
    polls,
    httpStatus,
    elapsedMs: clock.now() - start,
    timeline,
    ...extra
  })

  for (;;) {
    if (signal.aborted) return result('cancelled', lastError)
    let delay: number
    // The overall deadline covers the request in flight too: cut it there (see LAST_LOOK_MS).
    const cut = new AbortController()
    const cancelCut = clock.timer(Math.max(deadline - clock.now(), LAST_LOOK_MS), () => cut.abort())
    try {
      polls += 1
      const response = await options.fetch(AbortSignal.any([signal, cut.signal]))
      last = response
      lastError = undefined
      httpStatus = 200
      failures = 0
      const { state, phase } = response.run
      const previous = timeline[timeline.length - 1]
      if (!previous || previous.state !== state || previous.phase !== phase) {
        const entry = { at: clock.now() - start, state, phase }
        timeline.push(entry)
        options.onChange?.(entry)
      }
      options.onPoll?.(`poll ${polls}: state ${state ?? '(none)'}, phase ${phase ?? '(none)'}`)
      if (!options.wait || isTerminal(state)) return result('finished')
      delay = pollDelay(options.pollIntervalMs, response)
    } catch (error) {
      if (!(error instanceof AtlasError)) throw error
      httpStatus = error.status
      if (signal.aborted) return result('cancelled', lastError)
      if (cut.signal.aborted) return result('timeout', lastError)
      if (error.kind === 'cancelled') return result('cancelled', lastError)
      lastError = error
      failures += 1
      options.onPoll?.(`poll ${polls} failed (${failures} in a row): ${error.message}`)
      if (!error.retryable || failures >= limit) return result('error', error)
      delay = Math.max(backoffDelay(failures, baseMs, capMs, random), error.retryAfterMs ?? 0)
      // Atlas asked for more patience than the deadline leaves: waiting less would be ignored.
      if (error.retryAfterMs !== undefined && clock.now() + error.retryAfterMs > deadline)
        return result('error', error, { unwaitedRetryAfterMs: error.retryAfterMs })
      options.onRetry?.({
        error,
        retry: failures,
        of: limit - 1,
        delayMs: Math.min(delay, Math.max(0, deadline - clock.now()))
      })
    } finally {
      cancelCut()
    }
    const left = deadline - clock.now()
    if (left <= 0) return result('timeout', lastError)
    // The last poll lands on the deadline, so a run that finishes at the wire is still seen.
    await clock.sleep(Math.min(delay, left), signal)
  }
}
