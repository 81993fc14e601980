// run() in-process: the commit statuses it posts (pending, the verdict, invalid inputs) and how it
// bounds them.
import { describe, expect, it } from '@jest/globals'
import {
  run,
  onRealClock,
  atlas,
  answerOnlyAnAbort,
  given,
  failure,
  core,
  github
} from '../../support/in-process-run.js'
import { apiError, DEMO, runDocument } from '../../support/fake-atlas.mjs'
import { skippingClock } from '../../support/clock.js'

describe('commit statuses', () => {
  beforeEach(() => {
    process.env['GITHUB_REPOSITORY'] = 'octo/export'
    process.env['GITHUB_RUN_ID'] = '42'
    given.inputs = { ...given.inputs, statusContext: 'atlas/nightly', githubToken: 'ghs_fake' }
  })

  it('posts pending while waiting, then success, linking to the workflow run', async () => {
    given.inputs['wait'] = 'true'
    await run()
    const posted = github.createCommitStatus.mock.calls.map(([params]) => [
      params['state'],
      params['context'],
      params['target_url']
    ])
    expect(posted).toEqual([
      ['pending', 'atlas/nightly', 'https://github.com/octo/export/actions/runs/42'],
      ['success', 'atlas/nightly', 'https://github.com/octo/export/actions/runs/42']
    ])
    expect(github.getOctokit).toHaveBeenCalledWith('ghs_fake')
    expect(github.createCommitStatus.mock.calls.map(([params]) => params['description'])).toEqual([
      `Waiting for pipeline run ${DEMO.runId} of ${DEMO.pipelineName}`,
      `Pipeline run ${DEMO.runId} of ${DEMO.pipelineName} is DONE (phase INGESTION).`
    ])
  })

  it('posts no pending status for a one-shot check', async () => {
    await run()
    expect(github.createCommitStatus.mock.calls.map(([params]) => params['state'])).toEqual(['success'])
  })

  it.each([
    ['failure, when the run ended badly', [{ run: runDocument({ state: 'FAILED' }) }], 'failure'],
    ['error, when Atlas could not be asked', [apiError(403, 'FORBIDDEN', 'no')], 'error']
  ])('posts %s', async (_name, steps, state) => {
    atlas.script(steps)
    await run()
    expect(github.createCommitStatus.mock.calls.map(([params]) => params['state'])).toEqual([state])
  })

  it('posts failure on invalid inputs, so a required check turns red instead of waiting at "Expected"', async () => {
    given.inputs = { ...given.inputs, runId: 'not-an-id', timeout: '9d' }
    await run()
    expect(atlas.requests).toHaveLength(0)
    expect(github.createCommitStatus.mock.calls.map(([params]) => [params['state'], params['context']])).toEqual([
      ['failure', 'atlas/nightly']
    ])
    expect(github.createCommitStatus.mock.calls[0]![0]['description']).toBe(
      'Invalid inputs: runId "not-an-id" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8'
    )
    expect(failure()[0]).toMatch(/^Invalid inputs:\n- runId/)
  })

  it('posts nothing on invalid inputs when the status settings themselves are wrong', async () => {
    given.inputs = { ...given.inputs, runId: 'not-an-id', githubToken: '' }
    await run()
    expect(github.createCommitStatus).not.toHaveBeenCalled()
    expect(failure()[0]).toContain('statusContext is set but githubToken is empty')
  })

  it('says "Invalid input" for one problem, on its status as in its failure', async () => {
    given.inputs = { ...given.inputs, runId: 'not-an-id' }
    await run()
    expect(github.createCommitStatus.mock.calls.map(([params]) => params['description'])).toEqual([
      'Invalid input: runId "not-an-id" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8'
    ])
  })

  it('stops waiting for GitHub at the clean-up bound when the status about invalid inputs hangs', async () => {
    github.createCommitStatus.mockImplementation(answerOnlyAnAbort)
    given.inputs = { ...given.inputs, runId: 'not-an-id' }
    await run(skippingClock({ timerSpeedUp: 100 }))
    expect(core.warning.mock.calls.map(([line]) => String(line))).toEqual([
      'Could not post the failure commit status "atlas/nightly": GitHub did not answer in time. The check\'s verdict stands.'
    ])
  })

  it('stops waiting for GitHub at a second signal, before the clean-up bound', async () => {
    github.createCommitStatus.mockImplementation(answerOnlyAnAbort)
    given.inputs = { ...given.inputs, runId: 'not-an-id' }
    const checking = run(onRealClock)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const started = Date.now()
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGINT', 'SIGINT')
    await checking
    expect(Date.now() - started).toBeLessThan(2000) // not the 5 s clean-up bound
    expect(core.warning).toHaveBeenCalledTimes(1)
  })

  it('warns, and still fails on the inputs, when that status cannot be posted', async () => {
    github.createCommitStatus.mockImplementation(async () => {
      throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
    })
    given.inputs = { ...given.inputs, runId: 'not-an-id' }
    await run()
    expect(failure()).toHaveLength(1)
    expect(core.warning.mock.calls.map(([line]) => String(line))).toEqual([
      'Could not post the failure commit status "atlas/nightly": Resource not accessible by integration (the token needs the statuses: write permission). The check\'s verdict stands.'
    ])
  })

  it('warns when the status cannot be posted, and the verdict stands', async () => {
    github.createCommitStatus.mockRejectedValue(
      Object.assign(new Error('Resource not accessible by integration'), { status: 403 })
    )
    await run()
    expect(core.warning).toHaveBeenCalledWith(
      'Could not post the success commit status "atlas/nightly": Resource not accessible by integration (the token needs the statuses: write permission). The check\'s verdict stands.'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })
})
