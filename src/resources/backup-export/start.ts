import { newest, stepError, type Steps } from '../../engine/steps.js'
import type { Step } from '../../engine/step-error.js'
import { workflowRunUrl } from '../../engine/workflow-run.js'
import { parseBoolean, readBoolean, readHexId, readList, type InputReader } from '../../engine/inputs.js'
import { objects, text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'

// Start mode of backup-export: choose a snapshot (given, taken now, or the newest completed one),
// start its export with provenance in customData, and hand the new job to the check. Never twice:
// a re-run of the same workflow run finds the export (and the snapshot) it started before, and a
// POST whose answer was lost is looked for before it is sent again.

export interface StartInputs {
  exportBucketId: string
  snapshotId?: string
  takeSnapshot: boolean
  snapshotRetentionDays: number
  customData: Label[]
}

export interface Label {
  key: string
  value: string
}

// Each step of start mode: what it does, the role it needs (the spec's x-rolesRequirements), and
// what a failure of it leaves. A re-run of the same workflow run finds the export (and the
// snapshot) this one started, so running the job again never starts a second export.
const NO_EXPORT = 'No export was started.'
const RERUN = 'it will not start a second export'
export const STEPS = {
  listExports: {
    what: 'list the export jobs of the cluster',
    role: 'Project Backup Manager',
    note: NO_EXPORT,
    rerun: RERUN
  },
  clusterKind: {
    what: 'read the cluster (is it sharded?)',
    role: 'Project Read Only',
    // The newest version of the cluster document; clusterType is in every version.
    apiVersion: '2024-08-05',
    note: NO_EXPORT,
    rerun: RERUN
  },
  listSnapshots: {
    what: 'list the snapshots of the cluster',
    role: 'Project Read Only',
    note: NO_EXPORT,
    rerun: RERUN
  },
  takeSnapshot: {
    what: 'take an on-demand snapshot',
    role: 'Project Backup Creator',
    note: NO_EXPORT,
    rerun: RERUN,
    conflict:
      "Atlas allows one queued or running on-demand snapshot per cluster: wait for the one under way (its id is in Atlas's detail above), or run this step again later."
  },
  waitSnapshot: {
    what: 'wait for the snapshot',
    role: 'Project Read Only',
    note: NO_EXPORT,
    rerun: `it uses the snapshot this run took instead of taking another, and ${RERUN}`
  },
  startExport: {
    what: 'start the export',
    role: 'Project Backup Export Operator',
    conflict:
      "Atlas allows one export of a snapshot at a time: wait for the one under way (its id is in Atlas's detail above), or run this step again later.",
    rerun: `it looks for the export this run started before it sends another, so ${RERUN}`
  }
} satisfies Record<string, Step>

/** Defaults of the start-mode inputs (a test keeps them equal to backup-export/action.yml's). */
export const START_DEFAULTS = { takeSnapshot: 'false', snapshotRetentionDays: '1' } as const

/** Flags the inputs that only start mode reads, when the step does not start an export (why: "exportBucketId is not"). */
export function startOnly(input: InputReader, problems: string[], why: string): void {
  for (const name of ['snapshotId', 'customData'])
    if (input(name) !== '')
      problems.push(`${name} is set but ${why}; ${name} only applies when the step starts an export`)
  if (parseBoolean(input('takeSnapshot')) === true)
    problems.push(`takeSnapshot is true but ${why}; takeSnapshot only applies when the step starts an export`)
}

/** The start-mode inputs, validated; undefined when exportBucketId is not given (check mode). */
export function readStartInputs(input: InputReader, problems: string[]): StartInputs | undefined {
  if (input('exportBucketId') === '') {
    startOnly(input, problems, 'exportBucketId is not')
    return undefined
  }
  // Stryker disable next-line StringLiteral: the words name an empty id, and an empty exportBucketId means check mode
  const exportBucketId = readHexId(input, 'exportBucketId', 'the export bucket id', problems)
  const snapshotId =
    // Stryker disable next-line StringLiteral: the words name an empty id, and an empty snapshotId is not read
    input('snapshotId') === '' ? undefined : readHexId(input, 'snapshotId', 'the snapshot id', problems)
  // Stryker disable next-line ConditionalExpression: the default is false, as the mutant makes it
  const takeSnapshot = readBoolean(input, 'takeSnapshot', problems, parseBoolean(START_DEFAULTS.takeSnapshot) === true)
  if (snapshotId && takeSnapshot)
    problems.push(
      'snapshotId and takeSnapshot: true exclude each other; give one, or neither for the newest completed snapshot'
    )
  const days = input('snapshotRetentionDays') || START_DEFAULTS.snapshotRetentionDays
  if (!/^[1-9]\d{0,4}$/.test(days))
    problems.push(`snapshotRetentionDays is "${days}"; it must be a whole number of days, at least 1`)
  const customData: Label[] = []
  for (const line of readList(input, 'customData', /\n/)) {
    const at = line.indexOf('=')
    if (at <= 0) problems.push(`customData line "${line}" must be key=value`)
    else customData.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() })
  }
  return { exportBucketId, snapshotId, takeSnapshot, snapshotRetentionDays: Number(days), customData }
}

/** Where the export came from, for the bucket's .complete file and to find it again on a re-run. */
export function provenance(env: Record<string, string | undefined>): Label[] {
  const labels: [string, string | undefined][] = [
    ['githubRepository', env['GITHUB_REPOSITORY']],
    ['githubSha', env['GITHUB_SHA']],
    ['githubWorkflow', env['GITHUB_WORKFLOW']],
    ['githubRunId', env['GITHUB_RUN_ID']],
    ['githubRunAttempt', env['GITHUB_RUN_ATTEMPT']],
    // The run, whichever attempt started the export: its attempt has a label of its own.
    ['githubRunUrl', workflowRunUrl(env, { attempt: false })]
  ]
  return labels
    .filter((l): l is [string, string] => l[1] !== undefined && l[1] !== '')
    .map(([key, value]) => ({ key, value }))
}

function label(doc: AtlasDocument, key: string): string | undefined {
  const found = objects(doc['customData']).find((item) => item['key'] === key)
  return typeof found?.['value'] === 'string' ? found['value'] : undefined
}

const id = (doc: AtlasDocument | undefined): string | undefined => text(doc?.['id'])

/** The export this workflow run started before (any attempt), to the same bucket; the newest one that has an id. */
function startedBefore(
  exports: AtlasDocument[],
  env: Record<string, string | undefined>,
  bucket: string
): AtlasDocument | undefined {
  const repository = env['GITHUB_REPOSITORY']
  const runId = env['GITHUB_RUN_ID']
  if (!repository || !runId) return undefined
  const ours = exports.filter(
    (job) =>
      id(job) !== undefined &&
      label(job, 'githubRepository') === repository &&
      label(job, 'githubRunId') === runId &&
      job['exportBucketId'] === bucket
  )
  return newest(ours, 'createdAt')
}

/** Snapshot states in which an on-demand snapshot blocks another: Atlas allows one queued or running at a time. */
const RUNNING = new Set(['queued', 'inProgress'])

/** An on-demand snapshot (a recorded answer had frequencyType "ondemand", outside the spec's enum). */
const onDemand = (s: AtlasDocument): boolean => s['snapshotType'] === 'onDemand' || s['frequencyType'] === 'ondemand'

/** What Atlas can export: a completed snapshot that is not a fallback one. */
const exportable = (s: AtlasDocument): boolean => s['status'] === 'completed' && s['snapshotType'] !== 'fallback'

/** Where a cluster's snapshots are read: sharded clusters keep theirs under their own paths. */
interface SnapshotPaths {
  list: string[]
  one: (snapshotId: string) => string[]
  /** The list endpoint of a sharded cluster has no paging parameters. */
  paged: boolean
}

/** The cluster's kind, learned with one request (GET cluster), then the paths of its snapshots. */
async function snapshotPaths(base: string[], steps: Steps): Promise<SnapshotPaths> {
  // base is groups/{groupId}/clusters/{clusterName}/backup: the cluster is the path above backup.
  const cluster = await steps.call(STEPS.clusterKind, base.slice(0, -1))
  const kind = text(cluster['clusterType'])
  if (kind === 'SHARDED' || kind === 'GEOSHARDED') {
    steps.log(`The cluster is ${kind}: reading its snapshots as a sharded cluster's.`)
    return {
      list: [...base, 'snapshots', 'shardedClusters'],
      one: (snapshotId) => [...base, 'snapshots', 'shardedCluster', snapshotId],
      paged: false
    }
  }
  return { list: [...base, 'snapshots'], one: (snapshotId) => [...base, 'snapshots', snapshotId], paged: true }
}

const snapshotStatus = (s: AtlasDocument, snapshotId: string): string =>
  `snapshot ${snapshotId} is ${text(s['status']) ?? 'without a status'}`

async function chooseSnapshot(start: StartInputs, base: string[], steps: Steps): Promise<string> {
  if (start.snapshotId) {
    steps.record({ what: 'Snapshot', id: start.snapshotId, how: 'as given (snapshotId)' })
    return start.snapshotId
  }
  const paths = await snapshotPaths(base, steps)
  const snapshots = await steps.listAll(STEPS.listSnapshots, paths.list, { paged: paths.paged })
  if (!start.takeSnapshot) {
    const chosen = newest(
      snapshots.filter((s) => exportable(s) && id(s) !== undefined),
      'createdAt'
    )
    const snapshotId = id(chosen)
    if (!snapshotId)
      throw stepError(
        STEPS.listSnapshots,
        'empty',
        'Atlas lists no completed snapshot of the cluster that can be exported',
        {
          headline: 'no snapshot to export: none is completed (fallback snapshots cannot be exported)',
          hint:
            'Set takeSnapshot: true to take one now, or give snapshotId. Is Cloud Backup enabled on the cluster (M10 or larger)? ' +
            NO_EXPORT
        }
      )
    const created = text((chosen as AtlasDocument)['createdAt']) ?? 'at an unknown time'
    steps.log(`Newest completed snapshot: ${snapshotId}, created ${created} (1 of ${snapshots.length}).`)
    steps.record({ what: 'Snapshot', id: snapshotId, how: `the newest completed one, created ${created}` })
    return snapshotId
  }
  const runId = steps.env['GITHUB_RUN_ID']
  // Ends with ':' so that run 42 does not take run 4242's snapshot for its own.
  const marker = runId ? `GitHub run ${steps.env['GITHUB_REPOSITORY'] ?? ''}#${runId}:` : undefined
  const { snapshotId, how } = await snapshotToWaitFor(start, base, paths, snapshots, steps, marker)
  const done = await steps.waitFor(
    STEPS.waitSnapshot,
    paths.one(snapshotId),
    (s) => s['status'] === 'completed' || s['status'] === 'failed',
    (s) => snapshotStatus(s, snapshotId)
  )
  if (done['status'] === 'failed')
    throw stepError(STEPS.waitSnapshot, 'failed', `Atlas could not take snapshot ${snapshotId}: it failed`, {
      headline: `snapshot ${snapshotId} failed; no export was started`,
      hint:
        'Atlas could not take the snapshot: look at Backup, Snapshots of the cluster in the Atlas UI for the cause, then run the job again. ' +
        'It takes a new snapshot (a failed one is never reused) and starts the export once.'
    })
  steps.record({ what: 'Snapshot', id: snapshotId, how: `${how}, completed` })
  return snapshotId
}

/** The on-demand snapshot to wait for: the one this run took before, the on-demand one in progress, or a new one. */
async function snapshotToWaitFor(
  start: StartInputs,
  base: string[],
  paths: SnapshotPaths,
  snapshots: AtlasDocument[],
  steps: Steps,
  marker: string | undefined
): Promise<{ snapshotId: string; how: string }> {
  const mine = (list: AtlasDocument[]): AtlasDocument | undefined =>
    marker
      ? // One in progress has no createdAt yet, and is younger than any that has one.
        newest(
          list.filter((s) => text(s['description'])?.includes(marker) && s['status'] !== 'failed' && id(s)),
          'createdAt',
          'newest'
        )
      : undefined
  const mineId = id(mine(snapshots))
  if (mineId) {
    steps.log(`This workflow run took snapshot ${mineId} before; using it.`)
    return { snapshotId: mineId, how: 'taken by this workflow run before' }
  }
  // Only an on-demand snapshot under way stops another; a scheduled one does not.
  const runningId = id(snapshots.find((s) => onDemand(s) && RUNNING.has(String(s['status'])) && id(s)))
  if (runningId) {
    steps.log(
      `An on-demand snapshot is already in progress (${runningId}); Atlas allows one at a time, so waiting for it instead of taking another.`
    )
    return { snapshotId: runningId, how: 'an on-demand one already in progress, waited for' }
  }
  const description = `${marker ?? 'GitHub Actions:'} taken by atlas-pipeline-run-action/backup-export`
  const taken = id(
    await steps.post(
      STEPS.takeSnapshot,
      [...base, 'snapshots'],
      { description, retentionInDays: start.snapshotRetentionDays },
      async () => mine(await steps.listAll(STEPS.listSnapshots, paths.list, { paged: paths.paged }))
    )
  )
  if (!taken) throw stepError(STEPS.takeSnapshot, 'protocol', 'Atlas took the snapshot but answered without its id')
  steps.log(`Took on-demand snapshot ${taken}; waiting until it is completed.`)
  return { snapshotId: taken, how: 'taken by this step' }
}

/** The outputs that start mode sets. */
export const START_OUTPUTS = ['started', 'snapshotId'] as const

/** Start mode: returns the export job to check, and whether this step started it. */
export async function startExport(
  groupId: string,
  clusterName: string,
  start: StartInputs,
  steps: Steps
): Promise<{ exportId: string; outputs: Record<(typeof START_OUTPUTS)[number], string> }> {
  const base = ['groups', groupId, 'clusters', clusterName, 'backup']
  const exportsPath = [...base, 'exports']
  const before = startedBefore(await steps.listAll(STEPS.listExports, exportsPath), steps.env, start.exportBucketId)
  if (before && !['Failed', 'Cancelled'].includes(String(before['state']))) {
    steps.log(
      `This workflow run started export ${id(before)} before (attempt ${label(before, 'githubRunAttempt') ?? '?'}); waiting for it instead of starting another.`
    )
    steps.record({
      what: 'Export job',
      id: id(before)!,
      how: `started by this workflow run before (attempt ${label(before, 'githubRunAttempt') ?? '?'}), not started again`
    })
    return { exportId: id(before)!, outputs: { started: 'false', snapshotId: text(before['snapshotId']) ?? '' } }
  }
  if (before)
    steps.log(
      `The export this workflow run started before (${id(before)}) is ${String(before['state'])}; starting a new one.`
    )
  const snapshotId = await chooseSnapshot(start, base, steps)
  const body = {
    snapshotId,
    exportBucketId: start.exportBucketId,
    customData: [...start.customData, ...provenance(steps.env)]
  }
  const created = await steps.post(STEPS.startExport, exportsPath, body, async () => {
    const found = startedBefore(await steps.listAll(STEPS.listExports, exportsPath), steps.env, start.exportBucketId)
    return found && found['snapshotId'] === snapshotId && id(found) !== id(before) ? found : undefined
  })
  const exportId = id(created)
  if (!exportId) throw stepError(STEPS.startExport, 'protocol', 'Atlas started the export but answered without its id')
  steps.log(`Started export ${exportId} of snapshot ${snapshotId} to bucket ${start.exportBucketId}.`)
  steps.record({ what: 'Export job', id: exportId, how: `started by this step, to bucket ${start.exportBucketId}` })
  return { exportId, outputs: { started: 'true', snapshotId } }
}
