import type { AtlasError } from '../../src/atlas/errors.js'
import type { StepError } from '../../src/engine/step-error.js'
import type { PollResult } from '../../src/engine/poll.js'

/** How polling ended when Atlas answered with run (one request, 300 ms, its state seen once). */
export function finished(run: Record<string, unknown>, extra: Partial<PollResult> = {}): PollResult {
  return {
    ending: 'finished',
    last: { document: run, rateLimit: {} },
    polls: 1,
    retries: 0,
    failedInARow: 0,
    httpStatus: 200,
    elapsedMs: 300,
    timeline: [{ at: 0, state: run['state'] as string, stage: run['phase'] as string }],
    ...extra
  }
}

/** How polling ended on error (one request, 100 ms, no document). */
export function failed(error: AtlasError | StepError, extra: Partial<PollResult> = {}): PollResult {
  return {
    ending: 'error',
    error,
    polls: 1,
    retries: 0,
    failedInARow: 1,
    httpStatus: error.status,
    elapsedMs: 100,
    timeline: [],
    ...extra
  }
}
