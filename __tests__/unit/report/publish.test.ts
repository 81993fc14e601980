// What a verdict leaves for the runner: outputs, the job summary (or a warning when it cannot be
// written) and the verdict line or annotation; and the report of invalid inputs.
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../../fixtures/core.js'
import * as github from '../../fixtures/github.js'
import { finished } from '../../support/poll-results.js'
import { runSettings } from '../../support/run-verdicts.js'

jest.unstable_mockModule('@actions/core', () => core)
jest.unstable_mockModule('@actions/github', () => github)
const { publish, publishInputError, writeSummary } = await import('../../../src/report/publish.js')
const { pipelineRun } = await import('../../../src/resources/pipeline-run/index.js')
const { InputError } = await import('../../../src/engine/settings.js')

const DONE = { state: 'DONE', phase: 'INGESTION' }
const report = (verdict: { ok: boolean; hint?: string }, inputs: Record<string, string> = {}) => ({
  result: finished(DONE),
  verdict: { headline: 'nightly-export: DONE', message: 'The run is DONE.', ...verdict },
  settings: runSettings(inputs),
  resource: pipelineRun,
  startedAt: 0,
  stepOutputs: { started: 'true' },
  extras: {}
})
const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))

beforeEach(() => {
  jest.clearAllMocks()
  core.summary.write.mockImplementation(async () => core.summary)
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null'
})

describe('publish()', () => {
  it('sets the outputs of the steps and of the check, writes the summary and logs a passing verdict', async () => {
    await publish(report({ ok: true }))
    expect(outputs()).toMatchObject({ started: 'true', state: 'DONE', succeeded: 'true' })
    expect(core.summary.addRaw).toHaveBeenCalledWith(expect.stringContaining('nightly-export: DONE'), true)
    expect(core.info).toHaveBeenCalledWith('The run is DONE.')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('fails the step with the message and, on its own line, the hint', async () => {
    await publish(report({ ok: false, hint: 'Do this.' }))
    expect(core.setFailed).toHaveBeenCalledWith('The run is DONE.\nDo this.')
    await publish(report({ ok: false }))
    expect(core.setFailed).toHaveBeenLastCalledWith('The run is DONE.')
  })

  it('writes no summary with summary: false', async () => {
    await publish(report({ ok: true }, { summary: 'false' }))
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(outputs()['state']).toBe('DONE')
  })
})

describe('writeSummary()', () => {
  it('writes nothing outside a runner, and says so in the debug log', async () => {
    delete process.env['GITHUB_STEP_SUMMARY']
    await writeSummary('# hi')
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(core.debug).toHaveBeenCalledWith('GITHUB_STEP_SUMMARY is not set: no job summary written.')
  })

  it('warns, and does not fail, when the summary cannot be written', async () => {
    core.summary.write.mockImplementation(async () => Promise.reject(new Error('disk full')))
    await writeSummary('# hi')
    expect(core.warning).toHaveBeenCalledWith('Could not write the job summary: disk full')
    expect(core.setFailed).not.toHaveBeenCalled()
  })
})

describe('publishInputError()', () => {
  it('fails the step with every problem and writes their summary; no status without its settings', async () => {
    const error = new InputError(['groupId "x" is wrong', 'runId "y" is wrong'], { summary: true })
    const bound = jest.fn(() => new AbortController().signal)
    await publishInputError(error, bound)
    expect(core.setFailed).toHaveBeenCalledWith(error.message)
    expect(core.summary.addRaw).toHaveBeenCalledWith(expect.stringContaining('groupId "x" is wrong'), true)
    expect(bound).not.toHaveBeenCalled()
    expect(github.createCommitStatus).not.toHaveBeenCalled()
  })
})
