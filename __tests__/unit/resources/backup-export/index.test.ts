// The export job resource: its inputs, states and verdicts, its figures and outputs, latest and
// latest to one bucket, and the words of its steps.
import { describe, expect, it } from '@jest/globals'
import { backupExport } from '../../../../src/resources/backup-export/index.js'
import { pipelineRun } from '../../../../src/resources/pipeline-run/index.js'
import { exportDocument, runDocument } from '../../../support/fake-atlas.mjs'
import { stepFailure } from '../../../support/atlas-failure.js'
import { context, exportRef, listing, problemsFor } from '../../../support/resource-helpers.js'

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
      'exportId and exportBucketId exclude each other: give exportId to check a job, exportBucketId to start an export, ' +
        'or exportId: latest with exportBucketId to check the newest export to that bucket'
    ])
    // latest with a bucket is a check of the newest export to it; what only starting reads is refused.
    expect(
      problemsFor(backupExport, { ...exportRef, exportId: 'latest', exportBucketId: '6750f0e1d2c3b4a596877869' })
    ).toEqual([])
    expect(
      problemsFor(backupExport, {
        ...exportRef,
        exportId: 'latest',
        exportBucketId: 'nope',
        takeSnapshot: 'true',
        snapshotId: 'a'.repeat(24),
        customData: 'a=b'
      })
    ).toEqual([
      'exportBucketId "nope" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8',
      'snapshotId is set but exportId is latest (a check); snapshotId only applies when the step starts an export',
      'customData is set but exportId is latest (a check); customData only applies when the step starts an export',
      'takeSnapshot is true but exportId is latest (a check); takeSnapshot only applies when the step starts an export'
    ])
    for (const bad of ['-Cluster', 'Cluster_0', 'a b', 'x'.repeat(65)]) {
      expect(problemsFor(backupExport, { ...exportRef, clusterName: bad })).toEqual([
        expect.stringMatching(/^clusterName ".*" must be up to 64 letters, digits and hyphens/)
      ])
    }
    expect(problemsFor(backupExport, { ...exportRef, clusterName: 'a'.repeat(64) })).toEqual([])
    expect(problemsFor(backupExport, { ...exportRef, exportId: 'nope' })).toEqual([
      'exportId "nope" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8'
    ])
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

  it('leads with collections, the shards of a sharded cluster, and the time the export took', () => {
    expect(backupExport.headlineFacts(exportDocument())).toEqual(['12 of 12 collections'])
    expect(backupExport.headlineFacts({ state: 'Queued' })).toEqual([])
    expect(backupExport.headlineFacts({ exportStatus: { exportedCollections: 5 } })).toEqual(['5 of ? collections'])
    expect(backupExport.keyFigures(exportDocument())).toEqual([
      ['Collections', '12 of 12 collections'],
      ['Shards', undefined],
      ['Export took', '14m 52s']
    ])
    expect(
      backupExport.keyFigures({
        exportStatus: { totalCollections: 3 },
        createdAt: 'soon',
        components: [{ exportId: 'a', replicaSetName: 'rs0' }, { replicaSetName: 'rs1' }, 'junk', null]
      })
    ).toEqual([
      ['Collections', '? of 3 collections'],
      ['Shards', '2'],
      ['Export took', undefined]
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
      headline: 'Failed (Bucket gone)',
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

describe('latest', () => {
  it('is the newest export job of the cluster that has an id', async () => {
    const { steps, lines, listed } = listing([
      { id: 'a'.repeat(24), createdAt: '2026-11-28T00:00:00Z' },
      { id: 7, createdAt: '2026-11-29T00:00:00Z' },
      { id: 'b'.repeat(24), createdAt: '2026-11-27T00:00:00Z' }
    ])
    const prepared = await backupExport.prepare({ ...exportRef, exportId: 'latest' }, steps)
    expect(prepared).toEqual({ ref: { ...exportRef, exportId: 'a'.repeat(24) } })
    expect(listed).toEqual([['groups', exportRef.groupId, 'clusters', 'Cluster0', 'backup', 'exports']])
    expect(lines).toEqual([`Newest export job: ${'a'.repeat(24)}, created 2026-11-28T00:00:00Z (1 of 3).`])
    const none = await stepFailure(backupExport.prepare({ ...exportRef, exportId: 'latest' }, listing([]).steps))
    expect([none.kind, none.message, none.step?.what, none.step?.role]).toEqual([
      'empty',
      'Atlas lists no export job of cluster Cluster0',
      'list the export jobs of the cluster',
      'Project Backup Manager'
    ])
  })
})

describe("latest to one bucket (a scheduled export's gate)", () => {
  const BUCKET = '6750f0e1d2c3b4a596877869'
  const ref = { ...exportRef, exportId: 'latest', bucket: BUCKET }

  it('is the newest job to that bucket, however new the jobs to other buckets', async () => {
    const { steps, lines, done } = listing([
      { id: 'a'.repeat(24), exportBucketId: BUCKET, createdAt: '2026-11-28T00:00:00Z' },
      { id: 'b'.repeat(24), exportBucketId: 'c'.repeat(24), createdAt: '2026-11-29T00:00:00Z' },
      { id: 'd'.repeat(24), exportBucketId: BUCKET, createdAt: '2026-11-27T00:00:00Z' }
    ])
    expect(await backupExport.prepare(ref, steps)).toEqual({ ref: { ...ref, exportId: 'a'.repeat(24) } })
    expect(lines).toEqual([
      `Newest export job to bucket ${BUCKET}: ${'a'.repeat(24)}, created 2026-11-28T00:00:00Z (1 of 3).`
    ])
    expect(done).toEqual([
      `Export job ${'a'.repeat(24)}: the newest to bucket ${BUCKET}, created 2026-11-28T00:00:00Z (of 3 listed)`
    ])
  })

  it('without one, says so and points at the backup policy', async () => {
    const { steps } = listing([{ id: 'b'.repeat(24), exportBucketId: 'c'.repeat(24) }])
    const none = await stepFailure(backupExport.prepare(ref, steps))
    expect(none.message).toBe(`Atlas lists no export job of cluster Cluster0 to bucket ${BUCKET}`)
    expect(none.headline).toBe(`nothing to check: no export job of cluster Cluster0 to bucket ${BUCKET}`)
    expect(none.hint).toMatch(/^Check clusterName and exportBucketId\. For scheduled exports, .*autoExportEnabled/)
    const plain = await stepFailure(backupExport.prepare({ ...exportRef, exportId: 'latest' }, listing([]).steps))
    expect(plain.hint).toBe(
      'Check groupId and clusterName, or start an export first (give exportBucketId instead of exportId).'
    )
  })

  it('adds no line and no warning after the check when the job names no bucket', async () => {
    expect(await backupExport.followUp!(ref, { state: 'Successful' }, listing([]).steps, { passed: true })).toEqual({
      outputs: {},
      lines: [],
      warnings: []
    })
  })

  it('names the bucket where it names the job', () => {
    expect(backupExport.describe(ref)).toBe(`The latest export job of cluster Cluster0 to bucket ${BUCKET}`)
    // The summary's details show the bucket from the job itself, once.
    expect(backupExport.refRows(ref).map(([label]) => label)).toEqual(['Cluster', 'Export job', 'Project'])
  })

  it('is the only ref maxAge measures, from createdAt (createdDate for a run)', () => {
    expect([backupExport.isLatest(ref), backupExport.isLatest(exportRef)]).toEqual([true, false])
    expect(backupExport.createdAt(exportDocument())).toBe('2026-11-28T02:00:00Z')
    const runRef = { groupId: exportRef.groupId, pipelineName: 'p', runId: 'latest' }
    expect([pipelineRun.isLatest(runRef), pipelineRun.isLatest({ ...runRef, runId: 'a'.repeat(24) })]).toEqual([
      true,
      false
    ])
    expect(pipelineRun.createdAt(runDocument())).toBe('2026-11-27T02:00:00Z')
  })
})

describe('a step before the check that Atlas answers 404', () => {
  it('is named for that step, not for the export job', () => {
    expect(backupExport.notFound(404, 'list the snapshots of the cluster')).toEqual({
      headline: 'not found (404) while trying to list the snapshots of the cluster',
      hint: "Check groupId and clusterName (Atlas's detail above names what it did not find), and exportBucketId and snapshotId when given."
    })
    expect(backupExport.notFound(410).headline).toBe('export job gone (410)')
  })
})

describe('the export job, field by field', () => {
  it('names itself by what the step does', () => {
    expect(backupExport.describe({ ...exportRef, exportId: '' })).toBe(
      'The export job this step starts, of cluster Cluster0'
    )
    expect(backupExport.describe({ ...exportRef, exportId: 'latest' })).toBe(
      'The latest export job of cluster Cluster0'
    )
    expect(backupExport.subject(exportRef)).toBe('Cluster0 export')
    expect(backupExport.refRows(exportRef)).toEqual([
      ['Cluster', { api: 'Cluster0' }],
      ['Export job', { api: exportRef.exportId }],
      ['Project', { api: exportRef.groupId }]
    ])
    expect(backupExport.groupId(exportRef)).toBe(exportRef.groupId)
  })

  it('waits by default only when it starts the export', () => {
    const problems: string[] = []
    const starting = backupExport.readRef(
      (name) => ({ ...exportRef, exportId: '', exportBucketId: exportRef.groupId })[name] ?? '',
      problems
    )
    expect(problems).toEqual([])
    expect(backupExport.waitByDefault!(starting)).toBe(true)
    expect(backupExport.waitByDefault!(exportRef)).toBe(false)
  })

  it('shows every detail, and stands in "?" for what a custom datum or a shard lacks', () => {
    const job = {
      state: 'Failed',
      stateReason: { message: 'M1' },
      customData: [{ key: 'k' }, { value: 'v' }, 'x'],
      components: [{ replicaSetName: 'rs0' }, {}, null, 'rs9']
    }
    expect(backupExport.details(job)).toEqual([
      ['State', { api: 'Failed' }],
      ['State reason', { api: 'M1' }],
      ['Snapshot', undefined],
      ['Export bucket', undefined],
      ['Prefix', undefined],
      ['Created', undefined],
      ['Finished', undefined],
      ['Custom data', { api: 'k=, ?=v' }],
      ['Shards', { api: 'rs0 (?), ? (?)' }]
    ])
    expect(Object.fromEntries(backupExport.details({ stateReason: { errorCode: 'E1' } }))['State reason']).toEqual({
      api: 'E1'
    })
  })

  it("keeps Atlas's reason whole, ending it once", () => {
    const judged = backupExport.judgeState(
      'Failed',
      { stateReason: { message: 'Bucket gone. Ask the owner.' } },
      context()
    )
    expect(judged?.message).toBe('Export job X of cluster Cluster0 Failed: Bucket gone. Ask the owner.')
  })

  it('judges Failed with a code, and without a prefix', () => {
    const judged = backupExport.judgeState(
      'Failed',
      { stateReason: { errorCode: 'E1', message: 'Bucket gone.' } },
      context()
    )
    expect(judged).toEqual({
      headline: 'Failed (E1: Bucket gone)',
      message: 'Export job X of cluster Cluster0 Failed: E1: Bucket gone.',
      hint: 'Atlas does not retry a failed export, and it leaves the files it wrote under the prefix in the bucket: remove them, fix the cause, then start a new export.'
    })
    expect(backupExport.judgeState('Queued', {}, context())?.headline).toBe('not finished, Queued')
    expect(backupExport.judgeState('Queued', {}, context())?.message).toBe(
      'Export job X of cluster Cluster0 has not finished: it is Queued.'
    )
    expect(backupExport.judgeState('Cancelled', {}, context())?.message).toBe(
      'Export job X of cluster Cluster0 was Cancelled.'
    )
  })

  it('says what to check when Atlas cannot find the job', () => {
    expect(backupExport.notFound(404).hint).toBe(
      'Check groupId, clusterName and exportId: the export jobs of a cluster are under Backup, Snapshots, Export in the Atlas UI, and the id is the one POST /backup/exports returned.'
    )
  })
})
