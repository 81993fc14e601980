// The step's outputs, as one pure map: every field known, on success and on failure alike.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../src/atlas/errors.js'
import { parseJson } from '../../../src/atlas/json.js'
import type { PollResult } from '../../../src/engine/poll.js'
import { buildOutputs } from '../../../src/report/outputs.js'
import { pipelineRun } from '../../../src/resources/pipeline-run/index.js'
import { failed, finished } from '../../support/poll-results.js'
import { buildRunOutputs } from '../../support/run-verdicts.js'
import { widgetBuild } from '../../fixtures/widget-resource.js'

describe('outputs', () => {
  it('sets every known field, with int64 stats kept to the digit', () => {
    const run = parseJson(
      '{"state":"DONE","phase":"INGESTION","datasetName":"d","stats":{"bytesExported":18446744073709551615,"numDocs":12},"snapshotId":"s"}'
    ) as Record<string, unknown>
    const outputs = buildRunOutputs(finished(run), { ok: true })
    expect(outputs).toMatchObject({
      state: 'DONE',
      phase: 'INGESTION',
      datasetName: 'd',
      snapshotId: 's',
      bytesExported: '18446744073709551615',
      numDocs: '12',
      httpStatus: '200',
      succeeded: 'true',
      polls: '1'
    })
    expect(outputs['stats']).toBe('{"bytesExported":18446744073709551615,"numDocs":12}')
    expect(JSON.parse(outputs['run']!)).toMatchObject({ state: 'DONE' })
    expect(outputs['errorCode']).toBeUndefined()
  })

  it('sets the status and error code of a failure', () => {
    const outputs = buildRunOutputs(
      failed(new AtlasError('x', { kind: 'api', status: 404, errorCode: 'RESOURCE_NOT_FOUND' })),
      { ok: false }
    )
    expect(outputs).toMatchObject({ httpStatus: '404', errorCode: 'RESOURCE_NOT_FOUND', succeeded: 'false' })
    expect(outputs['state']).toBeUndefined()
  })
})

describe('outputs, whole', () => {
  it('sets nothing it does not know, and every figure of how the check went', () => {
    const result: PollResult = {
      ...failed(new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network', errorCode: 'ECONNRESET' })),
      httpStatus: undefined,
      polls: 3,
      elapsedMs: 1499
    }
    expect(buildOutputs(result, { ok: false, headline: '', message: '' }, pipelineRun)).toStrictEqual({
      errorCode: 'ECONNRESET',
      succeeded: 'false',
      polls: '3',
      waitedSeconds: '1'
    })
  })

  it('rounds waitedSeconds to the nearest second, and sets the workflow run url when known', () => {
    const run = { state: 'DONE' }
    const outputs = buildOutputs(
      finished(run, { elapsedMs: 61_500 }),
      { ok: true, headline: '', message: '' },
      pipelineRun,
      'https://github.com/acme/data/actions/runs/42'
    )
    expect(outputs).toStrictEqual({
      state: 'DONE',
      run: '{"state":"DONE"}',
      httpStatus: '200',
      succeeded: 'true',
      polls: '1',
      waitedSeconds: '62',
      url: 'https://github.com/acme/data/actions/runs/42'
    })
  })
})

describe('outputs of any resource', () => {
  it('come from the resource: a widget build defined only in the tests', () => {
    const outputs = buildOutputs(
      finished({ status: 'READY', size: 3 }),
      { ok: true, headline: '', message: '' },
      widgetBuild
    )
    expect(outputs).toStrictEqual({
      state: 'READY',
      size: '3',
      widget: '{"status":"READY","size":3}',
      httpStatus: '200',
      succeeded: 'true',
      polls: '1',
      waitedSeconds: '0'
    })
  })
})
