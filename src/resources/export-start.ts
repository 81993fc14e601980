import { AtlasError } from '../atlas/errors.js'
import { newest, stepError, type Resolver, type Step } from '../resolve.js'
import type { InputReader } from '../settings.js'
import { readHexId } from './inputs.js'

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

type Doc = Record<string, unknown>

// The roles each step needs, per the spec's x-rolesRequirements.
export const STEPS = {
  listExports: { what: 'list the export jobs of the cluster', role: 'Project Backup Manager' },
  startExport: { what: 'start the export', role: 'Project Backup Export Operator' },
  listSnapshots: { what: 'list the snapshots of the cluster', role: 'Project Read Only' },
  takeSnapshot: { what: 'take an on-demand snapshot', role: 'Project Backup Creator' },
  waitSnapshot: { what: 'wait for the snapshot', role: 'Project Read Only' }
} satisfies Record<string, Step>

/** Defaults of the start-mode inputs (a test keeps them equal to backup-export/action.yml's). */
export const START_DEFAULTS = { takeSnapshot: 'false', snapshotRetentionDays: '1' } as const

/** The start-mode inputs, validated; undefined when exportBucketId is not given (check mode). */
export function readStartInputs(input: InputReader, problems: string[]): StartInputs | undefined {
  if (input('exportBucketId') === '') {
    for (const name of ['snapshotId', 'customData'])
      if (input(name) !== '')
        problems.push(`${name} is set but exportBucketId is not; ${name} only applies when the step starts an export`)
    return undefined
  }
  // Stryker disable next-line StringLiteral: the words name an empty id, and an empty exportBucketId means check mode
  const exportBucketId = readHexId(input, 'exportBucketId', 'the export bucket id', problems)
  const snapshotId =
    // Stryker disable next-line StringLiteral: the words name an empty id, and an empty snapshotId is not read
    input('snapshotId') === '' ? undefined : readHexId(input, 'snapshotId', 'the snapshot id', problems)
  // Stryker disable next-line Regex: a value that is not exactly true or false is refused just below
  const takeSnapshot = /^true$/i.test(input('takeSnapshot') || START_DEFAULTS.takeSnapshot)
  if (!/^(true|false|)$/i.test(input('takeSnapshot')))
    problems.push(`takeSnapshot is "${input('takeSnapshot')}"; it must be true or false`)
  if (snapshotId && takeSnapshot)
    problems.push(
      'snapshotId and takeSnapshot: true exclude each other; give one, or neither for the newest completed snapshot'
    )
  const days = input('snapshotRetentionDays') || START_DEFAULTS.snapshotRetentionDays
  if (!/^[1-9]\d{0,4}$/.test(days))
    problems.push(`snapshotRetentionDays is "${days}"; it must be a whole number of days, at least 1`)
  const customData: Label[] = []
  for (const line of input('customData')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.indexOf('=')
    if (at <= 0) problems.push(`customData line "${line}" must be key=value`)
    else customData.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() })
  }
  return { exportBucketId, snapshotId, takeSnapshot, snapshotRetentionDays: Number(days), customData }
}

/** Where the export came from, for the bucket's .complete file and to find it again on a re-run. */
export function provenance(env: Record<string, string | undefined>): Label[] {
  const server = env['GITHUB_SERVER_URL'] || 'https://github.com'
  const repository = env['GITHUB_REPOSITORY']
  const runId = env['GITHUB_RUN_ID']
  const labels: [string, string | undefined][] = [
    ['githubRepository', repository],
    ['githubSha', env['GITHUB_SHA']],
    ['githubWorkflow', env['GITHUB_WORKFLOW']],
    ['githubRunId', runId],
    ['githubRunAttempt', env['GITHUB_RUN_ATTEMPT']],
    ['githubRunUrl', repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined]
  ]
  return labels
    .filter((l): l is [string, string] => l[1] !== undefined && l[1] !== '')
    .map(([key, value]) => ({ key, value }))
}

function label(doc: Doc, key: string): string | undefined {
  const items = Array.isArray(doc['customData']) ? (doc['customData'] as unknown[]) : []
  const found = items.find(
    (item): item is Doc => typeof item === 'object' && item !== null && (item as Doc)['key'] === key
  )
  return typeof found?.['value'] === 'string' ? found['value'] : undefined
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)
const id = (doc: Doc | undefined): string | undefined => str(doc?.['id'])

/** The export this workflow run started before (any attempt), to the same bucket; the newest one that has an id. */
function startedBefore(exports: Doc[], env: Record<string, string | undefined>, bucket: string): Doc | undefined {
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

/** "in-progress" snapshot states: one on-demand snapshot may be queued or running at a time. */
const RUNNING = new Set(['queued', 'inProgress'])

async function chooseSnapshot(start: StartInputs, base: string[], resolver: Resolver): Promise<string> {
  if (start.snapshotId) return start.snapshotId
  const snapshots = await resolver.listAll(STEPS.listSnapshots, [...base, 'snapshots'])
  if (!start.takeSnapshot) {
    const completed = newest(
      snapshots.filter((s) => s['status'] === 'completed' && id(s) !== undefined),
      'createdAt'
    )
    const snapshotId = id(completed)
    if (!snapshotId) throw stepError(STEPS.listSnapshots, 'empty', 'Atlas lists no completed snapshot of the cluster')
    resolver.log(
      `Newest completed snapshot: ${snapshotId}, created ${str((completed as Doc)['createdAt']) ?? 'at an unknown time'} (1 of ${snapshots.length}).`
    )
    return snapshotId
  }
  const runId = resolver.env['GITHUB_RUN_ID']
  // Ends with ':' so that run 42 does not take run 4242's snapshot for its own.
  const marker = runId ? `GitHub run ${resolver.env['GITHUB_REPOSITORY'] ?? ''}#${runId}:` : undefined
  // A re-run finds the snapshot this run took; Atlas allows one on-demand snapshot in progress.
  const mine = marker
    ? newest(
        snapshots.filter((s) => str(s['description'])?.includes(marker) && s['status'] !== 'failed'),
        'createdAt'
      )
    : undefined
  const running = newest(
    snapshots.filter((s) => RUNNING.has(String(s['status']))),
    'createdAt'
  )
  const snapshotId = await snapshotToWaitFor(start, base, resolver, mine, running, marker)
  const done = await resolver.waitFor(
    STEPS.waitSnapshot,
    [...base, 'snapshots', snapshotId],
    (s) => s['status'] === 'completed' || s['status'] === 'failed'
  )
  if (done['status'] === 'failed')
    throw stepError(STEPS.waitSnapshot, 'empty', `Snapshot ${snapshotId} failed, so no export was started`)
  return snapshotId
}

/** The on-demand snapshot to wait for: the one this run took before, the one in progress, or a new one. */
async function snapshotToWaitFor(
  start: StartInputs,
  base: string[],
  resolver: Resolver,
  mine: Doc | undefined,
  running: Doc | undefined,
  marker: string | undefined
): Promise<string> {
  const mineId = id(mine)
  if (mineId) {
    resolver.log(`This workflow run took snapshot ${mineId} before; using it.`)
    return mineId
  }
  const runningId = id(running)
  if (runningId) {
    resolver.log(
      `An on-demand snapshot is already in progress (${runningId}); Atlas allows one at a time, so waiting for it instead of taking another.`
    )
    return runningId
  }
  const description = `${marker ?? 'GitHub Actions:'} taken by atlas-pipeline-run-action/backup-export`
  const taken = id(
    await resolver.call(STEPS.takeSnapshot, [...base, 'snapshots'], {
      body: { description, retentionInDays: start.snapshotRetentionDays }
    })
  )
  if (!taken) throw stepError(STEPS.takeSnapshot, 'protocol', 'Atlas took the snapshot but answered without its id')
  resolver.log(`Took on-demand snapshot ${taken}; waiting until it is completed.`)
  return taken
}

/** Start mode: returns the export job to check, and whether this step started it. */
export async function startExport(
  groupId: string,
  clusterName: string,
  start: StartInputs,
  resolver: Resolver
): Promise<{ exportId: string; outputs: Record<string, string> }> {
  const base = ['groups', groupId, 'clusters', clusterName, 'backup']
  const exportsPath = [...base, 'exports']
  const before = startedBefore(
    await resolver.listAll(STEPS.listExports, exportsPath),
    resolver.env,
    start.exportBucketId
  )
  if (before && !['Failed', 'Cancelled'].includes(String(before['state']))) {
    resolver.log(
      `This workflow run started export ${id(before)} before (attempt ${label(before, 'githubRunAttempt') ?? '?'}); waiting for it instead of starting another.`
    )
    return { exportId: id(before)!, outputs: { started: 'false', snapshotId: str(before['snapshotId']) ?? '' } }
  }
  if (before)
    resolver.log(
      `The export this workflow run started before (${id(before)}) is ${String(before['state'])}; starting a new one.`
    )
  const snapshotId = await chooseSnapshot(start, base, resolver)
  const body = {
    snapshotId,
    exportBucketId: start.exportBucketId,
    customData: [...start.customData, ...provenance(resolver.env)]
  }
  let created: Doc
  try {
    created = await resolver.call(STEPS.startExport, exportsPath, { body })
  } catch (error) {
    // A timeout, a reset or a 5xx may hide an export that Atlas did start: look before sending again.
    if (!(error instanceof AtlasError) || !(error.retryable || error.kind === 'timeout')) throw error
    const found = startedBefore(
      await resolver.listAll(STEPS.listExports, exportsPath),
      resolver.env,
      start.exportBucketId
    )
    if (found && found['snapshotId'] === snapshotId && id(found) && id(found) !== id(before)) {
      resolver.log(`The request to start the export failed (${error.message}), but Atlas has it: ${id(found)}.`)
      created = found
    } else {
      resolver.log(
        `The request to start the export failed (${error.message}) and Atlas lists no such export; sending it once more.`
      )
      created = await resolver.call(STEPS.startExport, exportsPath, { body })
    }
  }
  const exportId = id(created)
  if (!exportId) throw stepError(STEPS.startExport, 'protocol', 'Atlas started the export but answered without its id')
  resolver.log(`Started export ${exportId} of snapshot ${snapshotId} to bucket ${start.exportBucketId}.`)
  return { exportId, outputs: { started: 'true', snapshotId } }
}
