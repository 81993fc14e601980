import * as core from '@actions/core'

// How the runner cancels a job, and what the action does about it.

/** What a cancel signal stops: the work at the first, clean-up at the second. */
export interface Cancellation {
  /** Aborts at the first SIGINT or SIGTERM: the check stops, and its report is still written. */
  work: AbortSignal
  /** Aborts at the second: clean-up (the token revoke, the last commit status) is cut short. */
  cleanup: AbortSignal
  /** Removes the handlers. */
  dispose(): void
}

/**
 * The runner cancels a job with SIGINT, then SIGTERM about 7.5 s later, then a kill. The first
 * signal stops the check (the report is still written); a second one cuts clean-up short. The
 * handlers stay until the run ends: without them the next signal would kill the process unreported.
 */
export function listenForCancellation(): Cancellation {
  const work = new AbortController()
  const cleanup = new AbortController()
  const onSignal = (name: string): void => {
    if (!work.signal.aborted) {
      core.info(`Received ${name}: stopping.`)
      work.abort()
    } else {
      core.info(`Received ${name} again: skipping clean-up.`)
      cleanup.abort()
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    work: work.signal,
    cleanup: cleanup.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
