// A pipeline run's settings, verdict, outputs and summary with the inputs most unit tests share:
// the helpers of the tests that pin the engine's words with the resource they were first written for.
import type { PollResult } from '../../src/engine/poll.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import { pipelineRun } from '../../src/resources/pipeline-run/index.js'
import { readSettings, type Settings } from '../../src/engine/settings.js'
import { judge, type Verdict } from '../../src/engine/verdict.js'

export const RUN_SETTINGS_INPUTS: Record<string, string> = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  accessToken: 't'
}

/** The settings of a check of the demo run, with extra inputs given. */
export const runSettings = (extra: Record<string, string> = {}): Settings =>
  readSettings(pipelineRun, (n) => extra[n] ?? RUN_SETTINGS_INPUTS[n] ?? '', {})
export const judgeRun = (result: PollResult, s: Settings): Verdict => judge(result, s, pipelineRun)
export const buildRunOutputs = (result: PollResult, verdict: Pick<Verdict, 'ok'>): Record<string, string> =>
  buildOutputs(result, { headline: '', message: '', ...verdict }, pipelineRun)
export const renderRunSummary = (result: PollResult, verdict: Verdict, s: Settings, startedAt: number): string =>
  renderSummary(result, verdict, s, pipelineRun, startedAt)

/** How the demo run is described in sentences. */
export const RUN = 'Pipeline run 6650f1a2b3c4d5e6f7a8b9c0 of nightly-export'
