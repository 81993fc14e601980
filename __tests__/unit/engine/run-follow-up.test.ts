// run() in-process: what a resource reads once the check has its answer (its followUp()), and when
// it does not.
import { describe, expect, it, jest } from '@jest/globals'
import {
  run,
  runBackupExport,
  atlas,
  closedPortUrl,
  given,
  infoLines,
  outputs,
  exportCheckInputs,
  failure,
  summaryText,
  core
} from '../../support/in-process-run.js'
import { apiError, DEMO, exportDocument, runDocument } from '../../support/fake-atlas.mjs'

describe('where the files are', () => {
  const PREFIX = 'exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200'

  it("reads the job's bucket once, at version 2024-05-30, and says where the files are", async () => {
    given.inputs = exportCheckInputs()
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

  it('calls the files of a job that did not succeed partial, and keeps their address', async () => {
    given.inputs = exportCheckInputs()
    atlas.scriptExport([{ run: exportDocument({ state: 'Failed' }) }])
    await runBackupExport()
    expect(summaryText()).toContain(
      `Partial files (the export did not succeed) at \`s3://acme-atlas-exports/${PREFIX}\``
    )
    expect(summaryText()).not.toContain('\n\nFiles at')
    expect(outputs()['exportUri']).toBe(`s3://acme-atlas-exports/${PREFIX}`)
  })

  it('reads it once after a wait, never while polling', async () => {
    given.inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s' }
    atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }, { run: exportDocument() }])
    await runBackupExport()
    expect(atlas.requests.map((r) => r.kind)).toEqual(['export', 'export', 'bucket'])
  })

  it('keeps the verdict, and warns naming the role, when the bucket cannot be read', async () => {
    given.inputs = exportCheckInputs()
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
    given.inputs = exportCheckInputs()
    atlas.scriptExport([apiError(404, 'EXPORT_NOT_FOUND', 'no such job')])
    await runBackupExport()
    expect(atlas.requests.map((r) => r.kind)).toEqual(['export'])
  })

  it('reads no bucket after a wait that timed out: the files may not all be there', async () => {
    given.inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s', timeout: '3s' }
    atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }])
    await runBackupExport()
    expect(failure()[0]).toMatch(/^Timed out/)
    expect(atlas.requests.filter((r) => r.kind === 'bucket')).toEqual([])
  })

  it('gives the bucket read time of its own when the job finished on the deadline', async () => {
    given.inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s', timeout: '3s' }
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
    given.inputs = { ...exportCheckInputs(), requestTimeout: '1s' }
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
    given.inputs = { ...exportCheckInputs(), exportId: 'latest', maxAge: '26h', wait: 'true', pollInterval: '1s' }
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
    given.inputs = { ...exportCheckInputs(), exportId: 'latest', exportBucketId: DEMO.exportBucketId, maxAge: '26h' }
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
  given.inputs = { ...given.inputs, wait: 'true', pollInterval: '1s' }
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
  given.inputs = { ...given.inputs, wait: 'true', pollInterval: '1s' }
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
  given.inputs = { ...given.inputs, wait: 'true', pollInterval: '2m' }
  await run()
  expect(infoLines().filter((line) => line.startsWith('Still waiting'))).toEqual([
    'Still waiting: state IN_PROGRESS, phase EXPORT for 6m; next poll in 2m.'
  ])
})

it('says that it is still waiting for an export job by its state alone', async () => {
  const inProgress = { run: exportDocument({ state: 'InProgress' }) }
  atlas.scriptExport([inProgress, inProgress, inProgress, inProgress, { run: exportDocument() }])
  given.inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '2m' }
  await runBackupExport()
  expect(infoLines().filter((line) => line.startsWith('Still waiting'))).toEqual([
    'Still waiting: state InProgress for 6m; next poll in 2m.'
  ])
})

it('logs the states of an export job, which has no stages', async () => {
  atlas.scriptExport([{ run: exportDocument({ state: 'InProgress' }) }, { run: exportDocument() }])
  given.inputs = { ...exportCheckInputs(), wait: 'true', pollInterval: '1s' }
  await runBackupExport()
  expect(infoLines().filter((line) => line.startsWith('[+'))).toEqual([
    '[+0s] state InProgress',
    '[+1s] state Successful'
  ])
})

it('reports a bug of ours in a step before the check as an unexpected error', async () => {
  atlas.state.lists.runs = [runDocument({ _id: 'e'.repeat(24) })]
  given.inputs['runId'] = 'latest'
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
  given.inputs = { ...given.inputs, baseUrl: closed }
  await run()
  expect(failure()).toEqual([
    expect.stringContaining(`Check baseUrl (${closed}) and the runner's network and proxy settings`)
  ])
})

it('masks the access token and the GitHub token', async () => {
  given.inputs = { ...given.inputs, githubToken: 'ghs_fake_token_value' }
  await run()
  expect(core.setSecret.mock.calls.map(([value]) => value)).toEqual([DEMO.accessToken, 'ghs_fake_token_value'])
})

it('masks the credentials of the environment too', async () => {
  given.inputs = { ...given.inputs, accessToken: '' }
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
  given.inputs['groupId'] = 'nope'
  await run()
  expect(core.summary.addRaw).toHaveBeenCalledWith(
    expect.stringMatching(/^### ❌ Invalid inputs — nothing was sent to Atlas\n\n- groupId "nope"/),
    true
  )
  jest.clearAllMocks()
  given.inputs['summary'] = 'false'
  await run()
  expect(core.summary.addRaw).not.toHaveBeenCalled()
  expect(core.setFailed).toHaveBeenCalledTimes(1)
})
