// The verdict for what happens around the check: a step before it that failed (named for that
// step, with the faults it met and whether running the job again is safe), and the age of the
// newest one under maxAge. The verdicts of the check itself are pinned in report.test.ts.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'
import { formatAge } from '../../src/units.js'
import type { PollResult } from '../../src/poll.js'
import { DEADLINE } from '../../src/resolve.js'
import { backupExport } from '../../src/resources/backup-export.js'
import { STEPS } from '../../src/resources/export-start.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'
import { readSettings } from '../../src/settings.js'
import { judge } from '../../src/verdict.js'
import { exportDocument, runDocument } from '../../scripts/fake-atlas.mjs'
import { failed, finished } from '../support/poll-results.js'

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

/** A step's failure as main.ts hands it to judge: no document, the error naming the step. */
function stepFailed(error: AtlasError, ending: PollResult['ending'], extra: Partial<PollResult> = {}): PollResult {
  return { ...failed(error, { elapsedMs: 45_000, polls: 12, ...extra }), ending }
}

describe('a step before the check that ran out of time', () => {
  const timedOut = new AtlasError('The deadline (timeout) passed while trying to wait for the snapshot', {
    kind: 'timeout',
    errorCode: DEADLINE
  }).during(STEPS.waitSnapshot, { lastSeen: `snapshot ${SNAPSHOT} is inProgress`, faults: [] })

  it('names the snapshot and its last status, never "Atlas never answered"', () => {
    const verdict = judge(stepFailed(timedOut, 'timeout'), startSettings(), backupExport)
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
    const faulted = new AtlasError('x', { kind: 'timeout', errorCode: DEADLINE }).during(STEPS.listSnapshots, {
      faults: ['Atlas API 503', 'ECONNRESET']
    })
    expect(judge(stepFailed(faulted, 'timeout'), startSettings(), backupExport).message).toBe(
      'Timed out after 45s (12 requests) while trying to list the snapshots of the cluster. The last requests failed: Atlas API 503, ECONNRESET. No export was started.'
    )
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
  const gaveUp = new AtlasError('Could not reach Atlas (ECONNRESET)', {
    kind: 'network',
    errorCode: 'ECONNRESET',
    retryable: true
  }).during(STEPS.listSnapshots, { faults })

  it('names the step and the faults; once Atlas has answered, not baseUrl, and says a re-run is safe', () => {
    const verdict = judge(stepFailed(gaveUp, 'error', { atlasAnswered: true }), startSettings(), backupExport)
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
    const verdict = judge(stepFailed(gaveUp, 'error', { atlasAnswered: false }), startSettings(), backupExport)
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
    expect(judge(failed(reset, { atlasAnswered: true }), settings, backupExport).hint).toBe(
      'Atlas answered earlier in this run, so the network between the runner and Atlas failed for a while: run the job again.'
    )
  })
})

describe('a step before the check that Atlas refused or that failed', () => {
  it('a snapshot that failed: its own words, and that no export was started', () => {
    const snapshotFailed = new AtlasError(`Atlas could not take snapshot ${SNAPSHOT}: it failed`, {
      kind: 'failed',
      headline: `snapshot ${SNAPSHOT} failed; no export was started`,
      hint: 'Look in the Atlas UI, then run the job again.'
    }).during(STEPS.waitSnapshot)
    expect(judge(stepFailed(snapshotFailed, 'error'), startSettings(), backupExport)).toEqual({
      ok: false,
      headline: `Cluster0 export: snapshot ${SNAPSHOT} failed; no export was started`,
      message: `Atlas could not take snapshot ${SNAPSHOT}: it failed. No export was started.`,
      hint: 'Look in the Atlas UI, then run the job again.'
    })
  })

  it('a 404 while listing names that step, not the export job, and says a re-run is safe', () => {
    const notFound = new AtlasError('Atlas API 404 CLUSTER_NOT_FOUND: No cluster named Cluster0', {
      kind: 'api',
      status: 404
    }).during(STEPS.clusterKind)
    const verdict = judge(stepFailed(notFound, 'error'), startSettings(), backupExport)
    expect(verdict.headline).toBe('Cluster0 export: not found (404) while trying to read the cluster (is it sharded?)')
    expect(verdict.message).toBe('Atlas API 404 CLUSTER_NOT_FOUND: No cluster named Cluster0. No export was started.')
    expect(verdict.hint).toMatch(
      /^Check groupId and clusterName .* Running the job again is safe: it will not start a second export\.$/
    )
  })

  it('a cancellation names the step it stopped', () => {
    const cancelled = new AtlasError('Cancelled while trying to take an on-demand snapshot', {
      kind: 'cancelled'
    }).during(STEPS.takeSnapshot)
    expect(judge(stepFailed(cancelled, 'cancelled', { elapsedMs: 3000 }), startSettings(), backupExport)).toEqual({
      ok: false,
      headline: 'Cluster0 export: cancelled while trying to take an on-demand snapshot',
      message: 'Cancelled after 3s while trying to take an on-demand snapshot. No export was started.',
      hint: 'Running the job again is safe: it will not start a second export.'
    })
  })

  it('a step without notes (finding latest) says only what Atlas said', () => {
    const none = new AtlasError('Atlas lists no export job of cluster Cluster0', {
      kind: 'empty',
      hint: 'Check groupId and clusterName.'
    }).during({ what: 'list the export jobs of the cluster', role: 'Project Backup Manager' })
    const verdict = judge(
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
    expect(judge(finished(job), latest({ maxAge: '26h' }), backupExport, NOW).ok).toBe(true)
    expect(judge(finished(job), latest({ maxAge: '25h59m59s' }), backupExport, NOW).ok).toBe(false)
  })

  it('fails an older one, stating its age and maxAge, with what to check', () => {
    const job = exportDocument({ createdAt: '2026-11-09T12:00:00Z' })
    expect(judge(finished(job), latest({ maxAge: '26h' }), backupExport, NOW)).toEqual({
      ok: false,
      headline: 'Cluster0 export: Successful, but 21d old (maxAge 26h)',
      message: `The latest export job of cluster Cluster0 to bucket ${BUCKET} is Successful, but it was created at 2026-11-09T12:00:00Z, 21d ago: older than maxAge (26h).`,
      hint: backupExport.staleHint
    })
  })

  it('fails one whose age cannot be told: a wrong green is worse', () => {
    const verdict = judge(
      finished(exportDocument({ createdAt: undefined })),
      latest({ maxAge: '26h' }),
      backupExport,
      NOW
    )
    expect([verdict.ok, verdict.headline]).toEqual([
      false,
      'Cluster0 export: Successful, but its age is unknown (maxAge 26h)'
    ])
  })

  it('leaves a state that failed to its own verdict', () => {
    const job = exportDocument({ state: 'Failed', createdAt: '2026-11-01T00:00:00Z' })
    expect(judge(finished(job), latest({ maxAge: '26h' }), backupExport, NOW).headline).toBe('Cluster0 export: Failed')
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
    const verdict = judge(finished(runDocument({ createdDate: '2026-11-30T09:00:00Z' })), settings, pipelineRun, NOW)
    expect([verdict.ok, verdict.headline, verdict.hint]).toEqual([
      false,
      'nightly: DONE, but 3h old (maxAge 1h)',
      pipelineRun.staleHint
    ])
  })
})

describe('what a step of the resource says for itself', () => {
  it('a 409 gets the conflict advice of the step that was refused', () => {
    for (const step of [STEPS.startExport, STEPS.takeSnapshot]) {
      const refused = new AtlasError('Atlas API 409 CONFLICT', { kind: 'api', status: 409 }).during(step)
      const verdict = judge(stepFailed(refused, 'error'), startSettings(), backupExport)
      expect(verdict.hint).toBe(`${step.conflict} Running the job again is safe: ${step.rerun}.`)
    }
  })

  it('a 406 of a step with its own version names that version, not the apiVersion input', () => {
    const refused = new AtlasError('Atlas API 406 INVALID_VERSION_DATE', { kind: 'api', status: 406 }).during(
      STEPS.clusterKind
    )
    const verdict = judge(stepFailed(refused, 'error'), startSettings(), backupExport)
    expect(verdict.headline).toBe(
      'Cluster0 export: Atlas does not accept apiVersion 2024-08-05 (406) to read the cluster (is it sharded?)'
    )
    expect(verdict.hint).toMatch(
      /^This action sends version 2024-08-05 to read the cluster \(is it sharded\?\); Atlas's detail above says what it accepts\./
    )
  })
})
