// What the runner tells every step through its environment: where the workflow run is.

/**
 * The URL of the workflow run, from the variables every runner sets; undefined outside a runner.
 * With attempt, a re-run's own attempt (/attempts/2), so the link shows the log of this attempt.
 */
export function workflowRunUrl(env: Record<string, string | undefined>, { attempt = true } = {}): string | undefined {
  const server = env['GITHUB_SERVER_URL'] || 'https://github.com'
  const repository = env['GITHUB_REPOSITORY']
  const run = env['GITHUB_RUN_ID']
  if (!repository || !run) return undefined
  const number = env['GITHUB_RUN_ATTEMPT']
  const attemptPath = attempt && number && number !== '1' ? `/attempts/${number}` : ''
  return `${server}/${repository}/actions/runs/${run}${attemptPath}`
}
