import * as core from '@actions/core'
import { errorMessage } from '../atlas/errors.js'
import type { PollResult } from '../engine/poll.js'
import type { InputError, Settings } from '../engine/settings.js'
import type { Verdict } from '../engine/verdict.js'
import type { Resource } from '../resources/resource.js'
import { logLine } from './log-text.js'
import { buildOutputs } from './outputs.js'
import { statusReporter } from './status.js'
import { renderInputSummary, renderSummary, type SummaryExtras } from './summary.js'

// Hands a verdict to the runner: step outputs, the job summary, and the verdict line or annotation.
// Local writes only, so they happen whatever the network does.

/** What one check leaves for the runner. */
export interface Report {
  result: PollResult
  verdict: Verdict
  settings: Settings
  resource: Resource
  /** clock.now() when the check started, for the summary's times. */
  startedAt: number
  /** The outputs that the steps around the check set (prepare(), followUp()). */
  stepOutputs: Record<string, string>
  extras: SummaryExtras
}

/** Appends to the job summary; a summary that cannot be written is a warning, never a failure. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.')
    return
  }
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(logLine(`Could not write the job summary: ${errorMessage(error)}`))
  }
}

/** Outputs, summary (unless summary: false) and the verdict: an info line, or the step's failure. */
export async function publish({
  result,
  verdict,
  settings,
  resource,
  startedAt,
  stepOutputs,
  extras
}: Report): Promise<void> {
  const outputs = { ...stepOutputs, ...buildOutputs(result, verdict, resource, settings.workflowRunUrl) }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  if (settings.summary) await writeSummary(renderSummary(result, verdict, settings, resource, startedAt, extras))
  if (verdict.ok) core.info(logLine(verdict.message))
  else core.setFailed(verdict.hint ? `${logLine(verdict.message)}\n${logLine(verdict.hint)}` : logLine(verdict.message))
}

/**
 * Invalid inputs: the annotation, a short summary (unless summary: false), and a failure status
 * when statusContext and githubToken are usable, so that a required check turns red instead of
 * waiting at "Expected" until someone notices. bound() gives the signal that ends the status post.
 */
export async function publishInputError(error: InputError, bound: () => AbortSignal): Promise<void> {
  core.setFailed(error.message)
  if (error.report.summary) await writeSummary(renderInputSummary(error.problems))
  if (!error.report.status) return
  const status = statusReporter(error.report.status)
  const first = error.problems[0] ?? 'see the job log'
  status.post('failure', `Invalid input${error.problems.length > 1 ? 's' : ''}: ${first}`)
  for (const warning of await status.settle(bound())) core.warning(logLine(warning))
}
