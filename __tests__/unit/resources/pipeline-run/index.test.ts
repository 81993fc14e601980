// The pipeline run resource: its inputs, states and verdicts, its figures and outputs, and latest.
import { describe, expect, it } from '@jest/globals'
import { backupExport } from '../../../../src/resources/backup-export/index.js'
import { pipelineRun } from '../../../../src/resources/pipeline-run/index.js'
import { runDocument } from '../../../support/fake-atlas.mjs'
import { stepFailure } from '../../../support/atlas-failure.js'
import { exportRef, listing, problemsFor } from '../../../support/resource-helpers.js'

describe('the pipeline run resource', () => {
  it('keeps every digit of int64 stats in its outputs and headline', () => {
    const run = runDocument({ stats: { bytesExported: 2n ** 63n, numDocs: 9007199254740993n } })
    expect(pipelineRun.outputs(run)).toMatchObject({
      bytesExported: '9223372036854775808',
      numDocs: '9007199254740993'
    })
    expect(pipelineRun.headlineFacts(run)).toEqual(['9,007,199,254,740,993 documents', '8.0 EiB'])
    expect(pipelineRun.headlineFacts(runDocument({ stats: undefined }))).toEqual([])
  })

  it('works out how long the run took, only from dates in order', () => {
    expect(pipelineRun.keyFigures(runDocument())).toContainEqual(['Run took', '41m 17s'])
    expect(pipelineRun.keyFigures(runDocument({ lastUpdatedDate: '2026-11-26T00:00:00Z' }))).toContainEqual([
      'Run took',
      undefined
    ])
  })

  it('points a 404 and a 410 to the sunset and the export action', () => {
    expect(pipelineRun.notFound(404).hint).toContain('backup-export action')
    expect(pipelineRun.notFound(410).hint).toMatch(/gone for good.*backup-export action/)
    expect(pipelineRun.notFound(410).hint).not.toContain('check groupId')
  })
})

describe('latest', () => {
  const runRef = { groupId: '32b6e34b3d91647abb20e7b8', pipelineName: 'nightly', runId: 'latest' }

  it('is the newest run of the pipeline that has an id, said in the log and set as the runId output', async () => {
    const { steps, lines, listed } = listing([
      { _id: 'a'.repeat(24), createdDate: '2026-11-27T00:00:00Z' },
      { _id: 'b'.repeat(24), createdDate: '2026-11-28T00:00:00Z' },
      { _id: 7, createdDate: '2026-11-29T00:00:00Z' }
    ])
    const prepared = await pipelineRun.prepare(runRef, steps)
    expect(prepared).toEqual({ ref: { ...runRef, runId: 'b'.repeat(24) }, outputs: { runId: 'b'.repeat(24) } })
    expect(listed).toEqual([['groups', runRef.groupId, 'pipelines', 'nightly', 'runs']])
    expect(lines).toEqual([`Newest run: ${'b'.repeat(24)}, created 2026-11-28T00:00:00Z (1 of 3).`])
  })
  it('fails when the newest run has no id, or there is none, naming the step', async () => {
    for (const runs of [[], [{ createdDate: '2026-11-28T00:00:00Z' }]]) {
      const error = await stepFailure(pipelineRun.prepare(runRef, listing(runs).steps))
      expect([error.kind, error.message, error.step?.what, error.step?.role]).toEqual([
        'empty',
        'Atlas lists no run of pipeline nightly',
        'list the runs of the pipeline',
        'Project Read Only'
      ])
    }
  })
  it('says when the newest run has no date', async () => {
    const { steps, lines } = listing([{ _id: 'c'.repeat(24) }])
    await pipelineRun.prepare(runRef, steps)
    expect(lines).toEqual([`Newest run: ${'c'.repeat(24)}, created at an unknown time (1 of 1).`])
  })
  it('is not looked up for a run id', async () => {
    const { steps, listed } = listing([])
    const ref = { ...runRef, runId: 'd'.repeat(24) }
    expect(await pipelineRun.prepare(ref, steps)).toEqual({ ref })
    expect(await backupExport.prepare(exportRef, steps)).toEqual({ ref: exportRef })
    expect(listed).toEqual([])
  })
})

describe('the pipeline run, field by field', () => {
  const ref = { groupId: '32b6e34b3d91647abb20e7b8', pipelineName: 'nightly', runId: '6650f1a2b3c4d5e6f7a8b9c0' }

  it('reads its inputs, naming each rule in words', () => {
    expect(problemsFor(pipelineRun, { ...ref })).toEqual([])
    expect(problemsFor(pipelineRun, { ...ref, runId: 'latest' })).toEqual([])
    expect(problemsFor(pipelineRun, {})).toEqual([
      'groupId is required: the Atlas project id, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8',
      'pipelineName is required: the name of the Data Lake pipeline',
      'runId is required: the pipeline run id, or latest, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8'
    ])
    expect(problemsFor(pipelineRun, { ...ref, runId: `${ref.runId}0`, pipelineName: 'a\uDC00' })).toEqual([
      'pipelineName contains a broken Unicode character (a lone surrogate) that cannot be sent in a URL',
      `runId "${ref.runId}0" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    ])
    expect(problemsFor(pipelineRun, { ...ref, groupId: `x${ref.groupId}` })).toEqual([
      `groupId "x${ref.groupId}" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    ])
  })

  it('names itself and its rows', () => {
    expect(pipelineRun.describe(ref)).toBe('Pipeline run 6650f1a2b3c4d5e6f7a8b9c0 of nightly')
    expect(pipelineRun.describe({ ...ref, runId: 'latest' })).toBe('The latest run of nightly')
    expect(pipelineRun.subject(ref)).toBe('nightly')
    expect(pipelineRun.refRows(ref)).toEqual([
      ['Pipeline', { api: 'nightly' }],
      ['Run', { api: ref.runId }],
      ['Project', { api: ref.groupId }]
    ])
    expect(pipelineRun.groupId(ref)).toBe(ref.groupId)
    expect(pipelineRun.stage({ phase: 'EXPORT' })).toBe('EXPORT')
    expect(pipelineRun.state({ state: 3 })).toBe('3')
  })

  it('shows every detail it has, the retention policy as one value', () => {
    const run = runDocument({
      datasetRetentionPolicy: { value: 7, units: 'DAYS' },
      backupFrequencyType: 'DAILY',
      scheduledDeletionDate: '2026-12-27T00:00:00Z',
      snapshotId: 's1',
      pipelineId: 'p1'
    })
    expect(pipelineRun.details(run)).toEqual([
      ['State', { api: run['state'] }],
      ['Phase', { api: run['phase'] }],
      ['Dataset', run['datasetName'] === undefined ? undefined : { api: run['datasetName'] }],
      ['Backup frequency', { api: 'DAILY' }],
      ['Retention', { api: '7 DAYS' }],
      ['Created', { api: run['createdDate'] }],
      ['Last updated', { api: run['lastUpdatedDate'] }],
      ['Scheduled deletion', { api: '2026-12-27T00:00:00Z' }],
      ['Snapshot', { api: 's1' }],
      ['Pipeline id', { api: 'p1' }]
    ])
    const partial = Object.fromEntries(pipelineRun.details({ datasetRetentionPolicy: { units: 'WEEKS' } }))
    expect(partial['Retention']).toEqual({ api: 'WEEKS' })
    expect(Object.fromEntries(pipelineRun.details({ datasetRetentionPolicy: {} }))['Retention']).toBeUndefined()
  })

  it('shows the figures it has: documents, bytes exported, and how long the run took', () => {
    expect(
      pipelineRun.keyFigures({
        stats: { bytesExported: 2048, numDocs: 3 },
        createdDate: '2026-11-28T00:00:00Z',
        lastUpdatedDate: '2026-11-28T00:00:05Z'
      })
    ).toEqual([
      ['Documents', '3'],
      ['Exported', '2.0 KiB (2,048 bytes)'],
      ['Run took', '5s']
    ])
    expect(pipelineRun.keyFigures({ stats: { bytesExported: '2048', numDocs: null } })).toEqual([
      ['Documents', undefined],
      ['Exported', undefined],
      ['Run took', undefined]
    ])
    expect(pipelineRun.headlineFacts({ stats: { bytesExported: 1024 } })).toEqual(['1.0 KiB'])
  })

  it('sets the stats outputs only when Atlas sent stats', () => {
    const outputs = pipelineRun.outputs({ state: 'DONE', stats: { numDocs: 5 } })
    expect(outputs).toMatchObject({ state: 'DONE', stats: '{"numDocs":5}', numDocs: '5', bytesExported: undefined })
    expect(Object.keys(pipelineRun.outputs({ state: 'DONE' }))).not.toContain('stats')
  })

  it.each([
    ['PENDING', 'EXPORT', false, 'not finished, PENDING (EXPORT)', 'has not finished: it is PENDING (phase EXPORT).'],
    ['IN_PROGRESS', undefined, true, 'not finished, IN_PROGRESS', 'has not finished: it is IN_PROGRESS.'],
    ['FAILED', 'INGESTION', false, 'FAILED in INGESTION', 'FAILED in phase INGESTION.'],
    ['FAILED', undefined, false, 'FAILED', 'FAILED.']
  ])('judges %s in phase %s (wait %s)', (state, phase, wait, headline, message) => {
    const judged = pipelineRun.judgeState(state, phase === undefined ? {} : { phase }, {
      wait,
      successStates: ['DONE'],
      described: 'Run R'
    })
    expect(judged?.headline).toBe(headline)
    expect(judged?.message).toBe(`Run R ${message}`)
    // Only a one-shot check is told to wait: a wait that stopped on this state has nothing to add.
    expect(judged?.hint === undefined).toBe(wait)
  })

  it('names every success state when a run is DATASET_DELETED', () => {
    const judged = pipelineRun.judgeState(
      'DATASET_DELETED',
      {},
      {
        wait: false,
        successStates: ['DONE', 'FAILED'],
        described: 'Run R'
      }
    )
    expect(judged).toEqual({
      headline: 'DATASET_DELETED: its dataset has been deleted',
      message: 'Run R is DATASET_DELETED: its dataset has been deleted.',
      hint: 'Trigger a new run, or add DATASET_DELETED to successStates if that is expected (successStates is DONE, FAILED).'
    })
  })

  it('says exactly what a 404 and a 410 mean now', () => {
    expect(pipelineRun.notFound(404)).toEqual({
      headline: 'run not found (404) — Data Lake Pipelines were sunset on 2025-09-30',
      hint: 'Data Lake Pipelines were sunset on 2025-09-30, so Atlas may no longer serve this run at all (see https://dochub.mongodb.org/core/data-lake-deprecation); the backup-export action of this repository checks their successor, snapshot export jobs. If the pipeline still exists, check groupId, pipelineName and runId.'
    })
    expect(pipelineRun.notFound(410)).toEqual({
      headline: 'run gone (410) — Data Lake Pipelines were sunset on 2025-09-30',
      hint: 'Atlas says this run is gone for good: Data Lake Pipelines were sunset on 2025-09-30 (see https://dochub.mongodb.org/core/data-lake-deprecation). Cloud Backup snapshot exports replace them: see the backup-export action of this repository.'
    })
  })
})
