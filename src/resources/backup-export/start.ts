import { newest, stepError, type Steps } from '../../engine/steps.js'
import type { Step } from '../../engine/step-error.js'
import { workflowRunUrl } from '../../engine/workflow-run.js'
import { parseBoolean, readHexId, readList, type InputReader } from '../../engine/inputs.js'
import { clusterOnce } from '../cloud-backup/cluster.js'
import {
  chooseSnapshot,
  readSnapshotChoice,
  SNAPSHOT_DEFAULTS,
  snapshotSteps,
  type SnapshotChoice
} from '../cloud-backup/snapshots.js'
import { objects, text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'

// Start mode of backup-export: choose a snapshot (given, taken now, or the newest completed one),
// start its export with provenance in customData, and hand the new job to the check. Never twice:
// a re-run of the same workflow run finds the export (and the snapshot) it started before, and a
// POST whose answer was lost is looked for before it is sent again.

export interface StartInputs extends SnapshotChoice {
  exportBucketId: string
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
const SNAPSHOT_STEPS = snapshotSteps({ note: NO_EXPORT, rerun: RERUN })
export const STEPS = {
  listExports: {
    what: 'list the export jobs of the cluster',
    role: 'Project Backup Manager',
    note: NO_EXPORT,
    rerun: RERUN
  },
  ...SNAPSHOT_STEPS,
  startExport: {
    what: 'start the export',
    role: 'Project Backup Export Operator',
    conflict:
      "Atlas allows one export of a snapshot at a time: wait for the one under way (its id is in Atlas's detail above), or run this step again later.",
    rerun: `it looks for the export this run started before it sends another, so ${RERUN}`
  }
} satisfies Record<string, Step>

/** Defaults of the start-mode inputs (a test keeps them equal to backup-export/action.yml's). */
export const START_DEFAULTS = SNAPSHOT_DEFAULTS

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
  const choice = readSnapshotChoice(input, problems)
  const customData: Label[] = []
  for (const line of readList(input, 'customData', /\n/)) {
    const at = line.indexOf('=')
    if (at <= 0) problems.push(`customData line "${line}" must be key=value`)
    else customData.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() })
  }
  return { exportBucketId, ...choice, customData }
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
  const snapshotId = await chooseSnapshot(
    start,
    {
      base,
      cluster: clusterOnce(steps, STEPS.clusterKind, groupId, clusterName),
      steps: SNAPSHOT_STEPS,
      use: 'export',
      used: 'exported',
      action: 'atlas-pipeline-run-action/backup-export',
      note: NO_EXPORT
    },
    steps
  )
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
