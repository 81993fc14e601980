// run() in-process, against the Atlas-like server on 127.0.0.1: how the check is wired (credentials,
// the summary, outputs, invalid inputs, a bug of ours) and what it hands to the runner. The
// action-level suites cover the same through dist/.
import { describe, expect, it } from '@jest/globals'
import {
  run,
  runBackupExport,
  atlas,
  given,
  infoLines,
  outputs,
  exportCheckInputs,
  failure,
  core
} from '../../support/in-process-run.js'
import { apiError, DEMO, runDocument } from '../../support/fake-atlas.mjs'
import { skippingClock } from '../../support/clock.js'

describe('run()', () => {
  it('passes a DONE run: outputs, the verdict on the log, the summary, no failure', async () => {
    await run()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.warning).not.toHaveBeenCalled()
    const debug = core.debug.mock.calls.map(([line]) => line)
    expect(debug).toContain('poll 1: state DONE, INGESTION')
    expect(debug.filter((line) => line.startsWith('last error'))).toEqual([])
    expect(outputs()).toMatchObject({ state: 'DONE', numDocs: '1234567', httpStatus: '200', succeeded: 'true' })
    expect(infoLines()).toContain(`Pipeline run ${DEMO.runId} of ${DEMO.pipelineName} is DONE (phase INGESTION).`)
    expect(core.summary.addRaw).toHaveBeenCalledTimes(1)
    expect(core.summary.write).toHaveBeenCalledTimes(1)
  })

  it('masks every credential before anything else', async () => {
    given.inputs = { ...given.inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
    await run()
    const masked = core.setSecret.mock.calls.map(([value]) => value)
    expect(masked.slice(0, 2)).toEqual([DEMO.clientId, DEMO.clientSecret])
    expect(masked.some((value) => value.startsWith('fake-token-'))).toBe(true) // the token it obtained
    expect(core.setSecret.mock.invocationCallOrder[0]).toBeLessThan(core.setOutput.mock.invocationCallOrder[0]!)
  })

  it('fails a FAILED run with the message, then the hint, on two lines', async () => {
    atlas.script([{ run: runDocument({ state: 'FAILED', phase: 'EXPORT' }) }])
    await run()
    expect(failure()).toEqual([
      `Pipeline run ${DEMO.runId} of ${DEMO.pipelineName} FAILED in phase EXPORT.\nLook at the pipeline run in the Atlas UI for the cause, then trigger a new run.`
    ])
    expect(outputs()).toMatchObject({ state: 'FAILED', succeeded: 'false' })
  })

  it('fails with the message alone when there is nothing to do about it', async () => {
    given.inputs['successStates'] = 'FAILED'
    await run()
    expect(failure()).toEqual([
      `Pipeline run ${DEMO.runId} of ${DEMO.pipelineName} is DONE, but successStates is FAILED.`
    ])
  })

  it('refuses bad inputs by name before any request, and sets no output', async () => {
    given.inputs['groupId'] = 'nope'
    await run()
    expect(failure()).toEqual([
      expect.stringMatching(/^Invalid input: groupId "nope" must be 24 hexadecimal characters/)
    ])
    expect(atlas.requests).toHaveLength(0)
    expect(core.setOutput).not.toHaveBeenCalled()
  })

  it('reports a bug of ours as an unexpected error, with the stack in the debug log only', async () => {
    core.getInput.mockImplementation((name) => {
      if (name === 'successStates') {
        // A chain of five errors, with short stacks: the debug log shows the first four.
        const short = (error: Error): Error =>
          Object.assign(error, { stack: `${error.name}: ${error.message} (stack)` })
        let cause = short(new Error('cause 4'))
        for (const n of [3, 2, 1]) cause = short(new Error(`cause ${n}`, { cause }))
        throw new TypeError('simulated bug', { cause })
      }
      return given.inputs[name] ?? ''
    })
    await run()
    expect(failure()).toEqual([
      'Unexpected error in atlas-pipeline-run-action: simulated bug. Please report it with the debug log (re-run with debug logging enabled).'
    ])
    const [debug] = core.debug.mock.calls
      .map(([line]) => line)
      .filter((line) => line.includes('TypeError: simulated bug'))
    expect(debug).toContain('run.test.ts')
    expect(debug?.match(/caused by: Error: cause \d/g)).toEqual([
      'caused by: Error: cause 1',
      'caused by: Error: cause 2',
      'caused by: Error: cause 3'
    ])
  })

  it('reports a bug of ours under the name of the action it happened in', async () => {
    given.inputs = exportCheckInputs()
    core.getInput.mockImplementation((name) => {
      if (name === 'successStates') throw new TypeError('simulated bug')
      return given.inputs[name] ?? ''
    })
    await runBackupExport()
    expect(failure()).toEqual([
      expect.stringMatching(/^Unexpected error in atlas-pipeline-run-action\/backup-export: simulated bug\./)
    ])
  })

  it('reports a bug of ours during the wait as an unexpected error, not as something Atlas did', async () => {
    given.inputs['wait'] = 'true'
    core.info.mockImplementationOnce(() => {
      throw new TypeError('simulated bug in a log line') // the first info line of a wait is its first state
    })
    await run()
    expect(failure()).toEqual([
      expect.stringMatching(/^Unexpected error in atlas-pipeline-run-action: simulated bug in a log line\./)
    ])
  })

  it('writes no summary when summary is false', async () => {
    given.inputs['summary'] = 'false'
    await run()
    expect(core.summary.addRaw).not.toHaveBeenCalled()
  })

  it('says in the debug log why there is no summary outside a runner', async () => {
    delete process.env['GITHUB_STEP_SUMMARY']
    await run()
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(core.debug).toHaveBeenCalledWith('GITHUB_STEP_SUMMARY is not set: no job summary written.')
  })

  it('warns, and keeps the verdict, when the summary cannot be written', async () => {
    core.summary.write.mockRejectedValue(new Error('EACCES: permission denied'))
    await run()
    expect(core.warning).toHaveBeenCalledWith('Could not write the job summary: EACCES: permission denied')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('logs each retry at info level, so a step backing off never looks hung', async () => {
    atlas.script([apiError(503, 'SERVICE_UNAVAILABLE', 'down for maintenance'), { run: runDocument() }])
    await run()
    expect(infoLines()).toContainEqual(
      expect.stringMatching(/^Atlas API 503 SERVICE_UNAVAILABLE: down for maintenance; retry 1 of 3 in \ds$/)
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('warns when the token cannot be revoked, and the verdict stands', async () => {
    given.inputs = { ...given.inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
    atlas.scriptRevoke([{ status: 500, body: {} }])
    await run()
    expect(core.warning).toHaveBeenCalledWith(
      'Could not revoke an Atlas access token (HTTP 500); it expires by itself within an hour'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('gives up a revoke that hangs after the clean-up bound, and says so', async () => {
    given.inputs = { ...given.inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
    atlas.scriptRevoke([{ hang: true }])
    // 5 s of clean-up bound in 50 ms; the revoke's own bound (REVOKE_TIMEOUT_MS) is real time.
    await run(skippingClock({ timerSpeedUp: 100 }))
    expect(core.warning).toHaveBeenCalledWith(
      'Could not revoke an Atlas access token (clean-up took longer than 5s); it expires by itself within an hour'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('runs the backup-export action on the same engine, with its own inputs and outputs', async () => {
    given.inputs = exportCheckInputs()
    await runBackupExport()
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(outputs()).toMatchObject({
      state: 'Successful',
      exportedCollections: '12',
      httpStatus: '200',
      succeeded: 'true'
    })
    expect(infoLines()).toContain(`Export job ${DEMO.exportId} of cluster ${DEMO.clusterName} is Successful.`)
  })
})
