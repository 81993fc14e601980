// The contract: the official Atlas spec (trimmed to the operations we use), served by Stoplight
// Prism, judges our requests; ajv holds our own fixtures to the spec's schemas. One spec per
// resource: the pipeline run, the backup export job, and the restore job.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  runExportWithoutLeaksOrCrash,
  runRestoreWithoutLeaksOrCrash
} from '../support/action.js'
import { apiError, bucketDocument, DEMO, exportDocument, runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { freePort, httpGet, startServer, type RunningServer } from '../support/processes.js'

const SPEC = join('__tests__', 'fixtures', 'pipeline-run.openapi.yaml')
const EXPORT_SPEC = join('__tests__', 'fixtures', 'backup-exports.openapi.yaml')
const spec = parse(readFileSync(SPEC, 'utf8'))
const exportSpec = parse(readFileSync(EXPORT_SPEC, 'utf8'))
const RESTORE_SPEC = join('__tests__', 'fixtures', 'backup-restores.openapi.yaml')
const restoreSpec = parse(readFileSync(RESTORE_SPEC, 'utf8'))

type FakeRequest = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sends a request made to our fake Atlas to Prism as it was sent: its status, and Prism's findings on it. */
async function replay(server: { prism: () => RunningServer; baseUrl: () => string }, request: FakeRequest) {
  const from = server.prism().output().length
  const query =
    request['query'] && Object.keys(request['query']).length
      ? `?${new URLSearchParams(request['query']).toString()}`
      : ''
  const answer = await fetch(`${server.baseUrl()}${request['rawPath']}${query}`, {
    method: request['method'],
    headers: {
      accept: request['headers']['accept'],
      ...(request['body'] ? { 'content-type': request['headers']['content-type'] } : {}),
      authorization: `Bearer ${DEMO.accessToken}`
    },
    body: request['body'] || undefined
  })
  await answer.arrayBuffer()
  return { kind: request['kind'], status: answer.status, violations: requestViolations(server.prism(), from) }
}

/** Prism mocking one spec on a free loopback port, for the tests of one describe block. */
function usePrism(specFile: string): { prism: () => RunningServer; baseUrl: () => string } {
  let prism: RunningServer
  let baseUrl: string
  beforeAll(async () => {
    const port = await freePort()
    prism = await startServer(
      'Prism',
      join('node_modules', '.bin', 'prism'),
      ['mock', '--host', '127.0.0.1', '--port', String(port), specFile],
      port,
      { timeoutMs: 60_000 }
    )
    baseUrl = `http://127.0.0.1:${port}`
  }, 70_000)
  afterAll(async () => {
    await prism?.stop()
  })
  return { prism: () => prism, baseUrl: () => baseUrl }
}

/** The violations Prism found in our requests since `from` of its log (its own answers aside). */
function requestViolations(prism: RunningServer, from: number): string[] {
  return prism
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => /✖|error|violation/i.test(line) && !/response/i.test(line))
}

describe('against Prism serving the Atlas spec of a pipeline run', () => {
  const server = usePrism(SPEC)
  const violations = (from: number) => requestViolations(server.prism(), from)

  it.each([
    ['plain', {}],
    ['with envelope and pretty', { envelope: 'true', pretty: 'true' }]
  ])('sends a request the spec accepts (%s), and reports the example run Prism serves', async (_name, extra) => {
    const from = server.prism().output().length
    const result = await runWithoutLeaksOrCrash(server.baseUrl(), { ...BEARER_INPUTS, ...extra })
    expect(violations(from)).toEqual([])
    expect(server.prism().output().slice(from)).toContain('The request passed the validation rules')
    // What Prism served, asked for directly with the same headers.
    const { body: served } = await httpGet(
      `${server.baseUrl()}/api/atlas/v2/groups/${DEMO.groupId}/pipelines/${DEMO.pipelineName}/runs/${DEMO.runId}`,
      {
        accept: 'application/vnd.atlas.2023-01-01+json',
        authorization: `Bearer ${DEMO.accessToken}`
      }
    )
    const run = JSON.parse(served)
    expect(run.state).toBe('PENDING')
    expect(result.outputs['run']).toBe(JSON.stringify(run))
    expect(result.outputs).toMatchObject({
      state: 'PENDING',
      phase: run.phase,
      bytesExported: String(run.stats.bytesExported),
      numDocs: String(run.stats.numDocs),
      httpStatus: '200'
    })
    // PENDING is not DONE: the step fails, saying the run has not finished.
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('has not finished: it is PENDING')
  })

  it('sends a pipelineName that needs encoding in a form the spec accepts', async () => {
    const from = server.prism().output().length
    await runWithoutLeaksOrCrash(server.baseUrl(), { ...BEARER_INPUTS, pipelineName: 'nightly#1?x&y%z+é' })
    expect(violations(from)).toEqual([])
  })
})

describe('against Prism serving the Atlas spec of backup export jobs', () => {
  const server = usePrism(EXPORT_SPEC)

  it.each([
    ['plain', {}],
    ['with envelope and pretty', { envelope: 'true', pretty: 'true' }]
  ])('sends a request the spec accepts (%s), and reports the example job Prism serves', async (_name, extra) => {
    const from = server.prism().output().length
    const result = await runExportWithoutLeaksOrCrash(server.baseUrl(), { ...BEARER_INPUTS, ...extra })
    expect(requestViolations(server.prism(), from)).toEqual([])
    expect(server.prism().output().slice(from)).toContain('The request passed the validation rules')
    const { body: served } = await httpGet(
      `${server.baseUrl()}/api/atlas/v2/groups/${DEMO.groupId}/clusters/${DEMO.clusterName}/backup/exports/${DEMO.exportId}`,
      { accept: 'application/vnd.atlas.2023-01-01+json', authorization: `Bearer ${DEMO.accessToken}` }
    )
    const job = JSON.parse(served)
    expect(result.outputs['job']).toBe(JSON.stringify(job))
    expect(result.outputs).toMatchObject({ state: job.state, exportBucketId: job.exportBucketId, httpStatus: '200' })
    // Prism's example job is in the enum's first state, Cancelled: not Successful, so the step fails.
    expect(result.code).toBe(job.state === 'Successful' ? 0 : 1)
  })

  const RUNNER = {
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: 'c0ffee'
  }
  const START = { exportId: '', exportBucketId: '6750f0e1d2c3b4a596877869', timeout: '5s', pollInterval: '1s' }

  it('starts the export (POST …/backup/exports) with a body the spec accepts', async () => {
    const from = server.prism().output().length
    await runExportWithoutLeaksOrCrash(
      server.baseUrl(),
      { ...BEARER_INPUTS, ...START, snapshotId: '6750e0a1b2c3d4e5f6a7b8c9', customData: 'release=v42' },
      RUNNER
    )
    expect(requestViolations(server.prism(), from)).toEqual([])
    expect(server.prism().output().slice(from)).toMatch(
      /post \/api\/atlas\/v2\/groups\/\w+\/clusters\/Cluster0\/backup\/exports/
    )
  })

  it("reads the job's export bucket at version 2024-05-30, and makes the address of the files from its answer", async () => {
    const from = server.prism().output().length
    const result = await runExportWithoutLeaksOrCrash(server.baseUrl(), BEARER_INPUTS)
    expect(requestViolations(server.prism(), from)).toEqual([])
    const log = server.prism().output().slice(from)
    expect(log).toMatch(/get \/api\/atlas\/v2\/groups\/\w+\/backup\/exportBuckets\/\w+/i)
    const job = JSON.parse(result.outputs['job'])
    const { body: served } = await httpGet(
      `${server.baseUrl()}/api/atlas/v2/groups/${DEMO.groupId}/backup/exportBuckets/${job.exportBucketId}`,
      { accept: 'application/vnd.atlas.2024-05-30+json', authorization: `Bearer ${DEMO.accessToken}` }
    )
    const bucket = JSON.parse(served)
    expect(result.outputs).toMatchObject({ bucketName: bucket.bucketName, cloudProvider: bucket.cloudProvider })
    // Prism serves the spec's first example (an S3 bucket); its prefix is the spec's path template,
    // with a leading slash: one slash after the bucket.
    expect(bucket.cloudProvider).toBe('AWS')
    expect(result.outputs['exportUri']).toBe(`s3://${bucket.bucketName}/${String(job.prefix).replace(/^\/+/, '')}`)
  })

  it.each(['SHARDED', 'REPLICASET'])(
    'every request of start mode with takeSnapshot, on a %s cluster, is one the spec accepts',
    async (clusterType) => {
      // Prism's example answers cannot drive start mode to its end (its snapshot list always holds
      // one in progress), so the requests made to our server are replayed to Prism as they were sent.
      const fake = await startFakeAtlas()
      try {
        fake.state.clusterType = clusterType
        const result = await runExportWithoutLeaksOrCrash(
          fake.url,
          { ...BEARER_INPUTS, ...START, takeSnapshot: 'true', snapshotRetentionDays: '3' },
          RUNNER
        )
        expect(result.code).toBe(0)
        const sent = fake.requests.filter((r) => r.kind !== 'token' && r.kind !== 'revoke')
        expect(new Set(sent.map((r) => r.kind))).toEqual(
          new Set([
            'list-exports',
            'cluster',
            clusterType === 'SHARDED' ? 'list-sharded-snapshots' : 'list-snapshots',
            'post-snapshots',
            clusterType === 'SHARDED' ? 'sharded-snapshot' : 'snapshot',
            'post-exports',
            'export',
            'bucket'
          ])
        )
        for (const request of sent) {
          const from = server.prism().output().length
          const answer = await fetch(
            `${server.baseUrl()}${request.rawPath}${request.query && Object.keys(request.query).length ? `?${new URLSearchParams(request.query).toString()}` : ''}`,
            {
              method: request.method,
              headers: {
                accept: request.headers['accept'],
                ...(request.body ? { 'content-type': request.headers['content-type'] } : {}),
                authorization: `Bearer ${DEMO.accessToken}`
              },
              body: request.body || undefined
            }
          )
          await answer.arrayBuffer()
          expect([request.kind, answer.status, requestViolations(server.prism(), from)]).toEqual([
            request.kind,
            expect.any(Number),
            []
          ])
          expect([request.kind, answer.status < 400]).toEqual([request.kind, true])
        }
      } finally {
        await fake.close()
      }
    }
  )

  it('takes an on-demand snapshot (POST …/backup/snapshots) with a body the spec accepts', async () => {
    // Prism's example list always holds a snapshot in progress, so the action would wait for it
    // instead of taking one: the body it sends to our server is replayed to Prism as it was.
    const fake = await startFakeAtlas()
    try {
      await runExportWithoutLeaksOrCrash(
        fake.url,
        { ...BEARER_INPUTS, ...START, takeSnapshot: 'true', snapshotRetentionDays: '3' },
        RUNNER
      )
      const sent = fake.requests.find((r) => r.kind === 'post-snapshots')!
      const from = server.prism().output().length
      const answer = await fetch(`${server.baseUrl()}${sent.rawPath}`, {
        method: 'POST',
        headers: {
          accept: sent.headers['accept'],
          'content-type': sent.headers['content-type'],
          authorization: `Bearer ${DEMO.accessToken}`
        },
        body: sent.body
      })
      await answer.arrayBuffer()
      expect(requestViolations(server.prism(), from)).toEqual([])
      expect(server.prism().output().slice(from)).toContain('The request passed the validation rules')
      expect(JSON.parse(sent.body)).toEqual({
        description: expect.stringContaining('acme/warehouse#4242'),
        retentionInDays: 3
      })
    } finally {
      await fake.close()
    }
  })
})

describe('against Prism serving the Atlas spec of restore jobs, clusters and snapshots', () => {
  const server = usePrism(RESTORE_SPEC)
  const SNAPSHOTS = [{ id: 'b'.repeat(24), status: 'completed', createdAt: '2026-12-01T06:00:00Z' }]

  it('checks the example job Prism serves, and judges it by the state its flags give', async () => {
    const from = server.prism().output().length
    const result = await runRestoreWithoutLeaksOrCrash(server.baseUrl(), { restoreJobId: '32b6e34b3d91647abb20e7b8' })
    expect(requestViolations(server.prism(), from)).toEqual([])
    expect(server.prism().output().slice(from)).toContain('The request passed the validation rules')
    expect(result.outputs['httpStatus']).toBe('200')
    expect(['InProgress', 'Successful', 'Failed', 'Cancelled', 'Expired']).toContain(result.outputs['state'])
  })

  it.each([
    ['automated, a replica set', 'REPLICASET', { targetClusterName: 'staging-1' }],
    ['automated, a sharded cluster', 'SHARDED', { targetClusterName: 'staging-1' }],
    ['automated, a snapshot taken now', 'REPLICASET', { targetClusterName: 'staging-1', takeSnapshot: 'true' }],
    ['a download of a sharded cluster', 'SHARDED', { deliveryType: 'download' }],
    [
      'to a point in time, into another project',
      'REPLICASET',
      {
        deliveryType: 'pointInTime',
        pointInTime: '2026-12-01T05:00:00Z',
        targetClusterName: 'staging-1',
        targetGroupId: '5f4d3c2b1a09f8e7d6c5b4a3'
      }
    ]
  ])('every request of start mode (%s) is one the spec accepts', async (_case, clusterType, inputs) => {
    // Prism's example answers cannot drive a restore to its end (its job never finishes, its
    // cluster is of a fixed kind), so the requests made to our server are replayed to Prism as sent.
    const fake = await startFakeAtlas()
    try {
      fake.state.clusterType = clusterType
      fake.state.lists.snapshots = structuredClone(SNAPSHOTS)
      fake.state.clusters[`${DEMO.groupId}/Cluster0`] = { pitEnabled: true }
      const result = await runRestoreWithoutLeaksOrCrash(fake.url, { ...inputs, pollInterval: '1s', timeout: '1m' })
      expect(result.code).toBe(0)
      const sent = fake.requests.filter((r) => r.kind !== 'token' && r.kind !== 'revoke')
      expect(sent.map((r) => r.kind)).toContain('post-restoreJobs')
      for (const request of sent) {
        const replayed = await replay(server, request)
        expect(replayed).toEqual({ kind: request['kind'], status: expect.any(Number), violations: [] })
        expect([request['kind'], replayed.status < 400]).toEqual([request['kind'], true])
      }
    } finally {
      await fake.close()
    }
  })

  it('cancels a download (DELETE …/restoreJobs/{id}) in a form the spec accepts', async () => {
    const replayed = await replay(server, {
      kind: 'cancel-restore',
      method: 'DELETE',
      rawPath: `/api/atlas/v2/groups/${DEMO.groupId}/clusters/Cluster0/backup/restoreJobs/${'d'.repeat(24)}`,
      headers: { accept: 'application/vnd.atlas.2023-01-01+json' }
    })
    expect(replayed.violations).toEqual([])
  })
})

describe('our fixtures against the spec schemas', () => {
  const ajv = new Ajv({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'atlas', components: { schemas: spec.components.schemas } })
  const run = ajv.compile({ $ref: 'atlas#/components/schemas/IngestionPipelineRun', unevaluatedProperties: true })
  const error = ajv.compile({ $ref: 'atlas#/components/schemas/ApiError' })
  const STATES = ['PENDING', 'IN_PROGRESS', 'DONE', 'FAILED', 'DATASET_DELETED']

  it.each(STATES)('a %s run document matches IngestionPipelineRun', (state) => {
    const document = runDocument({ state })
    expect(run(document) ? [] : run.errors).toEqual([])
  })

  it('the schema does reject a document that drifts', () => {
    expect(run(runDocument({ state: 'FINISHED' }))).toBe(false)
    expect(run(runDocument({ groupId: 'XYZ' }))).toBe(false)
    expect(run(runDocument({ stats: { bytesExported: 1.5, numDocs: 1 } }))).toBe(false)
  })

  // The spec's prefix "pattern" is a path template (/exported_snapshots/{ORG-NAME}/…), not a regular
  // expression: Prism flags even its own answers against it, so it is not enforced on ours.
  const exportSchemas = structuredClone(exportSpec.components.schemas)
  delete exportSchemas.DiskBackupExportJob.properties.prefix.pattern
  ajv.addSchema({ $id: 'atlas-exports', components: { schemas: exportSchemas } })
  const job = ajv.compile({
    $ref: 'atlas-exports#/components/schemas/DiskBackupExportJob',
    unevaluatedProperties: true
  })

  it.each(['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled'])(
    'a %s export job document matches DiskBackupExportJob',
    (state) => {
      const document = exportDocument({
        state,
        ...(state === 'Failed' ? { stateReason: { errorCode: 'E', message: 'm' } } : {})
      })
      expect(job(document) ? [] : job.errors).toEqual([])
    }
  )

  const bucket = ajv.compile({
    $ref: 'atlas-exports#/components/schemas/DiskBackupSnapshotAWSExportBucketResponse',
    unevaluatedProperties: true
  })

  it('the export bucket document (keyed _id) matches the spec, and one keyed id does not', () => {
    expect(bucket(bucketDocument()) ? [] : bucket.errors).toEqual([])
    const { _id, ...rest } = bucketDocument()
    expect(bucket({ ...rest, id: _id })).toBe(false)
  })

  it('an export job as Atlas records it (prefix without a leading slash) and one of a sharded cluster match', () => {
    const recorded = exportDocument({
      prefix: 'exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200',
      components: [{ exportId: '6750a1b2c3d4e5f6a7b8c9d1', replicaSetName: 'atlas-abc-shard-0' }]
    })
    expect(job(recorded) ? [] : job.errors).toEqual([])
  })

  it('the export schema does reject a job that drifts', () => {
    expect(job(exportDocument({ state: 'Done' }))).toBe(false)
    expect(job(exportDocument({ exportBucketId: 'XYZ' }))).toBe(false)
    expect(job(exportDocument({ exportStatus: { exportedCollections: 1.5, totalCollections: 2 } }))).toBe(false)
  })

  it.each([
    [400, 'VALIDATION_ERROR'],
    [401, 'NOT_ORG_GROUP_CREATOR'],
    [403, 'FORBIDDEN'],
    [404, 'RESOURCE_NOT_FOUND'],
    [429, 'RATE_LIMITED'],
    [500, 'UNEXPECTED_ERROR']
  ])('a %i error body matches ApiError', (status, code) => {
    const { body } = apiError(status, code, 'detail')
    expect(error(body) ? [] : error.errors).toEqual([])
  })

  ajv.addSchema({ $id: 'atlas-restores', components: { schemas: restoreSpec.components.schemas } })
  const restoreJob = ajv.compile({
    $ref: 'atlas-restores#/components/schemas/DiskBackupSnapshotRestoreJob',
    unevaluatedProperties: true
  })
  const cluster = ajv.compile({
    $ref: 'atlas-restores#/components/schemas/ClusterDescription20240805',
    unevaluatedProperties: true
  })

  it.each([
    ['automated', 'REPLICASET', { targetClusterName: 'staging-1' }],
    ['download', 'REPLICASET', { deliveryType: 'download' }],
    ['sharded download', 'SHARDED', { deliveryType: 'download' }]
  ])('each %s restore job the fake answers, and each cluster, matches the spec', async (_case, clusterType, inputs) => {
    const fake = await startFakeAtlas()
    try {
      fake.state.clusterType = clusterType
      fake.state.lists.snapshots = [{ id: 'b'.repeat(24), status: 'completed', createdAt: '2026-12-01T06:00:00Z' }]
      await runRestoreWithoutLeaksOrCrash(fake.url, { ...inputs, pollInterval: '1s', timeout: '1m' })
      const job = fake.state.lists.restoreJobs[0]!
      const answers = [...fake.state.scripts.get(`restore:${job.id}`)].map((step) =>
        typeof step.run === 'function' ? step.run() : step.run
      )
      expect(answers.length).toBeGreaterThan(0)
      for (const answer of [job, ...answers]) {
        expect(restoreJob(answer) ? [] : restoreJob.errors).toEqual([])
        // Atlas sends no state, and the ids are ObjectIds with a real time.
        expect('state' in answer).toBe(false)
      }
      expect(Math.abs(parseInt(job.id.slice(0, 8), 16) * 1000 - Date.now())).toBeLessThan(60_000)
      const last = answers[answers.length - 1]
      if (job.deliveryType === 'download') expect(last.finishedAt).toBeUndefined()
      if (clusterType === 'SHARDED' && job.deliveryType === 'download') expect(last.components).toHaveLength(2)
      const { body } = await httpGet(`${fake.url}/api/atlas/v2/groups/${DEMO.groupId}/clusters/Cluster0`, {
        accept: 'application/vnd.atlas.2024-08-05+json',
        authorization: `Bearer ${DEMO.accessToken}`
      })
      expect(cluster(JSON.parse(body)) ? [] : cluster.errors).toEqual([])
    } finally {
      await fake.close()
    }
  })

  it('the restore job schema does reject a job that drifts', () => {
    expect(restoreJob({ deliveryType: 'later' })).toBe(false)
    expect(restoreJob({ deliveryType: 'download', id: 'XYZ' })).toBe(false)
    expect(restoreJob({})).toBe(false)
  })
})
