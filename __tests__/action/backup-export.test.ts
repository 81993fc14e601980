// The backup-export action, action-level: dist/backup-export.js (what backup-export/action.yml
// runs) against the Atlas-like server on 127.0.0.1. Every state, wait mode through Queued →
// InProgress → Successful and → Failed, every kind of credentials, the failure classes, outputs
// on failure, and no secret anywhere (runExportWithoutLeaksOrCrash() asserts that, and an empty stderr).
import { describe, expect, it } from '@jest/globals'
import {
  BEARER_INPUTS,
  runExportWithoutLeaksOrCrash,
  DIGEST_INPUTS,
  errorAnnotation,
  OAUTH_INPUTS,
  useSharedAtlas
} from '../support/action.js'
import { apiError, DEMO, exportDocument } from '../support/fake-atlas.mjs'
import { renderGfm } from '../../scripts/render-markdown.mjs'

const shared = useSharedAtlas()
const exportsSeen = () => shared.atlas.requests.filter((r) => r.kind === 'export')
const queued = {
  run: exportDocument({
    state: 'Queued',
    finishedAt: undefined,
    exportStatus: { exportedCollections: 0, totalCollections: 12 }
  })
}
const inProgress = {
  run: exportDocument({
    state: 'InProgress',
    finishedAt: undefined,
    exportStatus: { exportedCollections: 5, totalCollections: 12 }
  })
}
const JOB = `Export job ${DEMO.exportId} of cluster Cluster0`

describe('backup-export: one-shot check', () => {
  it('passes a Successful job: outputs, summary, and the request it made', async () => {
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`${JOB} is Successful.`)
    expect(result.outputs).toMatchObject({
      state: 'Successful',
      exportId: DEMO.exportId,
      snapshotId: '6750e0a1b2c3d4e5f6a7b8c9',
      exportBucketId: '6750f0e1d2c3b4a596877869',
      prefix: '/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200',
      exportedCollections: '12',
      totalCollections: '12',
      createdAt: '2026-11-28T02:00:00Z',
      finishedAt: '2026-11-28T02:14:52Z',
      httpStatus: '200',
      succeeded: 'true',
      // The job, then its bucket: where the files are.
      polls: '2',
      bucketName: 'acme-atlas-exports',
      cloudProvider: 'AWS',
      exportUri: 's3://acme-atlas-exports/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200'
    })
    expect(JSON.parse(result.outputs['job'])).toEqual(exportDocument())
    expect(result.outputs['stateReasonCode']).toBeUndefined()
    const [request] = exportsSeen()
    expect(request!.rawPath).toBe(
      `/api/atlas/v2/groups/${DEMO.groupId}/clusters/Cluster0/backup/exports/${DEMO.exportId}`
    )
    expect(request!.headers['accept']).toBe('application/vnd.atlas.2023-01-01+json')
    const html = renderGfm(result.summary)
    expect(html).toContain('<h3>✅ Cluster0 export: Successful · 12 of 12 collections</h3>')
    expect(html).toContain('<td align="right">12 of 12 collections</td>')
    expect(html).toContain('<td align="right">14m 52s</td>')
    expect(html).toContain(`<a href="${shared.atlas.url}/v2/${DEMO.groupId}#/overview">Open the project in Atlas</a>`)
    expect(html).toContain(
      '<p>Files at <code>s3://acme-atlas-exports/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200</code></p>'
    )
  })

  it.each([
    ['Queued', queued, 'not finished, Queued (0 of 12 collections)', 'Set wait: true'],
    ['InProgress', inProgress, 'not finished, InProgress (5 of 12 collections)', 'Set wait: true'],
    ['Cancelled', { run: exportDocument({ state: 'Cancelled' }) }, 'Cancelled', 'Start a new export'],
    [
      'an unknown state',
      { run: exportDocument({ state: 'Archiving' }) },
      'unknown state "Archiving"',
      'Atlas may have added a state'
    ]
  ])('fails %s, saying so and what to do', async (_name, step, headline, hint) => {
    shared.atlas.scriptExport([step])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(hint)
    expect(result.summary.split('\n')[0]).toBe(`### ❌ Cluster0 export: ${headline}`)
    expect(result.outputs['succeeded']).toBe('false')
  })

  it('fails a Failed job with its stateReason, and says Atlas does not retry and leaves partial files', async () => {
    const failed = exportDocument({
      state: 'Failed',
      stateReason: { errorCode: 'EXPORT_BUCKET_ACCESS_DENIED', message: 'Atlas could not write to the bucket.' }
    })
    shared.atlas.scriptExport([{ run: failed }])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    const [message, hint] = errorAnnotation(result).split('\n')
    expect(message).toBe(`${JOB} Failed: EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket.`)
    expect(hint).toBe(
      'Atlas does not retry a failed export, and it leaves the files it wrote under the prefix /exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200 in the bucket: remove them, fix the cause, then start a new export.'
    )
    expect(result.outputs).toMatchObject({
      state: 'Failed',
      stateReasonCode: 'EXPORT_BUCKET_ACCESS_DENIED',
      stateReasonMessage: 'Atlas could not write to the bucket.'
    })
    expect(result.summary.split('\n')[0]).toBe(
      '### ❌ Cluster0 export: Failed (EXPORT_BUCKET_ACCESS_DENIED: Atlas could not write to the bucket)'
    )
  })

  it('passes a Cancelled job when successStates says so, in any case', async () => {
    shared.atlas.scriptExport([{ run: exportDocument({ state: 'Cancelled' }) }])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      successStates: 'successful, cancelled'
    })
    expect(result.code).toBe(0)
  })

  it('refuses pipeline states and bad ids by name, before any request', async () => {
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      successStates: 'DONE',
      clusterName: '-bad',
      exportId: 'xyz'
    })
    expect(result.code).toBe(1)
    const annotation = errorAnnotation(result)
    expect(annotation).toContain(
      'successStates "DONE" must list states of the export job, separated by commas: Queued, InProgress, Successful, Failed, Cancelled (unknown: DONE)'
    )
    expect(annotation).toContain(
      'clusterName "-bad" must be up to 64 letters, digits and hyphens, starting with a letter or digit'
    )
    expect(annotation).toContain('exportId "xyz" must be 24 hexadecimal characters')
    expect(shared.atlas.requests).toHaveLength(0)
  })
})

describe('backup-export: wait mode', () => {
  it.each([
    ['an API key (Digest)', DIGEST_INPUTS],
    ['a service account (OAuth)', OAUTH_INPUTS],
    ['a bearer token', BEARER_INPUTS]
  ])('waits Queued → InProgress → Successful with %s, one request per poll', async (_name, inputs) => {
    shared.atlas.scriptExport([queued, inProgress, inProgress, { run: exportDocument() }])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, { ...inputs, wait: 'true', pollInterval: '1s' })
    expect(result.code).toBe(0)
    expect(exportsSeen().filter((r) => r.authResult !== 'challenge')).toHaveLength(4) // one per poll, after a Digest challenge
    const changes = result.stdout.split('\n').filter((l: string) => /^\[\+\d/.test(l))
    expect(changes.map((l: string) => l.replace(/^\[\+\d+s\] /, ''))).toEqual([
      'state Queued',
      'state InProgress',
      'state Successful'
    ])
    // Four polls, then one read of the bucket once the job is done (never while polling).
    expect(result.outputs).toMatchObject({ state: 'Successful', polls: '5', succeeded: 'true' })
    expect(result.summary).toMatch(/✅ Queued 1s → ✅ InProgress 2s → ✅ Successful/)
    const kinds = shared.atlas.requests.map((r) => r.kind)
    expect(kinds.filter((k) => k !== 'export')).toEqual(
      inputs === OAUTH_INPUTS ? ['token', 'bucket', 'revoke'] : ['bucket']
    )
    // Digest: the bucket is read with the nonce the polls used, in one request.
    expect(shared.atlas.requests.filter((r) => r.kind === 'bucket')).toHaveLength(1)
  })

  it('waits Queued → InProgress → Failed and fails with the reason', async () => {
    shared.atlas.scriptExport([
      queued,
      inProgress,
      { run: exportDocument({ state: 'Failed', stateReason: { errorCode: 'TIMEOUT', message: 'took too long' } }) }
    ])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s'
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(/Failed: TIMEOUT: took too long\.\nAtlas does not retry a failed export/)
    expect(result.summary).toMatch(/✅ Queued 1s → ✅ InProgress 1s → ❌ Failed/)
  })

  it('times out with the last state, and says the export goes on in Atlas', async () => {
    shared.atlas.scriptExport([inProgress])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '2s'
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      new RegExp(`^Timed out after 2s and 3 polls: ${JOB} is still InProgress\\.`)
    )
    expect(errorAnnotation(result)).toContain('The export job goes on in Atlas')
    expect(result.outputs).toMatchObject({ state: 'InProgress', exportedCollections: '5' })
  })
})

describe('backup-export: failure classes', () => {
  it.each([
    [
      403,
      'FORBIDDEN',
      'Atlas denied access (403): needs Project Backup Manager',
      'Project Backup Manager role on project'
    ],
    [404, 'RESOURCE_NOT_FOUND', 'export job not found (404)', 'Check groupId, clusterName and exportId'],
    [401, 'UNAUTHORIZED', 'Atlas refused the access token (401)', 'Check accessToken'],
    [400, 'INVALID_PARAMETER', 'Atlas rejected the request (400)', 'check groupId, clusterName and exportId']
  ])('HTTP %i: a headline that says so, and a hint for this operation', async (status, code, headline, hint) => {
    shared.atlas.scriptExport([apiError(status, code, 'detail from Atlas')])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(`Atlas API ${status} ${code}: detail from Atlas`)
    expect(errorAnnotation(result)).toContain(hint)
    expect(result.summary.split('\n')[0]).toBe(`### ❌ Cluster0 export: ${headline}`)
    expect(result.outputs).toMatchObject({ httpStatus: String(status), errorCode: code, succeeded: 'false' })
  })

  it('retries a 503, then reports it with the number of tries; the last job seen stays in the outputs', async () => {
    shared.atlas.scriptExport([inProgress, apiError(503, 'SERVICE_UNAVAILABLE', 'busy')])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, {
      ...BEARER_INPUTS,
      wait: 'true',
      pollInterval: '1s',
      timeout: '5m'
    })
    expect(result.code).toBe(1)
    expect(exportsSeen()).toHaveLength(1 + 6)
    expect(result.summary.split('\n')[0]).toBe('### ❌ Cluster0 export: Atlas failed (503) after 6 tries')
    expect(result.outputs).toMatchObject({ state: 'InProgress', httpStatus: '503', errorCode: 'SERVICE_UNAVAILABLE' })
  }, 60_000)

  it('names itself in an unexpected error', async () => {
    shared.atlas.scriptExport([{ raw: '<html>login</html>', status: 200 }])
    const result = await runExportWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(
      'Atlas answered 200 but the body is not JSON; expected an export job document'
    )
  })
})
