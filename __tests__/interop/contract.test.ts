// The contract: the official Atlas spec (trimmed to getPipelineRun), served by Stoplight Prism,
// judges our requests; ajv holds our own fixtures to the spec's schemas.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { BEARER_INPUTS, check } from '../support/action.js'
import { apiError, DEMO, runDocument } from '../support/fake-atlas.mjs'
import { freePort, httpGet, startServer, type RunningServer } from '../support/processes.js'

const SPEC = join('__tests__', 'fixtures', 'pipeline-run.openapi.yaml')
const spec = parse(readFileSync(SPEC, 'utf8'))

describe('against Prism serving the Atlas spec', () => {
  let prism: RunningServer
  let baseUrl: string
  beforeAll(async () => {
    const port = await freePort()
    prism = await startServer(
      'Prism',
      join('node_modules', '.bin', 'prism'),
      ['mock', '--host', '127.0.0.1', '--port', String(port), SPEC],
      port,
      { timeoutMs: 60_000 }
    )
    baseUrl = `http://127.0.0.1:${port}`
  }, 70_000)
  afterAll(async () => {
    await prism?.stop()
  })

  /** Prism's log since `from`, with the violations it found in our requests. */
  const violations = (from: number) =>
    prism
      .output()
      .slice(from)
      .split('\n')
      .filter((line) => /✖|error|violation/i.test(line))

  it.each([
    ['plain', {}],
    ['with envelope and pretty', { envelope: 'true', pretty: 'true' }]
  ])('sends a request the spec accepts (%s), and reports the example run Prism serves', async (_name, extra) => {
    const from = prism.output().length
    const result = await check(baseUrl, { ...BEARER_INPUTS, ...extra })
    expect(violations(from)).toEqual([])
    expect(prism.output().slice(from)).toContain('The request passed the validation rules')
    // What Prism served, asked for directly with the same headers.
    const { body: served } = await httpGet(
      `${baseUrl}/api/atlas/v2/groups/${DEMO.groupId}/pipelines/${DEMO.pipelineName}/runs/${DEMO.runId}`,
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
    const from = prism.output().length
    await check(baseUrl, { ...BEARER_INPUTS, pipelineName: 'nightly#1?x&y%z+é' })
    expect(violations(from)).toEqual([])
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
})
