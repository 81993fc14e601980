// run() in-process, with typed fakes of @actions/core and @actions/github (the model of
// actions/typescript-action) and the Atlas-like server on 127.0.0.1: every branch of run(), and
// what it hands to the runner. The action-level suites cover the same through dist/.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as core from '../../fixtures/core.js'
import * as github from '../../fixtures/github.js'
import { skippingClock } from '../../support/clock.js'
import { apiError, DEMO, exportDocument, runDocument, startFakeAtlas } from '../../../scripts/fake-atlas.mjs'

jest.unstable_mockModule('@actions/core', () => core)
jest.unstable_mockModule('@actions/github', () => github)
const { runAction } = await import('../../../src/index.js')
// Waits cost no time (skippingClock); the cancellation tests run on the real clock, as a signal
// has to land in a wait that lasts.
const run = (clock = skippingClock()) => runAction('.', clock)
const runBackupExport = (clock = skippingClock()) => runAction('backup-export', clock)
const { systemClock: onRealClock } = await import('../../../src/engine/poll.js')

let atlas: Awaited<ReturnType<typeof startFakeAtlas>>
beforeAll(async () => {
  atlas = await startFakeAtlas()
})
afterAll(async () => {
  await atlas.close()
})

/** A URL on 127.0.0.1 where nothing listens: a port just freed. */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

/** createCommitStatus as a GitHub that never answers: it settles only when the request is aborted. */
const answerOnlyAnAbort = async (params: Record<string, unknown>) =>
  new Promise<never>((_, reject) => {
    const { signal } = params['request'] as { signal: AbortSignal }
    signal.addEventListener('abort', () => reject(new Error('This operation was aborted')))
  })

const RUNNER_ENV = ['GITHUB_STEP_SUMMARY', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_SERVER_URL']
let inputs: Record<string, string>

beforeEach(() => {
  jest.clearAllMocks()
  core.summary.write.mockImplementation(async () => core.summary)
  github.createCommitStatus.mockImplementation(async () => ({ status: 201 }))
  for (const name of RUNNER_ENV) delete process.env[name]
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null' // only its presence is read; the fake writes
  atlas.requests.length = 0
  atlas.script([{ run: runDocument() }])
  atlas.scriptExport([{ run: exportDocument() }])
  inputs = {
    groupId: DEMO.groupId,
    pipelineName: DEMO.pipelineName,
    runId: DEMO.runId,
    baseUrl: atlas.url,
    accessToken: DEMO.accessToken
  }
  core.getInput.mockImplementation((name) => inputs[name] ?? '')
})

const infoLines = () => core.info.mock.calls.map(([line]) => line)
const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
/** The inputs of a backup-export check of the demo job. */
const exportCheckInputs = () => ({
  groupId: DEMO.groupId,
  clusterName: DEMO.clusterName,
  exportId: DEMO.exportId,
  baseUrl: atlas.url,
  accessToken: DEMO.accessToken
})
const failure = () => core.setFailed.mock.calls.map(([message]) => String(message))
const summaryText = () => core.summary.addRaw.mock.calls.map(([text]) => String(text)).join('')

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
    inputs = { ...inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
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
    inputs['successStates'] = 'FAILED'
    await run()
    expect(failure()).toEqual([
      `Pipeline run ${DEMO.runId} of ${DEMO.pipelineName} is DONE, but successStates is FAILED.`
    ])
  })

  it('refuses bad inputs by name before any request, and sets no output', async () => {
    inputs['groupId'] = 'nope'
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
      return inputs[name] ?? ''
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
    inputs = exportCheckInputs()
    core.getInput.mockImplementation((name) => {
      if (name === 'successStates') throw new TypeError('simulated bug')
      return inputs[name] ?? ''
    })
    await runBackupExport()
    expect(failure()).toEqual([
      expect.stringMatching(/^Unexpected error in atlas-pipeline-run-action\/backup-export: simulated bug\./)
    ])
  })

  it('reports a bug of ours during the wait as an unexpected error, not as something Atlas did', async () => {
    inputs['wait'] = 'true'
    core.info.mockImplementationOnce(() => {
      throw new TypeError('simulated bug in a log line') // the first info line of a wait is its first state
    })
    await run()
    expect(failure()).toEqual([
      expect.stringMatching(/^Unexpected error in atlas-pipeline-run-action: simulated bug in a log line\./)
    ])
  })

  it('writes no summary when summary is false', async () => {
    inputs['summary'] = 'false'
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
    inputs = { ...inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
    atlas.scriptRevoke([{ status: 500, body: {} }])
    await run()
    expect(core.warning).toHaveBeenCalledWith(
      'Could not revoke an Atlas access token (HTTP 500); it expires by itself within an hour'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('gives up a revoke that hangs after the clean-up bound, and says so', async () => {
    inputs = { ...inputs, accessToken: '', clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
    atlas.scriptRevoke([{ hang: true }])
    // 5 s of clean-up bound in 50 ms; the revoke's own bound (REVOKE_TIMEOUT_MS) is real time.
    await run(skippingClock({ timerSpeedUp: 100 }))
    expect(core.warning).toHaveBeenCalledWith(
      'Could not revoke an Atlas access token (clean-up took longer than 5s); it expires by itself within an hour'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('runs the backup-export action on the same engine, with its own inputs and outputs', async () => {
    inputs = exportCheckInputs()
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

  describe('where the files are', () => {
    const PREFIX = 'exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200'

    it("reads the job's bucket once, at version 2024-05-30, and says where the files are", async () => {
      inputs = exportCheckInputs()
      await runBackupExport()
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputs()).toMatchObject({
        bucketName: 'acme-atlas-exports',
        cloudProvider: 'AWS',
        exportUri: `s3://acme-atlas-exports/${PREFIX}`,
        polls: '2'
      })
      const bucketRequests = atlas.requests.filter((r) => r.kind === 'bucket')
      expect(bucketRequests.map((r) => [r.rawPath, r.headers['accept']])).toEqual([
        [
          `/api/atlas/v2/groups/${DEMO.groupId}/backup/exportBuckets/${DEMO.exportBucketId}`,
          'application/vnd.atlas.2024-05-30+json'
        ]
      ])
      expect(summaryText()).toContain(`Files at \`s3://acme-atlas-exports/${PREFIX}\``)
    })

    it('reads it once after a wait, never while polling', async () => {
      inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s' }
      atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }, { run: exportDocument() }])
      await runBackupExport()
      expect(atlas.requests.map((r) => r.kind)).toEqual(['export', 'export', 'bucket'])
    })

    it('keeps the verdict, and warns naming the role, when the bucket cannot be read', async () => {
      inputs = exportCheckInputs()
      atlas.state.forbidden['bucket'] = 'The API key lacks the role.'
      try {
        await runBackupExport()
      } finally {
        delete atlas.state.forbidden['bucket']
      }
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputs()).toMatchObject({ state: 'Successful', succeeded: 'true' })
      expect(outputs()['exportUri']).toBeUndefined()
      const warnings = core.warning.mock.calls.map(([line]) => String(line))
      expect(warnings).toEqual([
        `Could not read the export bucket ${DEMO.exportBucketId} (Atlas API 403 FORBIDDEN: The API key lacks the role.), so bucketName, cloudProvider and exportUri are not set; ` +
          'the export job is judged as before. Reading the bucket needs the Project Read Only role on the project.'
      ])
      expect(summaryText()).toContain('> ⚠️ **Warning:** Could not read the export bucket')
    })

    it('reads no bucket when the check ended without an answer to judge', async () => {
      inputs = exportCheckInputs()
      atlas.scriptExport([apiError(404, 'EXPORT_NOT_FOUND', 'no such job')])
      await runBackupExport()
      expect(atlas.requests.map((r) => r.kind)).toEqual(['export'])
    })

    it('reads no bucket after a wait that timed out: the files may not all be there', async () => {
      inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s', timeout: '3s' }
      atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }])
      await runBackupExport()
      expect(failure()[0]).toMatch(/^Timed out/)
      expect(atlas.requests.filter((r) => r.kind === 'bucket')).toEqual([])
    })

    it('gives the bucket read time of its own when the job finished on the deadline', async () => {
      inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s', timeout: '3s' }
      const inProgress = { run: exportDocument({ state: 'InProgress' }) }
      atlas.scriptExport([inProgress, inProgress, inProgress, { run: exportDocument() }])
      atlas.state.listScripts['bucket'] = [apiError(503, 'SERVICE_UNAVAILABLE', 'busy')]
      await runBackupExport()
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(atlas.requests.filter((r) => r.kind === 'bucket')).toHaveLength(2)
      expect(infoLines()).toContainEqual(
        expect.stringMatching(/^Atlas API 503 SERVICE_UNAVAILABLE: busy \(read the export bucket\); retry 1 of 5 in /)
      )
      expect(outputs()['exportUri']).toBe(`s3://acme-atlas-exports/${PREFIX}`)
    })

    it('rides out faults of the bucket read within timeout, not within one request timeout', async () => {
      inputs = { ...exportCheckInputs(), requestTimeout: '1s' }
      const busy = apiError(503, 'SERVICE_UNAVAILABLE', 'busy')
      atlas.state.listScripts['bucket'] = [busy, busy, busy, busy]
      await runBackupExport()
      expect(core.warning).not.toHaveBeenCalled()
      expect(outputs()['exportUri']).toBe(`s3://acme-atlas-exports/${PREFIX}`)
    })

    it('stops waiting for a latest export that is already older than maxAge', async () => {
      const old = '2026-01-01T00:00:00Z'
      atlas.state.lists.exports = [exportDocument({ createdAt: old })]
      atlas.scriptExport([{ run: exportDocument({ state: 'InProgress', createdAt: old }) }])
      inputs = { ...exportCheckInputs(), exportId: 'latest', maxAge: '26h', wait: 'true', pollInterval: '1s' }
      try {
        await runBackupExport()
      } finally {
        atlas.state.lists.exports = []
      }
      expect(atlas.requests.filter((r) => r.kind === 'export')).toHaveLength(1)
      expect(failure()[0]).toMatch(
        /^Export job \w+ of cluster Cluster0 is InProgress, but it was created at 2026-01-01T00:00:00Z/
      )
    })

    it('fails a latest export older than maxAge, with its outputs still set', async () => {
      atlas.state.lists.exports = [exportDocument({ createdAt: '2026-01-01T00:00:00Z' })]
      atlas.scriptExport([{ run: exportDocument({ createdAt: '2026-01-01T00:00:00Z' }) }])
      inputs = { ...exportCheckInputs(), exportId: 'latest', exportBucketId: DEMO.exportBucketId, maxAge: '26h' }
      try {
        await runBackupExport()
      } finally {
        atlas.state.lists.exports = []
      }
      expect(failure()).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Export job ${DEMO.exportId} of cluster Cluster0 is Successful, but it was created at 2026-01-01T00:00:00Z, \\d+d( \\d+h)? ago: older than maxAge \\(26h\\)\\.\\n`
          )
        )
      ])
      expect(outputs()).toMatchObject({ exportId: DEMO.exportId, state: 'Successful', succeeded: 'false' })
    })
  })

  it('logs each change of a wait with its time, state and phase', async () => {
    atlas.script([
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument({ state: 'DONE', phase: undefined }) }
    ])
    inputs = { ...inputs, wait: 'true', pollInterval: '1s' }
    await run()
    expect(infoLines().filter((line) => line.startsWith('[+'))).toEqual([
      '[+0s] state IN_PROGRESS, phase EXPORT',
      '[+1s] state DONE, phase (none)'
    ])
    expect(outputs()).toMatchObject({ polls: '2', waitedSeconds: '1' })
  })

  it('logs no change line for a retry: the retry says itself', async () => {
    atlas.script([
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      apiError(503, 'SERVICE_UNAVAILABLE', 'busy'),
      { run: runDocument({ state: 'DONE', phase: 'INGESTION' }) }
    ])
    inputs = { ...inputs, wait: 'true', pollInterval: '1s' }
    await run()
    expect(infoLines().filter((line) => line.startsWith('[+'))).toEqual([
      '[+0s] state IN_PROGRESS, phase EXPORT',
      expect.stringMatching(/^\[\+\ds\] state DONE, phase INGESTION$/)
    ])
  })

  it('says that it is still waiting after five quiet minutes, with the state and the next poll', async () => {
    atlas.script([
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument({ state: 'DONE', phase: undefined }) }
    ])
    inputs = { ...inputs, wait: 'true', pollInterval: '2m' }
    await run()
    expect(infoLines().filter((line) => line.startsWith('Still waiting'))).toEqual([
      'Still waiting: state IN_PROGRESS, phase EXPORT for 6m; next poll in 2m.'
    ])
  })

  it('says that it is still waiting for an export job by its state alone', async () => {
    const inProgress = { run: exportDocument({ state: 'InProgress' }) }
    atlas.scriptExport([inProgress, inProgress, inProgress, inProgress, { run: exportDocument() }])
    inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '2m' }
    await runBackupExport()
    expect(infoLines().filter((line) => line.startsWith('Still waiting'))).toEqual([
      'Still waiting: state InProgress for 6m; next poll in 2m.'
    ])
  })

  it('logs the states of an export job, which has no stages', async () => {
    atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }, { run: exportDocument() }])
    inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s' }
    await runBackupExport()
    expect(infoLines().filter((line) => line.startsWith('[+'))).toEqual([
      '[+0s] state InProgress',
      '[+1s] state Successful'
    ])
  })

  it('reports a bug of ours in a step before the check as an unexpected error', async () => {
    atlas.state.lists.runs = [runDocument({ _id: 'e'.repeat(24) })]
    inputs['runId'] = 'latest'
    core.info.mockImplementation((line) => {
      if (line.startsWith('Newest run')) throw new TypeError('simulated bug in a step')
    })
    try {
      await run()
    } finally {
      core.info.mockImplementation(() => undefined)
      atlas.state.lists.runs = []
    }
    expect(failure()).toEqual([
      expect.stringMatching(/^Unexpected error in atlas-pipeline-run-action: simulated bug in a step\./)
    ])
  })

  it('logs no change line for a one-shot check: its verdict says it', async () => {
    await run()
    expect(infoLines().filter((line) => line.startsWith('[+'))).toEqual([])
  })

  it('keeps the last error and where it came from in the debug log', async () => {
    atlas.script([apiError(404, 'RESOURCE_NOT_FOUND', 'No run.')])
    await run()
    expect(core.debug.mock.calls.map(([line]) => line)).toContainEqual(
      expect.stringMatching(/^last error: AtlasError: Atlas API 404 RESOURCE_NOT_FOUND: No run\. +at apiError /)
    )
    // An error without a cause is shown alone.
    expect(core.debug.mock.calls.map(([line]) => line).join('\n')).not.toContain('caused by')
  })

  it('points at baseUrl when Atlas never answered in the run', async () => {
    const closed = await closedPortUrl()
    inputs = { ...inputs, baseUrl: closed }
    await run()
    expect(failure()).toEqual([
      expect.stringContaining(`Check baseUrl (${closed}) and the runner's network and proxy settings`)
    ])
  })

  it('masks the access token and the GitHub token', async () => {
    inputs = { ...inputs, githubToken: 'ghs_fake_token_value' }
    await run()
    expect(core.setSecret.mock.calls.map(([value]) => value)).toEqual([DEMO.accessToken, 'ghs_fake_token_value'])
  })

  it('masks the credentials of the environment too', async () => {
    inputs = { ...inputs, accessToken: '' }
    process.env['MONGODB_ATLAS_PUBLIC_API_KEY'] = ` ${DEMO.publicKey} `
    process.env['MONGODB_ATLAS_PRIVATE_API_KEY'] = DEMO.privateKey
    try {
      await run()
    } finally {
      delete process.env['MONGODB_ATLAS_PUBLIC_API_KEY']
      delete process.env['MONGODB_ATLAS_PRIVATE_API_KEY']
    }
    expect(core.setSecret.mock.calls.map(([value]) => value)).toEqual([DEMO.publicKey, DEMO.privateKey])
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('writes a summary of the invalid inputs, unless summary is false', async () => {
    inputs['groupId'] = 'nope'
    await run()
    expect(core.summary.addRaw).toHaveBeenCalledWith(
      expect.stringMatching(/^### ❌ Invalid inputs — nothing was sent to Atlas\n\n- groupId "nope"/),
      true
    )
    jest.clearAllMocks()
    inputs['summary'] = 'false'
    await run()
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(core.setFailed).toHaveBeenCalledTimes(1)
  })

  describe('steps before the check', () => {
    const BUCKET = '6750f0e1d2c3b4a596877869'
    const exportInputs = () => ({
      groupId: DEMO.groupId,
      clusterName: DEMO.clusterName,
      baseUrl: atlas.url,
      accessToken: DEMO.accessToken
    })
    beforeEach(() => {
      atlas.state.lists.exports = []
      atlas.state.lists.snapshots = []
      atlas.state.lists.runs = []
    })

    it('starts an export of the newest completed snapshot and waits for it (wait defaults to true)', async () => {
      atlas.state.lists.snapshots = [
        { id: 'a'.repeat(24), status: 'completed', createdAt: '2026-11-27T00:00:00Z' },
        { id: 'b'.repeat(24), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }
      ]
      inputs = { ...exportInputs(), exportBucketId: BUCKET, pollInterval: '1s' }
      await runBackupExport()
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputs()).toMatchObject({ started: 'true', snapshotId: 'b'.repeat(24), state: 'Successful' })
      expect(infoLines()).toContainEqual(expect.stringMatching(/^Newest completed snapshot: b{24}/))
      // The summary says what was done before the check.
      expect(summaryText()).toContain(`- Snapshot \`${'b'.repeat(24)}\`: the newest completed`)
      expect(summaryText()).toMatch(/\n- Export job `[0-9a-f]{24}`: started by this step, to bucket /)
    })

    it('says the network failed for a while when Atlas answered earlier in the run', async () => {
      atlas.state.lists.snapshots = [{ id: 'b'.repeat(24), status: 'completed', createdAt: '2026-11-28T00:00:00Z' }]
      atlas.state.listScripts['cluster'] = Array.from({ length: 6 }, () => ({ reset: true }))
      inputs = { ...exportInputs(), exportBucketId: BUCKET }
      try {
        await runBackupExport()
      } finally {
        atlas.state.listScripts['cluster'] = []
      }
      expect(failure()).toEqual([
        expect.stringContaining(
          '\nAtlas answered earlier in this run, so these look like passing faults: run the job again later.'
        )
      ])
    })

    it('fails with what the step found, counting its requests, when there is nothing to check', async () => {
      inputs = { ...exportInputs(), exportId: 'latest' }
      await runBackupExport()
      expect(failure()).toEqual([
        `Atlas lists no export job of cluster ${DEMO.clusterName}\nCheck groupId and clusterName, or start an export first (give exportBucketId instead of exportId).`
      ])
      expect(outputs()).toMatchObject({ polls: '1', succeeded: 'false' })
      expect(outputs()['state']).toBeUndefined()
    })

    it('takes a snapshot, waits for it within the deadline, then exports it', async () => {
      inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
      await runBackupExport()
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputs()).toMatchObject({ started: 'true', state: 'Successful' })
      expect(infoLines()).toContainEqual(
        expect.stringMatching(/^Took on-demand snapshot [0-9a-f]{24}; waiting until it is completed\.$/)
      )
    })

    it('times out in a step before the check, naming the snapshot it waited for and its last status', async () => {
      inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', timeout: '2s', pollInterval: '1s' }
      atlas.state.snapshotOutcome = 'inProgress' // the snapshot never completes
      try {
        await runBackupExport()
      } finally {
        atlas.state.snapshotOutcome = undefined
      }
      expect(failure()).toEqual([
        expect.stringMatching(
          /^Timed out after 2s \(\d requests\) while trying to wait for the snapshot: snapshot [0-9a-f]{24} is inProgress\. No export was started\.\nRaise timeout: one timeout covers every step and the check \(now 2s\)\. Running the job again is safe: it uses the snapshot this run took/
        )
      ])
      expect(outputs()).toMatchObject({ waitedSeconds: '2', succeeded: 'false' })
    })

    it('stops a step before the check at the first signal, and reports the cancellation', async () => {
      inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
      atlas.state.snapshotOutcome = 'inProgress'
      try {
        const checking = runBackupExport(onRealClock)
        await new Promise((resolve) => setTimeout(resolve, 500))
        process.emit('SIGTERM', 'SIGTERM')
        await checking
      } finally {
        atlas.state.snapshotOutcome = undefined
      }
      expect(failure()).toEqual([
        expect.stringMatching(
          /^Cancelled after \ds while trying to wait for the snapshot: snapshot [0-9a-f]{24} is (queued|inProgress)\. No export was started\.\nRunning the job again is safe/
        )
      ])
    })

    it("starts the export of a sharded cluster's newest snapshot, learning its kind with one request", async () => {
      atlas.state.clusterType = 'SHARDED'
      atlas.state.lists.snapshots = [
        { id: 'a'.repeat(24), status: 'completed', type: 'shardedCluster', createdAt: '2026-11-28T00:00:00Z' },
        { id: 'f'.repeat(24), status: 'completed', snapshotType: 'fallback', createdAt: '2026-11-29T00:00:00Z' }
      ]
      inputs = { ...exportInputs(), exportBucketId: BUCKET, pollInterval: '1s' }
      try {
        await runBackupExport()
      } finally {
        atlas.state.clusterType = 'REPLICASET'
      }
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(outputs()).toMatchObject({ started: 'true', snapshotId: 'a'.repeat(24), state: 'Successful' })
      expect(atlas.requests.map((r) => r.kind)).toEqual([
        'list-exports',
        'cluster',
        'list-sharded-snapshots',
        'post-exports',
        'export',
        'export',
        'bucket'
      ])
      const cluster = atlas.requests.find((r) => r.kind === 'cluster')!
      expect(cluster.headers['accept']).toBe('application/vnd.atlas.2024-08-05+json')
    })

    it('takes a snapshot of a sharded cluster and waits for it on the sharded path', async () => {
      atlas.state.clusterType = 'GEOSHARDED'
      inputs = { ...exportInputs(), exportBucketId: BUCKET, takeSnapshot: 'true', pollInterval: '1s' }
      try {
        await runBackupExport()
      } finally {
        atlas.state.clusterType = 'REPLICASET'
      }
      expect(core.setFailed).not.toHaveBeenCalled()
      expect(atlas.requests.map((r) => r.kind)).toEqual([
        'list-exports',
        'cluster',
        'list-sharded-snapshots',
        'post-snapshots',
        'sharded-snapshot',
        'sharded-snapshot',
        'post-exports',
        'export',
        'export',
        'bucket'
      ])
    })

    it('names the step and its role when Atlas refuses it', async () => {
      atlas.state.forbidden['post-exports'] = 'no'
      inputs = { ...exportInputs(), exportBucketId: BUCKET, snapshotId: 'c'.repeat(24) }
      await runBackupExport()
      expect(failure()[0]).toMatch(
        /\nTo start the export, the credentials need the Project Backup Export Operator role/
      )
      delete atlas.state.forbidden['post-exports']
    })

    it('finds the latest run of a pipeline', async () => {
      atlas.state.lists.runs = [
        runDocument({ _id: 'd'.repeat(24), createdDate: '2026-11-20T00:00:00Z' }),
        runDocument({ _id: 'e'.repeat(24) })
      ]
      atlas.script([{ run: runDocument({ _id: 'e'.repeat(24) }) }], { runId: 'e'.repeat(24) })
      inputs['runId'] = 'latest'
      await run()
      expect(core.setFailed).not.toHaveBeenCalled()
      // The list of runs is a request of the check too.
      expect(outputs()).toMatchObject({ runId: 'e'.repeat(24), state: 'DONE', polls: '2' })
    })
  })

  describe('commit statuses', () => {
    beforeEach(() => {
      process.env['GITHUB_REPOSITORY'] = 'octo/export'
      process.env['GITHUB_RUN_ID'] = '42'
      inputs = { ...inputs, statusContext: 'atlas/nightly', githubToken: 'ghs_fake' }
    })

    it('posts pending while waiting, then success, linking to the workflow run', async () => {
      inputs['wait'] = 'true'
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
      inputs = { ...inputs, runId: 'not-an-id', timeout: '9d' }
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
      inputs = { ...inputs, runId: 'not-an-id', githubToken: '' }
      await run()
      expect(github.createCommitStatus).not.toHaveBeenCalled()
      expect(failure()[0]).toContain('statusContext is set but githubToken is empty')
    })

    it('says "Invalid input" for one problem, on its status as in its failure', async () => {
      inputs = { ...inputs, runId: 'not-an-id' }
      await run()
      expect(github.createCommitStatus.mock.calls.map(([params]) => params['description'])).toEqual([
        'Invalid input: runId "not-an-id" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8'
      ])
    })

    it('stops waiting for GitHub at the clean-up bound when the status about invalid inputs hangs', async () => {
      github.createCommitStatus.mockImplementation(answerOnlyAnAbort)
      inputs = { ...inputs, runId: 'not-an-id' }
      await run(skippingClock({ timerSpeedUp: 100 }))
      expect(core.warning.mock.calls.map(([line]) => String(line))).toEqual([
        'Could not post the failure commit status "atlas/nightly": GitHub did not answer in time. The check\'s verdict stands.'
      ])
    })

    it('stops waiting for GitHub at a second signal, before the clean-up bound', async () => {
      github.createCommitStatus.mockImplementation(answerOnlyAnAbort)
      inputs = { ...inputs, runId: 'not-an-id' }
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
      inputs = { ...inputs, runId: 'not-an-id' }
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

  describe('cancellation', () => {
    it('stops at the first signal, reports, and keeps no signal handler afterwards', async () => {
      atlas.script([{ run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) }])
      inputs = { ...inputs, wait: 'true', pollInterval: '1s' }
      const listeners = process.listenerCount('SIGTERM')
      const sigints = process.listenerCount('SIGINT')
      const checking = run(onRealClock)
      await new Promise((resolve) => setTimeout(resolve, 300))
      process.emit('SIGTERM', 'SIGTERM')
      await checking
      expect(infoLines()).toContain('Received SIGTERM: stopping.')
      expect(failure()).toEqual([
        'Cancelled while the pipeline run was IN_PROGRESS (phase EXPORT) after 0s (1 poll).\n' +
          'The pipeline run goes on in Atlas; this check stopped while it was IN_PROGRESS (EXPORT).'
      ])
      expect(outputs()).toMatchObject({ state: 'IN_PROGRESS', succeeded: 'false' })
      expect(process.listenerCount('SIGTERM')).toBe(listeners)
      expect(process.listenerCount('SIGINT')).toBe(sigints)
    })

    it('skips clean-up at the second signal', async () => {
      inputs = {
        ...inputs,
        accessToken: '',
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        wait: 'true',
        pollInterval: '1s'
      }
      atlas.script([{ run: runDocument({ state: 'IN_PROGRESS' }) }])
      atlas.scriptRevoke([{ hang: true }])
      const checking = run(onRealClock)
      await new Promise((resolve) => setTimeout(resolve, 300))
      process.emit('SIGINT', 'SIGINT')
      await new Promise((resolve) => setTimeout(resolve, 200))
      const started = Date.now()
      process.emit('SIGINT', 'SIGINT')
      await checking
      expect(infoLines()).toContain('Received SIGINT again: skipping clean-up.')
      expect(core.warning).toHaveBeenCalledWith(
        expect.stringMatching(/^Could not revoke an Atlas access token \(The request to .* was cancelled\)/)
      )
      expect(Date.now() - started).toBeLessThan(2000) // not the 5 s clean-up bound
    })
  })
})
