import { parseBoolean, readBoolean, readHexId, readIdOrLatest, type InputReader } from '../../engine/inputs.js'
import { readClusterName } from '../cloud-backup/cluster.js'
import { readSnapshotChoice, SNAPSHOT_DEFAULTS, type SnapshotChoice } from '../cloud-backup/snapshots.js'
import { DELIVERY_TYPES, type DeliveryType } from './job.js'

// The inputs of backup-restore: the source cluster, then either a restore job to check (its id or
// latest) or a restore to start: how it is delivered, where to, and from which snapshot or moment.
// Every rule that the inputs alone decide is checked here, before any request.

export interface RestoreStart extends SnapshotChoice {
  deliveryType: DeliveryType
  /** The cluster restored into, and its project; none for a download. */
  targetClusterName?: string
  targetGroupId?: string
  /** pointInTime: the moment to restore to, in seconds since the epoch. */
  pointInTimeSeconds?: number
  allowOverwriteSource: boolean
}

export interface RestoreRef {
  groupId: string
  clusterName: string
  /** The job to check: its id, "latest", or "" when this step starts one. */
  restoreJobId: string
  /** With latest: the newest job to this target cluster (and targetGroupId). */
  targetClusterName?: string
  targetGroupId?: string
  start?: RestoreStart
  /** The target's connection string, when start mode read the target already (no second read). */
  targetConnectionString?: string
}

export const RESTORE_DEFAULTS = {
  deliveryType: 'automated',
  allowOverwriteSource: 'false',
  ...SNAPSHOT_DEFAULTS
} as const

/** The spec's minimum of pointInTimeUTCSeconds (2008-01-01). */
const EARLIEST_SECONDS = 1199145600

/**
 * A moment as pointInTime takes it: seconds since the epoch, or an ISO 8601 date-time in UTC
 * (Z or +00:00). Undefined for anything else; a problem says why.
 */
export function parsePointInTime(value: string, now: number): { seconds?: number; problem?: string } {
  const rule =
    'it must be an ISO 8601 date-time in UTC (like 2026-12-01T06:00:00Z) or seconds since the epoch (like 1796104800)'
  let ms: number
  if (/^\d{1,12}$/.test(value)) ms = Number(value) * 1000
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|\+00:00|-00:00)$/.test(value)) {
    ms = Date.parse(value)
    // Date.parse rolls 2026-02-30 over into March: a real date reads back as the same day.
    if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== value.slice(0, 10)) ms = NaN
  } else return { problem: `pointInTime "${value}": ${rule}` }
  if (Number.isNaN(ms)) return { problem: `pointInTime "${value}" is not a real date; ${rule}` }
  const seconds = Math.floor(ms / 1000)
  if (seconds < EARLIEST_SECONDS)
    return { problem: `pointInTime "${value}" is before 2008-01-01, the earliest Atlas takes` }
  if (ms > now)
    return { problem: `pointInTime "${value}" is in the future; a restore can only go to a moment that has passed` }
  return { seconds }
}

/** The inputs that only a restore this step starts reads, flagged when the step checks one instead. */
function startOnly(input: InputReader, problems: string[], why: string): void {
  for (const name of ['snapshotId', 'pointInTime'])
    if (input(name) !== '')
      problems.push(`${name} is set but ${why}; ${name} only applies when the step starts a restore`)
  for (const name of ['takeSnapshot', 'allowOverwriteSource'])
    if (parseBoolean(input(name)) === true)
      problems.push(`${name} is true but ${why}; ${name} only applies when the step starts a restore`)
  const type = input('deliveryType')
  if (type !== '' && type !== RESTORE_DEFAULTS.deliveryType)
    problems.push(`deliveryType is ${type} but ${why}; deliveryType only applies when the step starts a restore`)
}

function readDeliveryType(input: InputReader, problems: string[]): DeliveryType {
  const value = input('deliveryType') || RESTORE_DEFAULTS.deliveryType
  if ((DELIVERY_TYPES as readonly string[]).includes(value)) return value as DeliveryType
  problems.push(`deliveryType "${value}" must be one of ${DELIVERY_TYPES.join(', ')}`)
  return RESTORE_DEFAULTS.deliveryType
}

/** Start mode's inputs, and the rules between them. */
function readStart(input: InputReader, problems: string[], groupId: string, clusterName: string): RestoreStart {
  const deliveryType = readDeliveryType(input, problems)
  const download = deliveryType === 'download'
  // Optional here: which delivery types need it is said below.
  const targetClusterName = readClusterName(input, problems, 'targetClusterName', { optional: true })
  if (download) {
    for (const name of ['targetClusterName', 'targetGroupId'])
      if (input(name) !== '')
        problems.push(
          `${name} is set but deliveryType is download; a download restores into no cluster, so give no ${name}`
        )
  } else if (targetClusterName === '')
    problems.push(`targetClusterName is required with deliveryType ${deliveryType}: the cluster to restore into`)
  const targetGroupId =
    // Stryker disable next-line StringLiteral: the words name an empty id, which is never read here
    input('targetGroupId') === '' ? groupId : readHexId(input, 'targetGroupId', 'the target project id', problems)
  const choice = readSnapshotChoice(input, problems)
  const given = input('pointInTime')
  let pointInTimeSeconds: number | undefined
  if (deliveryType === 'pointInTime') {
    if (given === '')
      problems.push('pointInTime is required with deliveryType pointInTime: the moment to restore to (UTC)')
    else {
      const { seconds, problem } = parsePointInTime(given, Date.now())
      if (problem) problems.push(problem)
      pointInTimeSeconds = seconds
    }
    if (choice.snapshotId || choice.takeSnapshot)
      problems.push(
        'snapshotId and takeSnapshot do not apply with deliveryType pointInTime: Atlas restores to the moment from its continuous backup'
      )
  } else if (given !== '')
    problems.push(
      `pointInTime is set but deliveryType is ${deliveryType}; set deliveryType: pointInTime to restore to a moment`
    )
  const allowOverwriteSource = readBoolean(input, 'allowOverwriteSource', problems, false)
  if (!download && targetClusterName === clusterName && targetGroupId === groupId && !allowOverwriteSource)
    problems.push(
      `targetClusterName is ${clusterName}, the source cluster itself: the restore would delete its data and replace it with the snapshot. ` +
        'Restore into another cluster, or set allowOverwriteSource: true if that is what you mean'
    )
  return {
    deliveryType,
    ...(download ? {} : { targetClusterName, targetGroupId }),
    ...choice,
    ...(pointInTimeSeconds === undefined ? {} : { pointInTimeSeconds }),
    allowOverwriteSource
  }
}

/** The ref: a job to check (its id or latest), or a restore to start (no restoreJobId). */
export function readRestoreRef(input: InputReader, problems: string[]): RestoreRef {
  const groupId = readHexId(input, 'groupId', 'the Atlas project id', problems)
  const clusterName = readClusterName(input, problems, 'clusterName', {
    what: 'the source cluster, whose snapshots are restored'
  })
  const given = input('restoreJobId')
  if (given === '')
    return { groupId, clusterName, restoreJobId: '', start: readStart(input, problems, groupId, clusterName) }
  // Stryker disable next-line StringLiteral: the words name an empty id, which never gets here
  const restoreJobId = readIdOrLatest(input, 'restoreJobId', 'the restore job id', problems)
  const latest = restoreJobId === 'latest'
  startOnly(input, problems, `restoreJobId is given (a check)`)
  for (const name of ['targetClusterName', 'targetGroupId'])
    if (input(name) !== '' && !latest)
      problems.push(
        `${name} is set but restoreJobId names one job; give it with restoreJobId: latest (the newest job to that target), or to start a restore`
      )
  if (!latest) return { groupId, clusterName, restoreJobId }
  const target = readClusterName(input, problems, 'targetClusterName', { optional: true })
  if (target === '') {
    if (input('targetGroupId') !== '')
      problems.push('targetGroupId is set without targetClusterName; give both to check the newest job to that target')
    return { groupId, clusterName, restoreJobId }
  }
  const targetGroupId =
    // Stryker disable next-line StringLiteral: the words name an empty id, which is never read here
    input('targetGroupId') === '' ? groupId : readHexId(input, 'targetGroupId', 'the target project id', problems)
  return { groupId, clusterName, restoreJobId, targetClusterName: target, targetGroupId }
}
