// The verdict for what happens around the check: a step before it that failed (named for that
// step, with the faults it met and whether running the job again is safe), and the age of the
// newest one under maxAge; and the verdicts of the check itself, each kind of failure with its words.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../src/atlas/errors.js'
import { formatAge } from '../../../src/engine/units.js'
import type { PollResult } from '../../../src/engine/poll.js'
import { DEADLINE, StepError } from '../../../src/engine/step-error.js'
import { during, stepEnded } from '../../support/step-errors.js'
import { backupExport } from '../../../src/resources/backup-export/index.js'
import { STEPS } from '../../../src/resources/backup-export/start.js'
import { pipelineRun } from '../../../src/resources/pipeline-run/index.js'
import { readSettings } from '../../../src/engine/settings.js'
import { judge as judgeWith, MAX_HEADLINE, tooOld } from '../../../src/engine/verdict.js'
import { exportDocument, runDocument } from '../../support/fake-atlas.mjs'
import { failed, finished } from '../../support/poll-results.js'
import { judgeRun, renderRunSummary, RUN, runSettings } from '../../support/run-verdicts.js'
import { widgetBuild } from '../../fixtures/widget-resource.js'

const GROUP = '32b6e34b3d91647abb20e7b8'
const BUCKET = '6750f0e1d2c3b4a596877869'
const startSettings = (extra: Record<string, string> = {}) =>
  readSettings(
    backupExport,
    (name) =>
      ({ groupId: GROUP, clusterName: 'Cluster0', exportBucketId: BUCKET, accessToken: 't', timeout: '45s', ...extra })[
        name
      ] ?? '',
    {}
  )
const SNAPSHOT = 'a'.repeat(24)

/** A step's failure as run.ts hands it to judge: no document, the error naming the step. */
function stepFailed(error: StepError, ending: PollResult['ending'], extra: Partial<PollResult> = {}): PollResult {
  return { ...failed(error, { elapsedMs: 45_000, polls: 12, ...extra }), ending }
}

describe('a step before the check that ran out of time', () => {
  const timedOut = during(
    new AtlasError('The deadline (timeout) passed while trying to wait for the snapshot', {
      kind: 'timeout',
      errorCode: DEADLINE
    }),
    STEPS.waitSnapshot,
    { lastSeen: `snapshot ${SNAPSHOT} is inProgress`, faults: [] }
  )

  it('names the snapshot and its last status, never "Atlas never answered"', () => {
    const verdict = judgeWith(stepFailed(timedOut, 'timeout'), startSettings(), backupExport)
    expect(verdict).toEqual({
      ok: false,
      headline: `Cluster0 export: timed out while trying to wait for the snapshot; snapshot ${SNAPSHOT} is inProgress`,
      message: `Timed out after 45s (12 requests) while trying to wait for the snapshot: snapshot ${SNAPSHOT} is inProgress. No export was started.`,
      hint:
        'Raise timeout: one timeout covers every step and the check (now 45s). Running the job again is safe: ' +
        'it uses the snapshot this run took instead of taking another, and it will not start a second export.'
    })
  })

  it('names the faults of the last requests when they failed', () => {
    const faulted = during(new AtlasError('x', { kind: 'timeout', errorCode: DEADLINE }), STEPS.listSnapshots, {
      faults: ['Atlas API 503', 'ECONNRESET']
    })
    expect(judgeWith(stepFailed(faulted, 'timeout'), startSettings(), backupExport).message).toBe(
      'Timed out after 45s (12 requests) while trying to list the snapshots of the cluster. The last requests failed: Atlas API 503, ECONNRESET. No export was started.'
    )
  })
})

describe('a step before the check that the rate limit held up until the deadline', () => {
  it('says so, and what to do, instead of only "raise timeout"', () => {
    const timedOut = new StepError(
      'The deadline (timeout) passed while trying to list the snapshots',
      STEPS.listSnapshots,
      {
        kind: 'timeout',
        errorCode: DEADLINE,
        faults: []
      }
    )
    const verdict = judgeWith(
      stepFailed(timedOut, 'timeout', { rateLimits: { count: 5, waitedMs: 44_000 } }),
      startSettings(),
      backupExport
    )
    expect(verdict.headline).toBe(
      'Cluster0 export: timed out while trying to list the snapshots of the cluster (rate-limited 5 times)'
    )
    expect(verdict.message).toContain('Atlas rate-limited 5 requests (429), and the waits for it took 44s.')
    expect(verdict.hint).toMatch(
      /^Atlas kept answering 429 \(rate limited\) 5 times: .*max-parallel on a matrix\)\. Running the job again is safe/
    )
  })
})

describe('a step before the check that the deadline ended before Atlas ever answered', () => {
  const refused = new AtlasError('Could not reach Atlas at http://127.0.0.1:9 (ECONNREFUSED)', {
    kind: 'network',
    errorCode: 'ECONNREFUSED',
    retryable: true
  })
  const timedOut = new StepError(
    'The deadline (timeout) passed while trying to list the export jobs',
    STEPS.listExports,
    {
      kind: 'timeout',
      errorCode: DEADLINE,
      faults: ['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED'],
      lastFault: refused
    }
  )

  it('counts the attempts, and gives the baseUrl and network advice, never "raise timeout"', () => {
    const verdict = judgeWith(
      stepFailed(timedOut, 'timeout', { polls: 4, elapsedMs: 5000 }),
      startSettings(),
      backupExport
    )
    expect(verdict.message).toBe(
      'Timed out after 5s (4 requests) while trying to list the export jobs of the cluster. The last requests failed: ECONNREFUSED ×4. No export was started.'
    )
    expect(verdict.hint).toBe(
      "Atlas never answered in this run (ECONNREFUSED). Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY). Running the job again is safe: it will not start a second export."
    )
  })

  it('says to raise timeout once Atlas has answered in the run', () => {
    const verdict = judgeWith(
      stepFailed(timedOut, 'timeout', { polls: 4, elapsedMs: 5000, atlasAnswered: true }),
      startSettings(),
      backupExport
    )
    expect(verdict.hint).toMatch(/^Raise timeout: one timeout covers every step and the check \(now 45s\)\./)
  })
})

describe('the inputs a failure asks to check', () => {
  it("are the resource's own, in words", () => {
    const settings = readSettings(
      backupExport,
      (name) => ({ groupId: GROUP, clusterName: 'Cluster0', exportId: SNAPSHOT, accessToken: 't' })[name] ?? '',
      {}
    )
    const rejected = new AtlasError('Atlas API 400', { kind: 'api', status: 400 })
    expect(judgeWith(failed(rejected), settings, backupExport).hint).toBe(
      'Atlas rejected the request; check groupId, clusterName and exportId.'
    )
  })
})

describe('the words of a step that failed, whatever it carries', () => {
  const step = { what: 'read the widget', role: 'Project Read Only' }
  const judgeStep = (error: StepError, extra: Partial<PollResult> = {}) =>
    judgeWith(stepFailed(error, 'error', extra), startSettings(), backupExport)

  it('ran out of time with nothing seen and no faults: the step alone', () => {
    const error = during(new AtlasError('x', { kind: 'timeout', errorCode: DEADLINE }), step)
    const verdict = judgeWith(stepFailed(error, 'timeout'), startSettings(), backupExport)
    expect([verdict.headline, verdict.message]).toEqual([
      'Cluster0 export: timed out while trying to read the widget',
      'Timed out after 45s (12 requests) while trying to read the widget.'
    ])
  })

  it("keeps Atlas's sentences whole and ends them once before the step's note", () => {
    const error = during(
      new AtlasError('Atlas API 403 FORBIDDEN: No access. Ask an admin.', {
        kind: 'api',
        status: 403
      }),
      { ...step, note: 'No export was started.' }
    )
    expect(judgeStep(error).message).toBe('Atlas API 403 FORBIDDEN: No access. Ask an admin. No export was started.')
  })

  it('says a re-run is safe as the whole hint when nothing else is to be done', () => {
    const error = during(new AtlasError('Atlas API 418', { kind: 'api', status: 418 }), {
      ...step,
      rerun: 'it reads only'
    })
    expect(judgeStep(error).hint).toBe('Running the job again is safe: it reads only.')
  })

  it('explains one fault of a step that is not retried (a POST) as that fault, not as "faults in a row"', () => {
    const error = during(new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true }), step, {
      faults: ['Atlas API 503']
    })
    expect(judgeStep(error).headline).toBe('Cluster0 export: Atlas failed (503)')
  })

  it('explains a fault that cannot be retried as itself, whatever came before it', () => {
    const error = during(new AtlasError('Atlas API 400', { kind: 'api', status: 400 }), step, {
      faults: ['Atlas API 503', 'Atlas API 400']
    })
    expect(judgeStep(error).headline).toBe('Cluster0 export: Atlas rejected the request (400)')
  })

  it('explains a retryable fault without a list of faults as itself', () => {
    const error = during(new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true }), step)
    expect(judgeStep(error).headline).toBe('Cluster0 export: Atlas failed (503)')
  })

  it('lists up to four faults whole, and shortens a longer list in the headline', () => {
    const error = (faults: string[]) =>
      during(new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true }), step, { faults })
    expect(judgeStep(error(['A', 'B', 'C', 'D'])).headline).toBe(
      'Cluster0 export: could not read the widget: 4 faults in a row (A, B, C, D)'
    )
    expect(judgeStep(error(['A', 'B', 'C', 'D', 'E'])).headline).toBe(
      'Cluster0 export: could not read the widget: 5 faults in a row (A, B, C, …, E)'
    )
  })

  it('says to try again later when faults in a row have no advice of their own', () => {
    const error = during(new AtlasError('Atlas API 408', { kind: 'api', status: 408, retryable: true }), step, {
      faults: ['Atlas API 408', 'Atlas API 408']
    })
    expect(judgeStep(error, { atlasAnswered: false }).hint).toBe('Try again later.')
  })
})

describe('a step before the check that gave up on transient faults', () => {
  const faults = [
    'Atlas API 500',
    'Atlas API 429 RATE_LIMITED',
    'ECONNRESET',
    'Atlas API 503',
    'Atlas API 502',
    'ECONNRESET'
  ]
  const gaveUp = during(
    new AtlasError('Could not reach Atlas (ECONNRESET)', {
      kind: 'network',
      errorCode: 'ECONNRESET',
      retryable: true
    }),
    STEPS.listSnapshots,
    { faults }
  )

  it('names the step and the faults; once Atlas has answered, not baseUrl, and says a re-run is safe', () => {
    const verdict = judgeWith(stepFailed(gaveUp, 'error', { atlasAnswered: true }), startSettings(), backupExport)
    expect(verdict).toEqual({
      ok: false,
      headline:
        'Cluster0 export: could not list the snapshots of the cluster: 6 faults in a row (Atlas API 500, Atlas API 429 RATE_LIMITED, ECONNRESET, …, ECONNRESET)',
      message:
        `Gave up trying to list the snapshots of the cluster after 6 faults in a row (${faults.join(', ')}); ` +
        'the last: Could not reach Atlas (ECONNRESET). No export was started.',
      hint:
        'Atlas answered earlier in this run, so these look like passing faults: run the job again later. ' +
        'Running the job again is safe: it will not start a second export.'
    })
    expect(verdict.hint).not.toContain('baseUrl')
  })

  it('points at baseUrl and the network only when Atlas never answered', () => {
    const verdict = judgeWith(stepFailed(gaveUp, 'error', { atlasAnswered: false }), startSettings(), backupExport)
    expect(verdict.hint).toBe(
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY). " +
        'Running the job again is safe: it will not start a second export.'
    )
  })

  it('a network fault of the check itself, after Atlas answered, does not blame baseUrl either', () => {
    const reset = new AtlasError('Could not reach Atlas (ECONNRESET)', {
      kind: 'network',
      errorCode: 'ECONNRESET',
      retryable: true
    })
    const settings = readSettings(
      backupExport,
      (name) => ({ groupId: GROUP, clusterName: 'Cluster0', exportId: SNAPSHOT, accessToken: 't' })[name] ?? '',
      {}
    )
    expect(judgeWith(failed(reset, { atlasAnswered: true }), settings, backupExport).hint).toBe(
      'Atlas answered earlier in this run, so the network between the runner and Atlas failed for a while: run the job again.'
    )
  })
})

describe('a step before the check that Atlas refused or that failed', () => {
  it('a snapshot that failed: its own words, and that no export was started', () => {
    const snapshotFailed = stepEnded(`Atlas could not take snapshot ${SNAPSHOT}: it failed`, STEPS.waitSnapshot, {
      kind: 'failed',
      headline: `snapshot ${SNAPSHOT} failed; no export was started`,
      hint: 'Look in the Atlas UI, then run the job again.'
    })
    expect(judgeWith(stepFailed(snapshotFailed, 'error'), startSettings(), backupExport)).toEqual({
      ok: false,
      headline: `Cluster0 export: snapshot ${SNAPSHOT} failed; no export was started`,
      message: `Atlas could not take snapshot ${SNAPSHOT}: it failed. No export was started.`,
      hint: 'Look in the Atlas UI, then run the job again.'
    })
  })

  it('a 404 while listing names that step, not the export job, and says a re-run is safe', () => {
    const notFound = during(
      new AtlasError('Atlas API 404 CLUSTER_NOT_FOUND: No cluster named Cluster0', {
        kind: 'api',
        status: 404
      }),
      STEPS.clusterKind
    )
    const verdict = judgeWith(stepFailed(notFound, 'error'), startSettings(), backupExport)
    expect(verdict.headline).toBe('Cluster0 export: not found (404) while trying to read the cluster (is it sharded?)')
    expect(verdict.message).toBe('Atlas API 404 CLUSTER_NOT_FOUND: No cluster named Cluster0. No export was started.')
    expect(verdict.hint).toMatch(
      /^Check groupId and clusterName .* Running the job again is safe: it will not start a second export\.$/
    )
  })

  it('a cancellation names the step it stopped', () => {
    const cancelled = during(
      new AtlasError('Cancelled while trying to take an on-demand snapshot', {
        kind: 'cancelled'
      }),
      STEPS.takeSnapshot
    )
    expect(judgeWith(stepFailed(cancelled, 'cancelled', { elapsedMs: 3000 }), startSettings(), backupExport)).toEqual({
      ok: false,
      headline: 'Cluster0 export: cancelled while trying to take an on-demand snapshot',
      message: 'Cancelled after 3s while trying to take an on-demand snapshot. No export was started.',
      hint: 'Running the job again is safe: it will not start a second export.'
    })
  })

  it('a step without notes (finding latest) says only what Atlas said', () => {
    const none = stepEnded(
      'Atlas lists no export job of cluster Cluster0',
      { what: 'list the export jobs of the cluster', role: 'Project Backup Manager' },
      { kind: 'empty', headline: 'nothing to check', hint: 'Check groupId and clusterName.' }
    )
    const verdict = judgeWith(
      stepFailed(none, 'error'),
      startSettings({ exportBucketId: '', exportId: 'latest' }),
      backupExport
    )
    expect([verdict.message, verdict.hint]).toEqual([
      'Atlas lists no export job of cluster Cluster0',
      'Check groupId and clusterName.'
    ])
  })
})

describe('maxAge', () => {
  const NOW = Date.parse('2026-11-30T12:00:00Z')
  const latest = (extra: Record<string, string> = {}) =>
    readSettings(
      backupExport,
      (name) =>
        ({
          groupId: GROUP,
          clusterName: 'Cluster0',
          exportId: 'latest',
          exportBucketId: BUCKET,
          accessToken: 't',
          ...extra
        })[name] ?? '',
      {}
    )

  it('passes the newest Successful export made within maxAge, to the second', () => {
    const job = exportDocument({ createdAt: '2026-11-29T10:00:00Z' })
    expect(judgeWith(finished(job), latest({ maxAge: '26h' }), backupExport, NOW).ok).toBe(true)
    expect(judgeWith(finished(job), latest({ maxAge: '25h59m59s' }), backupExport, NOW).ok).toBe(false)
  })

  it('fails an older one, stating its age and maxAge, with what to check', () => {
    const job = exportDocument({ createdAt: '2026-11-09T12:00:00Z' })
    expect(judgeWith(finished(job), latest({ maxAge: '26h' }), backupExport, NOW)).toEqual({
      ok: false,
      headline: 'Cluster0 export: Successful, but 21d old (maxAge 26h)',
      message: `The latest export job of cluster Cluster0 to bucket ${BUCKET} is Successful, but it was created at 2026-11-09T12:00:00Z, 21d ago: older than maxAge (26h).`,
      hint:
        'A scheduled export runs with each snapshot of the frequency the backup policy exports (autoExportEnabled, export.frequencyType): ' +
        'check that policy and the newest snapshots under Backup in the Atlas UI, or raise maxAge if exports are meant to be less frequent.'
    })
  })

  it('fails one whose age cannot be told: a wrong green is worse', () => {
    const verdict = judgeWith(
      finished(exportDocument({ createdAt: undefined })),
      latest({ maxAge: '26h' }),
      backupExport,
      NOW
    )
    expect(verdict).toEqual({
      ok: false,
      headline: 'Cluster0 export: Successful, but its age is unknown (maxAge 26h)',
      message: `The latest export job of cluster Cluster0 to bucket ${BUCKET} is Successful, but Atlas gave no creation time, so it cannot be shown to be younger than maxAge (26h).`,
      hint: 'Look at it in the Atlas UI, or leave maxAge out.'
    })
  })

  it('fails a job still in progress that is already too old: its age only grows', () => {
    const job = exportDocument({ state: 'InProgress', createdAt: '2026-11-09T12:00:00Z' })
    expect(judgeWith(finished(job), latest({ maxAge: '26h' }), backupExport, NOW).headline).toBe(
      'Cluster0 export: InProgress, but 21d old (maxAge 26h)'
    )
    const young = exportDocument({ state: 'InProgress', createdAt: '2026-11-30T11:00:00Z' })
    expect(judgeWith(finished(young), latest({ maxAge: '26h' }), backupExport, NOW).headline).toBe(
      'Cluster0 export: not finished, InProgress (12 of 12 collections)'
    )
  })

  it('says whether a document can still pass maxAge, for the wait to stop early', () => {
    const settings = latest({ maxAge: '26h' })
    expect(tooOld(exportDocument({ createdAt: '2026-11-09T12:00:00Z' }), settings, backupExport, NOW)).toBe(true)
    expect(tooOld(exportDocument({ createdAt: undefined }), settings, backupExport, NOW)).toBe(true)
    expect(tooOld(exportDocument({ createdAt: '2026-11-30T11:00:00Z' }), settings, backupExport, NOW)).toBe(false)
    expect(tooOld(exportDocument({ createdAt: '2026-11-09T12:00:00Z' }), latest(), backupExport, NOW)).toBe(false)
  })

  it('leaves a state that failed to its own verdict', () => {
    const job = exportDocument({ state: 'Failed', createdAt: '2026-11-01T00:00:00Z' })
    expect(judgeWith(finished(job), latest({ maxAge: '26h' }), backupExport, NOW).headline).toBe(
      'Cluster0 export: Failed'
    )
  })

  it('writes an age of two days or more in days and hours', () => {
    expect([
      formatAge(47 * 3_600_000 + 59_000),
      formatAge(48 * 3_600_000),
      formatAge(50 * 3_600_000 + 1_800_000)
    ]).toEqual(['47h 59s', '2d', '2d 2h'])
  })

  it('measures a pipeline run from createdDate', () => {
    const settings = readSettings(
      pipelineRun,
      (name) =>
        ({ groupId: GROUP, pipelineName: 'nightly', runId: 'latest', accessToken: 't', maxAge: '1h' })[name] ?? '',
      {}
    )
    const verdict = judgeWith(
      finished(runDocument({ createdDate: '2026-11-30T09:00:00Z' })),
      settings,
      pipelineRun,
      NOW
    )
    expect([verdict.ok, verdict.headline, verdict.hint]).toEqual([
      false,
      'nightly: DONE, but 3h old (maxAge 1h)',
      pipelineRun.staleHint
    ])
  })

  it('writes a maxAge of whole days in days, as the user would (8d, not 192h)', () => {
    const settings = readSettings(
      pipelineRun,
      (name) =>
        ({ groupId: GROUP, pipelineName: 'nightly', runId: 'latest', accessToken: 't', maxAge: '8d' })[name] ?? '',
      {}
    )
    const verdict = judgeWith(
      finished(runDocument({ createdDate: '2026-11-20T09:00:00Z' })),
      settings,
      pipelineRun,
      NOW
    )
    expect(verdict.headline).toBe('nightly: DONE, but 10d 3h old (maxAge 8d)')
    expect(verdict.message).toMatch(/older than maxAge \(8d\)\.$/)
  })
})

describe('what a step of the resource says for itself', () => {
  it('a 409 gets the conflict advice of the step that was refused', () => {
    for (const step of [STEPS.startExport, STEPS.takeSnapshot]) {
      const refused = during(new AtlasError('Atlas API 409 CONFLICT', { kind: 'api', status: 409 }), step)
      const verdict = judgeWith(stepFailed(refused, 'error'), startSettings(), backupExport)
      expect(verdict.hint).toBe(`${step.conflict} Running the job again is safe: ${step.rerun}.`)
    }
  })

  it('a 406 of a step with its own version names that version, not the apiVersion input', () => {
    const refused = during(
      new AtlasError('Atlas API 406 INVALID_VERSION_DATE', { kind: 'api', status: 406 }),
      STEPS.clusterKind
    )
    const verdict = judgeWith(stepFailed(refused, 'error'), startSettings(), backupExport)
    expect(verdict.headline).toBe(
      'Cluster0 export: Atlas does not accept apiVersion 2024-08-05 (406) to read the cluster (is it sharded?)'
    )
    expect(verdict.hint).toMatch(
      /^This action sends version 2024-08-05 to read the cluster \(is it sharded\?\); Atlas's detail above says what it accepts\./
    )
  })
})

describe('the verdict', () => {
  it('passes only a state in successStates, its headline leading with the figures people look for', () => {
    const done = { state: 'DONE', phase: 'INGESTION', stats: { bytesExported: 1288490188, numDocs: 1234567 } }
    expect(judgeRun(finished(done), runSettings())).toEqual({
      ok: true,
      headline: 'nightly-export: DONE · 1,234,567 documents · 1.2 GiB',
      message: `${RUN} is DONE (phase INGESTION).`
    })
    expect(judgeRun(finished({ state: 'DATASET_DELETED' }), runSettings()).ok).toBe(false)
    expect(
      judgeRun(finished({ state: 'DATASET_DELETED' }), runSettings({ successStates: 'DONE,DATASET_DELETED' })).ok
    ).toBe(true)
    expect(judgeRun(finished({ state: 'DONE' }), runSettings({ successStates: 'FAILED' }))).toEqual({
      ok: false,
      headline: 'nightly-export: DONE, but successStates is FAILED',
      message: `${RUN} is DONE, but successStates is FAILED.`
    })
  })

  it.each([
    ['PENDING', 'not finished, PENDING (EXPORT)', 'has not finished: it is PENDING (phase EXPORT)', 'Set wait: true'],
    ['FAILED', 'FAILED in EXPORT', 'FAILED in phase EXPORT', 'Atlas UI'],
    [
      'DATASET_DELETED',
      'DATASET_DELETED: its dataset has been deleted',
      'its dataset has been deleted',
      'add DATASET_DELETED to successStates'
    ],
    [
      'ARCHIVED',
      'unknown state "ARCHIVED"',
      'is in state "ARCHIVED", which this action does not know',
      'Atlas may have added a state'
    ]
  ])('fails %s saying so plainly', (state, headline, message, hint) => {
    const verdict = judgeRun(finished({ state, phase: 'EXPORT' }), runSettings())
    expect(verdict.ok).toBe(false)
    expect(verdict.headline).toBe(`nightly-export: ${headline}`)
    expect(verdict.message).toContain(message)
    expect(verdict.hint).toContain(hint)
  })

  it('suggests wait: true only to a one-shot check', () => {
    expect(judgeRun(finished({ state: 'IN_PROGRESS' }), runSettings({ wait: 'true' })).hint).toBeUndefined()
  })

  it('fails a run without a state', () => {
    const verdict = judgeRun(finished({ phase: 'EXPORT' }), runSettings())
    expect([verdict.ok, verdict.headline, verdict.message]).toEqual([
      false,
      'nightly-export: no state in the answer',
      `Atlas returned ${RUN} without a state.`
    ])
  })

  it('keeps the headline short whatever Atlas sends', () => {
    const verdict = judgeRun(finished({ state: 'X'.repeat(5000) }), runSettings())
    expect(verdict.headline.length).toBeLessThanOrEqual(MAX_HEADLINE)
    expect(verdict.headline).toMatch(/^nightly-export: unknown state "X+…$/)
  })

  it.each([
    [401, 'Atlas refused the access token (401)', 'Check accessToken'],
    [
      403,
      'Atlas denied access (403): needs Project Read Only',
      'Project Read Only role on project 32b6e34b3d91647abb20e7b8'
    ],
    [
      404,
      'run not found (404) — Data Lake Pipelines were sunset on 2025-09-30',
      'check groupId, pipelineName and runId'
    ],
    [410, 'run gone (410) — Data Lake Pipelines were sunset on 2025-09-30', 'gone for good'],
    [406, 'Atlas does not accept apiVersion 2023-01-01 (406)', 'use 2023-01-01'],
    [429, 'rate-limited by Atlas (429)', 'run the check later.'],
    [500, 'Atlas failed (500)', 'try again later'],
    [400, 'Atlas rejected the request (400)', 'check groupId, pipelineName and runId']
  ])('says what an HTTP %i means, and what to do', (status, headline, hint) => {
    const verdict = judgeRun(
      failed(new AtlasError(`Atlas API ${status} X: detail`, { kind: 'api', status })),
      runSettings()
    )
    expect(verdict.headline).toBe(`nightly-export: ${headline}`)
    expect(verdict.message).toBe(`Atlas API ${status} X: detail`)
    expect(verdict.hint).toContain(hint)
  })

  it('410 does not send the user to check ids: the run is gone for good', () => {
    const hint = judgeRun(failed(new AtlasError('Atlas API 410', { kind: 'api', status: 410 })), runSettings()).hint
    expect(hint).not.toContain('check groupId')
    expect(hint).toContain('backup-export')
  })

  it('counts the tries that ended an error, and suggests pollInterval only in wait mode', () => {
    const limited = new AtlasError('Atlas API 429 RATE_LIMITED', { kind: 'api', status: 429, retryable: true })
    const oneShot = judgeRun(failed(limited, { failedInARow: 4, polls: 4, retries: 3 }), runSettings())
    expect(oneShot.headline).toBe('nightly-export: rate-limited by Atlas (429) after 4 tries')
    expect(oneShot.hint).not.toContain('pollInterval')
    const md = renderRunSummary(failed(limited, { failedInARow: 4, polls: 4, retries: 3 }), oneShot, runSettings(), 0)
    expect(md).toContain('| Requests | 4, of which 3 retries |')
    expect(judgeRun(failed(limited, { failedInARow: 6 }), runSettings({ wait: 'true' })).hint).toContain(
      'raise pollInterval'
    )
  })

  it('names the bad fields of a 400', () => {
    const error = new AtlasError('Atlas API 400', {
      kind: 'api',
      status: 400,
      body: { badRequestDetail: { fields: [{ field: 'groupId', description: 'bad' }] } }
    })
    expect(judgeRun(failed(error), runSettings()).hint).toContain('groupId: bad')
  })

  it('names the credentials in use on a 401', () => {
    const verdict = judgeRun(
      failed(new AtlasError('401', { kind: 'api', status: 401 })),
      runSettings({ accessToken: '', clientId: 'i', clientSecret: 's' })
    )
    expect(verdict.headline).toBe('nightly-export: Atlas refused the service account (401)')
    expect(verdict.hint).toContain('clientId and clientSecret')
  })

  it('says where a redirect pointed', () => {
    const verdict = judgeRun(
      failed(new AtlasError('redirect', { kind: 'protocol', status: 302, redirectHost: 'evil.example' })),
      runSettings()
    )
    expect(verdict.hint).toContain('evil.example')
  })

  it('keeps the advice about a redirect even when it also asked to wait past the deadline', () => {
    const redirect = new AtlasError('redirect', { kind: 'protocol', status: 307, redirectHost: 'evil.example' })
    const verdict = judgeRun({ ...failed(redirect), unwaitedRetryAfterMs: 3_600_000 }, runSettings())
    expect(verdict.hint).toBe('If Atlas really lives at evil.example, set baseUrl to that address.')
  })

  it('reports a timeout with the last state, the poll count, and that the run goes on', () => {
    const verdict = judgeRun(
      finished({ state: 'IN_PROGRESS', phase: 'EXPORT' }, { ending: 'timeout', polls: 7, elapsedMs: 95_000 }),
      runSettings({ wait: 'true' })
    )
    expect(verdict.headline).toBe('nightly-export: timed out after 1m 35s, still IN_PROGRESS (EXPORT)')
    expect(verdict.message).toBe(`Timed out after 1m 35s and 7 polls: ${RUN} is still IN_PROGRESS (phase EXPORT).`)
    expect(verdict.hint).toContain('goes on in Atlas')
  })

  it('reports a cancellation with the state at the time', () => {
    const verdict = judgeRun(
      finished({ state: 'IN_PROGRESS' }, { ending: 'cancelled', elapsedMs: 720_000, polls: 48 }),
      runSettings({ wait: 'true' })
    )
    expect(verdict.message).toBe('Cancelled while the pipeline run was IN_PROGRESS after 12m (48 polls).')
    expect(verdict.headline).toBe('nightly-export: cancelled after 12m, still IN_PROGRESS')
  })

  it('writes one poll, not "1 polls"', () => {
    const verdict = judgeRun(
      finished({ state: 'IN_PROGRESS' }, { ending: 'timeout', polls: 1, elapsedMs: 3000 }),
      runSettings()
    )
    expect(verdict.message).toMatch(/^Timed out after 3s and 1 poll: /)
  })
})

describe('verdicts of the edge cases', () => {
  it('says the action stopped without waiting when Retry-After reached past the deadline', () => {
    const error = new AtlasError('Atlas API 429 RATE_LIMITED', {
      kind: 'api',
      status: 429,
      retryable: true,
      retryAfterMs: 3_600_000
    })
    const verdict = judgeRun({ ...failed(error), unwaitedRetryAfterMs: 3_600_000 }, runSettings({ timeout: '30s' }))
    expect(verdict.hint).toBe(
      'Atlas asked to wait 1h before trying again (Retry-After), which is past the deadline (timeout 30s), so the action stopped without waiting. Run the check later, or raise timeout.'
    )
    expect(verdict.headline).toBe('nightly-export: rate-limited by Atlas (429), asked to wait 1h')
  })

  it('points at the proxy when the proxy could not be reached', () => {
    const error = new AtlasError(
      'Could not reach the proxy http://proxy:3128 on the way to https://cloud.mongodb.com (ECONNREFUSED)',
      {
        kind: 'network',
        errorCode: 'ECONNREFUSED',
        proxy: 'http://proxy:3128'
      }
    )
    expect(judgeRun(failed(error), runSettings()).hint).toContain(
      'the proxy http://proxy:3128 did not take the connection'
    )
  })

  it.each([
    [
      new AtlasError('Atlas API 503 SERVICE_UNAVAILABLE', { kind: 'api', status: 503 }),
      'the last answer was: Atlas API 503 SERVICE_UNAVAILABLE.'
    ],
    [
      new AtlasError('Could not reach Atlas at https://x (ECONNRESET)', { kind: 'network' }),
      'the last request failed: Could not reach Atlas at https://x (ECONNRESET).'
    ]
  ])('says what came last when cancelled while retrying (%#)', (error, expected) => {
    const verdict = judgeRun(failed(error, { ending: 'cancelled', polls: 2, elapsedMs: 4000 }), runSettings())
    expect(verdict.message).toBe(`Cancelled after 4s (2 polls) while retrying; ${expected}`)
    expect(verdict.headline).toBe('nightly-export: cancelled after 4s while retrying')
  })
})

describe('the headline and hint of each kind of failure', () => {
  const error = (message: string, fields: ConstructorParameters<typeof AtlasError>[1]) =>
    new AtlasError(message, fields)
  it.each([
    [
      'a request that timed out, tried twice',
      error('Atlas did not answer within 30s', { kind: 'timeout' }),
      2,
      'Atlas did not answer in time after 2 tries',
      'Atlas did not answer in time; raise requestTimeout or check the network between the runner and Atlas.'
    ],
    [
      'a lost connection',
      error('Could not reach Atlas (ECONNRESET)', { kind: 'network', errorCode: 'ECONNRESET' }),
      1,
      'could not reach Atlas (ECONNRESET)',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'a network failure without a code',
      error('Could not reach Atlas', { kind: 'network' }),
      3,
      'could not reach Atlas (network) after 3 tries',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'a certificate that does not verify',
      // Known by its code, not by the words of its message.
      error('Could not reach Atlas: certificate not trusted', {
        kind: 'network',
        errorCode: 'SELF_SIGNED_CERT_IN_CHAIN'
      }),
      1,
      'could not reach Atlas (SELF_SIGNED_CERT_IN_CHAIN)',
      'If a corporate proxy or CA signs this certificate, give the CA file to the runner with NODE_EXTRA_CA_CERTS.'
    ],
    [
      'a proxy that wants credentials',
      error('The proxy answered 407', { kind: 'network', errorCode: 'PROXY_407' }),
      1,
      'the proxy refused the connection (407)',
      'The proxy asks for credentials: put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128.'
    ],
    [
      'a proxy that refused the tunnel',
      error('The proxy answered 502', { kind: 'network', errorCode: 'PROXY_502' }),
      2,
      'the proxy refused the connection (502)',
      'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and that the proxy may reach Atlas.'
    ],
    [
      'a proxy that could not be reached',
      error('Could not reach the proxy', { kind: 'network', proxy: 'http://proxy:3128' }),
      2,
      'could not reach the proxy (no answer) after 2 tries',
      'Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the proxy http://proxy:3128 did not take the connection.'
    ],
    [
      'a 200 that is not JSON',
      error('Atlas answered 200 with HTML', { kind: 'protocol', status: 200 }),
      1,
      'Atlas answered, but not with a usable document',
      'Check that baseUrl (https://cloud.mongodb.com) is the Atlas Admin API and that no proxy or gateway answered in its place.'
    ],
    [
      'a 302 without a place to go',
      error('Atlas answered 302', { kind: 'protocol', status: 302 }),
      1,
      'unusable answer from Atlas',
      'Check that baseUrl (https://cloud.mongodb.com) is the Atlas Admin API and that no proxy or gateway answered in its place.'
    ],
    [
      'a redirect elsewhere',
      error('Atlas redirected', { kind: 'protocol', status: 301, redirectHost: 'elsewhere.example' }),
      1,
      'Atlas redirected to elsewhere.example; not followed',
      'If Atlas really lives at elsewhere.example, set baseUrl to that address.'
    ],
    [
      'a certificate error whose message says TLS but whose code is not a certificate one',
      error('Could not reach Atlas: TLS handshake reset', { kind: 'network', errorCode: 'ECONNRESET' }),
      1,
      'could not reach Atlas (ECONNRESET)',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'a token request refused',
      error('The token request was refused', { kind: 'auth' }),
      1,
      'Atlas refused the access token (auth)',
      'Check accessToken (tokens expire after an hour).'
    ],
    ['a 499 from a proxy', error('Atlas API 499', { kind: 'api', status: 499 }), 1, 'Atlas answered 499', undefined],
    [
      'a 502 after retries',
      error('Atlas API 502', { kind: 'api', status: 502, retryable: true }),
      4,
      'Atlas failed (502) after 4 tries',
      'Atlas (or a proxy in front of it) failed even after retries; try again later.'
    ],
    [
      'a 409 of a step',
      during(error('Atlas API 409', { kind: 'api', status: 409 }), {
        what: 'start the export',
        role: 'R',
        conflict: 'What the step says a conflict means.'
      }),
      1,
      'Atlas refused to start the export (409 conflict)',
      'What the step says a conflict means.'
    ],
    [
      'a 409 of no known step',
      error('Atlas API 409', { kind: 'api', status: 409 }),
      1,
      'Atlas refused to do that (409 conflict)',
      'Atlas refused because of something under way (its detail above says what): wait for it, or run this step again later.'
    ],
    [
      'a 403 of a step that needs another role',
      during(error('Atlas API 403', { kind: 'api', status: 403 }), {
        what: 'take a snapshot',
        role: 'Project Backup Manager'
      }),
      1,
      'Atlas denied access (403) to take a snapshot: needs Project Backup Manager',
      "To take a snapshot, the credentials need the Project Backup Manager role on project 32b6e34b3d91647abb20e7b8, and the runner's IP address must be on the API access list of the key or service account."
    ],
    [
      'a 400 whose detail names no fields',
      error('Atlas API 400', { kind: 'api', status: 400, body: { badRequestDetail: {} } }),
      1,
      'Atlas rejected the request (400)',
      'Atlas rejected the request; check groupId, pipelineName and runId.'
    ],
    [
      'a 403 of the check itself',
      error('Atlas API 403', { kind: 'api', status: 403 }),
      1,
      'Atlas denied access (403): needs Project Read Only',
      "The credentials need the Project Read Only role on project 32b6e34b3d91647abb20e7b8, and the runner's IP address must be on the API access list of the key or service account."
    ],
    [
      'a 400 without field details',
      error('Atlas API 400', { kind: 'api', status: 400, body: { detail: 'bad' } }),
      1,
      'Atlas rejected the request (400)',
      'Atlas rejected the request; check groupId, pipelineName and runId.'
    ]
  ])('%s', (_case, failure, failedInARow, headline, hint) => {
    const verdict = judgeRun(failed(failure, { failedInARow }), runSettings())
    expect(verdict).toEqual({
      ok: false,
      headline: `nightly-export: ${headline}`,
      message: failure.message,
      ...(hint === undefined ? {} : { hint })
    })
  })

  it('names the API key on a 401 with Digest credentials', () => {
    const verdict = judgeRun(
      failed(new AtlasError('401', { kind: 'api', status: 401 })),
      runSettings({ accessToken: '', publicKey: 'abcdefgh', privateKey: '0b0e8f3e-1d2c-4b5a-9c8d-7e6f5a4b3c2d' })
    )
    expect([verdict.headline, verdict.hint]).toEqual([
      'nightly-export: Atlas refused the API key (401)',
      'Check publicKey and privateKey (is the API key deleted or disabled?).'
    ])
  })

  it('joins the fields of a 400 with semicolons', () => {
    const fields = [
      { field: 'groupId', description: 'too short' },
      { field: 'runId', description: 'not hex' }
    ]
    const failure = new AtlasError('Atlas API 400', {
      kind: 'api',
      status: 400,
      body: { badRequestDetail: { fields } }
    })
    expect(judgeRun(failed(failure), runSettings()).hint).toBe(
      'Atlas rejected the request (groupId: too short; runId: not hex); check groupId, pipelineName and runId.'
    )
  })
})

describe('verdicts that end the step before a judgement of the state', () => {
  it('judges an error that ends the polling from the error, not from the state seen before it', () => {
    const refused = new AtlasError('Atlas API 401 UNAUTHORIZED', { kind: 'api', status: 401 })
    const result = finished({ state: 'DONE' }, { ending: 'error', error: refused })
    expect(judgeRun(result, runSettings())).toEqual({
      ok: false,
      headline: 'nightly-export: Atlas refused the access token (401)',
      message: 'Atlas API 401 UNAUTHORIZED',
      hint: 'Check accessToken (tokens expire after an hour).'
    })
  })

  it('fails a cancellation before any answer, without a hint', () => {
    const result: PollResult = {
      ...failed(new AtlasError('x', { kind: 'cancelled' })),
      ending: 'cancelled',
      error: undefined,
      polls: 0,
      elapsedMs: 2000
    }
    expect(judgeRun(result, runSettings())).toEqual({
      ok: false,
      headline: 'nightly-export: cancelled after 2s, no answer yet',
      message: 'Cancelled before Atlas answered after 2s (0 polls).'
    })
  })

  it('fails a cancellation while waiting, and says the run goes on', () => {
    const result = finished(
      { state: 'IN_PROGRESS', phase: 'EXPORT' },
      { ending: 'cancelled', elapsedMs: 61_000, polls: 7 }
    )
    expect(judgeRun(result, runSettings({ wait: 'true' }))).toEqual({
      ok: false,
      headline: 'nightly-export: cancelled after 1m 1s, still IN_PROGRESS (EXPORT)',
      message: 'Cancelled while the pipeline run was IN_PROGRESS (phase EXPORT) after 1m 1s (7 polls).',
      hint: 'The pipeline run goes on in Atlas; this check stopped while it was IN_PROGRESS (EXPORT).'
    })
  })

  it('fails a cancellation while retrying', () => {
    const result = failed(new AtlasError('Atlas API 503', { kind: 'api', status: 503 }), { ending: 'cancelled' })
    expect(judgeRun(result, runSettings()).ok).toBe(false)
  })

  it('fails a timeout before any answer, naming the last failure', () => {
    const reset = new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network' })
    const result = failed(reset, { ending: 'timeout', polls: 3, elapsedMs: 30_000 })
    expect(judgeRun(result, runSettings({ wait: 'true' }))).toEqual({
      ok: false,
      headline: 'nightly-export: timed out after 30s, still unknown',
      message: `Timed out after 30s and 3 polls: ${RUN} is still unknown (Atlas never answered). The last request failed: Could not reach Atlas (ECONNRESET).`,
      hint: "Atlas never answered in this run (network). Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    })
    // Once Atlas has answered in the run, the deadline is what to raise.
    const answered = judgeRun({ ...result, atlasAnswered: true }, runSettings({ wait: 'true' }))
    expect(answered.hint).toMatch(/Raise timeout if it needs longer/)
  })

  it('fails a rate-limited timeout saying Atlas kept answering 429, how often, and what to do; never "never answered"', () => {
    const limited = new AtlasError('Atlas API 429 RATE_LIMITED_TOKEN_BUCKET', { kind: 'api', status: 429 })
    const result = failed(limited, {
      ending: 'timeout',
      polls: 14,
      elapsedMs: 180_000,
      rateLimits: { count: 14, waitedMs: 130_000 }
    })
    expect(judgeRun(result, runSettings({ wait: 'true' }))).toEqual({
      ok: false,
      headline: 'nightly-export: timed out after 3m, still unknown, rate-limited 14 times',
      message: `Timed out after 3m and 14 polls: ${RUN} is still unknown (Atlas answered only 429, rate limited). Atlas rate-limited 14 requests (429), and the waits for it took 2m 10s.`,
      hint:
        "The pipeline run goes on in Atlas; this check only stopped waiting. Atlas kept answering 429 (rate limited) 14 times: the jobs that use this project's rate limit at once ask more than it allows. " +
        'Give the step a longer timeout or a larger pollInterval, or run fewer such jobs at once (max-parallel on a matrix).'
    })
    // With a state seen before the 429s, the state, and a last fault that was no 429 is still named.
    const seen = finished(runDocument({ state: 'IN_PROGRESS' }), {
      ending: 'timeout',
      error: new AtlasError('Atlas API 503', { kind: 'api', status: 503 }),
      rateLimits: { count: 1, waitedMs: 10_000 }
    })
    const verdict = judgeRun(seen, runSettings({ wait: 'true' }))
    expect(verdict.headline).toMatch(/still IN_PROGRESS \(INGESTION\), rate-limited 1 time$/)
    expect(verdict.message).toMatch(/The last request failed: Atlas API 503\. Atlas rate-limited 1 request \(429\)/)
  })

  it('names the 429s when Retry-After reached past the deadline after them', () => {
    const limited = new AtlasError('Atlas API 429', { kind: 'api', status: 429 })
    const result = failed(limited, { unwaitedRetryAfterMs: 55_000, rateLimits: { count: 3, waitedMs: 40_000 } })
    const verdict = judgeRun(result, runSettings({ wait: 'true' }))
    expect(verdict.headline).toBe('nightly-export: rate-limited by Atlas (429) 3 times, asked to wait 55s')
    expect(verdict.hint).toMatch(
      /past the deadline \(timeout 30m\), so the action stopped without waiting\. Atlas kept answering 429 \(rate limited\) 3 times: .*max-parallel/
    )
  })

  it('fails a timeout whose last answer had no state', () => {
    const result = finished({ phase: 'EXPORT' }, { ending: 'timeout', polls: 2, elapsedMs: 20_000 })
    const verdict = judgeRun(result, runSettings({ wait: 'true' }))
    expect(verdict.ok).toBe(false)
    expect(verdict.headline).toBe('nightly-export: timed out after 20s, still unknown')
  })

  it('fails a document without a state, and says the document is incomplete', () => {
    expect(judgeRun(finished({}), runSettings()).hint).toBe(
      'The pipeline run document is incomplete; check it in the Atlas UI.'
    )
  })

  it('lists every success state when a known state is not one of them', () => {
    const verdict = judgeRun(
      finished({ state: 'PENDING', phase: 'EXPORT' }),
      runSettings({ successStates: 'DONE, DATASET_DELETED' })
    )
    expect(verdict.ok).toBe(false)
    const unknown = judgeRun(finished({ state: 'QUEUED' }), runSettings({ successStates: 'DONE, DATASET_DELETED' }))
    expect(unknown.hint).toBe('Atlas may have added a state; successStates is DONE, DATASET_DELETED.')
  })

  it('puts a headline on one line, and keeps one that fits whole', () => {
    const multiline = judgeRun(finished({ state: 'A\n\n  B' }), runSettings())
    expect(multiline.headline).toBe('nightly-export: unknown state "A B"')
    const room = MAX_HEADLINE - 'nightly-export: unknown state ""'.length
    const fits = judgeRun(finished({ state: 'S'.repeat(room) }), runSettings())
    expect(fits.headline).toHaveLength(MAX_HEADLINE)
    expect(fits.headline.endsWith('S"')).toBe(true)
  })
})

describe('the verdict of any resource', () => {
  const settings = readSettings(
    widgetBuild,
    (name) => ({ groupId: GROUP, widgetId: 'a'.repeat(24), accessToken: 't' })[name] ?? '',
    {}
  )

  it('passes its success state, with its own facts in the headline', () => {
    expect(judgeWith(finished({ status: 'READY', size: 3 }), settings, widgetBuild)).toEqual({
      ok: true,
      headline: 'widgets: READY · 3 parts',
      message: `Widget build ${'a'.repeat(24)} is READY.`
    })
  })

  it("fails a state in its own words, and one it has no words for in the engine's", () => {
    expect(judgeWith(finished({ status: 'BROKEN' }), settings, widgetBuild)).toEqual({
      ok: false,
      headline: 'widgets: BROKEN',
      message: `Widget build ${'a'.repeat(24)} is BROKEN.`,
      hint: 'Build the widget again.'
    })
    expect(judgeWith(finished({ status: 'QUEUED' }), settings, widgetBuild).headline).toBe(
      'widgets: QUEUED, but successStates is READY'
    )
    expect(judgeWith(finished({ status: 'MELTED' }), settings, widgetBuild).headline).toBe(
      'widgets: unknown state "MELTED"'
    )
  })

  it('names its role on a 403, and its own words on a 404', () => {
    const denied = judgeWith(
      failed(new AtlasError('Atlas API 403', { kind: 'api', status: 403 })),
      settings,
      widgetBuild
    )
    expect(denied.headline).toBe('widgets: Atlas denied access (403): needs Project Widget Viewer')
    const missing = judgeWith(
      failed(new AtlasError('Atlas API 404', { kind: 'api', status: 404 })),
      settings,
      widgetBuild
    )
    expect([missing.headline, missing.hint]).toEqual([
      'widgets: widget build not found (404)',
      'Check groupId and widgetId.'
    ])
  })
})
