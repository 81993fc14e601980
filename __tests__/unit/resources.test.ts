// The resource modules: what differs between a pipeline run and an export job, as pure data and
// functions. The engine's behaviour with each is covered by the action-level suites; here, what
// each module says about its own documents.
import { describe, expect, it } from '@jest/globals'
import { backupExport } from '../../src/resources/backup-export.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'
import { exportDocument, runDocument } from '../support/fake-atlas.mjs'

const exportRef = {
  groupId: '32b6e34b3d91647abb20e7b8',
  clusterName: 'Cluster0',
  exportId: '6750a1b2c3d4e5f6a7b8c9d0'
}
const context = (wait = false) => ({
  wait,
  successStates: ['Successful'],
  described: 'Export job X of cluster Cluster0'
})

function problemsFor(resource: typeof backupExport | typeof pipelineRun, inputs: Record<string, string>): string[] {
  const problems: string[] = []
  ;(resource.readRef as (input: (name: string) => string, problems: string[]) => unknown)(
    (name) => inputs[name] ?? '',
    problems
  )
  return problems
}

describe('the export job resource', () => {
  it('reads its three inputs, naming each rule in words', () => {
    expect(problemsFor(backupExport, { ...exportRef })).toEqual([])
    expect(problemsFor(backupExport, {})).toEqual([
      'groupId is required: the Atlas project id, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8',
      'clusterName is required: the name of the Atlas cluster, like Cluster0',
      'exportId is required (an export job id, or latest), unless exportBucketId is given to start an export'
    ])
    expect(problemsFor(backupExport, { ...exportRef, exportId: 'latest' })).toEqual([])
    expect(problemsFor(backupExport, { ...exportRef, exportBucketId: '6750f0e1d2c3b4a596877869' })).toEqual([
      'exportId and exportBucketId exclude each other: give exportId to check a job, or exportBucketId to start one'
    ])
    for (const bad of ['-Cluster', 'Cluster_0', 'a b', 'x'.repeat(65)]) {
      expect(problemsFor(backupExport, { ...exportRef, clusterName: bad })).toEqual([
        expect.stringMatching(/^clusterName ".*" must be up to 64 letters, digits and hyphens/)
      ])
    }
    expect(problemsFor(backupExport, { ...exportRef, clusterName: 'a'.repeat(64) })).toEqual([])
  })

  it('addresses the job under its cluster', () => {
    expect(backupExport.path(exportRef)).toEqual([
      'groups',
      exportRef.groupId,
      'clusters',
      'Cluster0',
      'backup',
      'exports',
      exportRef.exportId
    ])
    expect(backupExport.describe(exportRef)).toBe('Export job 6750a1b2c3d4e5f6a7b8c9d0 of cluster Cluster0')
  })

  it('knows which states are final', () => {
    expect(backupExport.terminalStates).toEqual(['Successful', 'Failed', 'Cancelled'])
    expect(backupExport.states).toEqual(['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled'])
    expect(backupExport.stage(exportDocument())).toBeUndefined()
  })

  it('sets every output it knows, and leaves out what the job lacks', () => {
    expect(
      backupExport.outputs(exportDocument({ state: 'Failed', stateReason: { errorCode: 'E1', message: 'M1' } }))
    ).toEqual({
      state: 'Failed',
      exportId: '6750a1b2c3d4e5f6a7b8c9d0',
      snapshotId: '6750e0a1b2c3d4e5f6a7b8c9',
      exportBucketId: '6750f0e1d2c3b4a596877869',
      prefix: '/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200',
      exportedCollections: '12',
      totalCollections: '12',
      stateReasonCode: 'E1',
      stateReasonMessage: 'M1',
      createdAt: '2026-11-28T02:00:00Z',
      finishedAt: '2026-11-28T02:14:52Z'
    })
    const bare = backupExport.outputs({ state: 'Queued', exportStatus: 'not an object', stateReason: null })
    expect(Object.entries(bare).filter(([, v]) => v !== undefined)).toEqual([['state', 'Queued']])
  })

  it('leads with collections, the time the export took, and where the files are', () => {
    expect(backupExport.headlineFacts(exportDocument())).toEqual(['12 of 12 collections'])
    expect(backupExport.headlineFacts({ state: 'Queued' })).toEqual([])
    expect(backupExport.keyFigures(exportDocument())).toEqual([
      ['Collections', '12 of 12 collections'],
      ['Export took', '14m 52s'],
      ['Files under', { api: '/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200' }]
    ])
    expect(backupExport.keyFigures({ exportStatus: { totalCollections: 3 }, createdAt: 'soon' })).toEqual([
      ['Collections', '? of 3 collections'],
      ['Export took', undefined],
      ['Files under', undefined]
    ])
  })

  it('folds the ids, dates, reason, custom data and shards into the details', () => {
    const details = Object.fromEntries(
      backupExport.details(
        exportDocument({
          state: 'Failed',
          stateReason: { errorCode: 'E1', message: 'M1' },
          components: [
            { replicaSetName: 'rs0', exportId: 'aaa' },
            { replicaSetName: 'rs1', exportId: 'bbb' }
          ]
        })
      )
    )
    expect(details).toMatchObject({
      'State reason': { api: 'E1: M1' },
      'Custom data': { api: 'release=v42' },
      Shards: { api: 'rs0 (aaa), rs1 (bbb)' },
      'Export bucket': { api: '6750f0e1d2c3b4a596877869' }
    })
  })

  it.each([
    ['Queued', false, 'not finished, Queued (12 of 12 collections)', 'Set wait: true'],
    ['InProgress', true, 'not finished, InProgress (12 of 12 collections)', undefined],
    [
      'Cancelled',
      false,
      'Cancelled',
      'Start a new export if it is still needed, or add Cancelled to successStates if that is expected.'
    ]
  ])('judges %s (wait %s)', (state, wait, headline, hint) => {
    const verdict = backupExport.judgeState(state, exportDocument({ state }), context(wait))
    expect(verdict?.headline).toBe(headline)
    expect(verdict?.hint).toBe(
      hint === 'Set wait: true' ? 'Set wait: true to block until the export finishes, or run this check later.' : hint
    )
  })

  it('leaves Successful outside successStates to the engine', () => {
    expect(backupExport.judgeState('Successful', exportDocument(), context())).toBeUndefined()
  })

  it('judges Failed with the reason, and tells where the partial files are', () => {
    const verdict = backupExport.judgeState(
      'Failed',
      exportDocument({ state: 'Failed', stateReason: { message: 'Bucket gone.' } }),
      context()
    )
    expect(verdict).toEqual({
      headline: 'Failed',
      message: 'Export job X of cluster Cluster0 Failed: Bucket gone.',
      hint: 'Atlas does not retry a failed export, and it leaves the files it wrote under the prefix /exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200 in the bucket: remove them, fix the cause, then start a new export.'
    })
    expect(backupExport.judgeState('Failed', { state: 'Failed' }, context())?.message).toBe(
      'Export job X of cluster Cluster0 Failed.'
    )
  })

  it('names the role and the inputs to check when Atlas cannot find the job', () => {
    expect(backupExport.readRole).toBe('Project Backup Manager')
    expect(backupExport.notFound(404)).toEqual({
      headline: 'export job not found (404)',
      hint: expect.stringContaining('Check groupId, clusterName and exportId')
    })
    expect(backupExport.notFound(410).headline).toBe('export job gone (410)')
  })
})

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
