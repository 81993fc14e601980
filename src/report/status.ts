import { errorMessage } from '../atlas/errors.js'
import type { PollEnding } from '../engine/poll.js'
import type { StatusSettings } from '../engine/settings.js'
import { oneLine } from '../engine/text.js'

// Commit statuses for required checks. @actions/github (octokit, about 1 MB) is imported only
// here and only when a status is posted, so a plain check never loads it.

export type CommitState = 'pending' | 'success' | 'failure' | 'error'

/** The final status: failure when the run ended badly, error when we could not tell (Atlas error, timeout, cancelled). */
export function commitState(passed: boolean, ending: PollEnding): CommitState {
  if (passed) return 'success'
  return ending === 'finished' ? 'failure' : 'error'
}

/** GitHub caps a status description at 140 characters. */
const MAX_DESCRIPTION = 140

/** Posts one status on the commit the workflow runs for (a pull request's head, not its merge commit). */
async function createStatus(
  settings: StatusSettings,
  state: CommitState,
  description: string,
  signal: AbortSignal
): Promise<void> {
  const { context, getOctokit } = await import('@actions/github')
  const pullRequest = context.payload.pull_request as { head?: { sha?: string } } | undefined
  // Stryker disable next-line OptionalChaining: GitHub's pull_request payload always has head
  const sha = pullRequest?.head?.sha ?? context.sha
  const { owner, repo } = context.repo
  await getOctokit(settings.token).rest.repos.createCommitStatus({
    owner,
    repo,
    sha,
    state,
    context: settings.context,
    description: oneLine(description, MAX_DESCRIPTION),
    ...(settings.targetUrl ? { target_url: settings.targetUrl } : {}),
    request: { signal }
  })
}

export interface StatusReporter {
  /** Queues a status; returns at once. */
  post(state: CommitState, description: string): void
  /** Waits for the queued statuses, cutting them off when signal aborts; the warnings of those that failed. */
  settle(signal: AbortSignal): Promise<string[]>
}

/**
 * Posts statuses in order (pending before the verdict) without holding up the check: post()
 * returns at once; settle() waits for all, within a bound, and returns what went wrong.
 */
export function statusReporter(settings: StatusSettings): StatusReporter {
  let chain: Promise<void> = Promise.resolve()
  const stop = new AbortController()
  const warnings: string[] = []
  return {
    post(state, description) {
      chain = chain.then(() =>
        createStatus(settings, state, description, stop.signal).catch((error: unknown) => {
          const status = (error as { status?: number }).status
          const reason = stop.signal.aborted ? 'GitHub did not answer in time' : errorMessage(error)
          const hint = status === 403 || status === 404 ? ' (the token needs the statuses: write permission)' : ''
          warnings.push(
            `Could not post the ${state} commit status "${settings.context}": ${reason}${hint}. The check's verdict stands.`
          )
        })
      )
    },
    async settle(signal) {
      const onAbort = (): void => stop.abort()
      if (signal.aborted) onAbort()
      else signal.addEventListener('abort', onAbort)
      await chain
      signal.removeEventListener('abort', onAbort)
      return warnings
    }
  }
}
