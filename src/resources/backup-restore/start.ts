import { StepError, type Step } from '../../engine/step-error.js'
import { stepError, type Steps } from '../../engine/steps.js'
import type { Explanation } from '../../engine/text.js'
import {
  clusterOnce,
  clusterPath,
  isSharded,
  isTenant,
  readClusterStep,
  shardCount,
  standardSrv
} from '../cloud-backup/cluster.js'
import { chooseSnapshot, snapshotSteps } from '../cloud-backup/snapshots.js'
import { text } from '../fields.js'
import type { AtlasDocument, OnCancel } from '../resource.js'
import type { RestoreRef, RestoreStart } from './inputs.js'
import { idTime, targetOf, unfinished } from './job.js'

// Start mode of backup-restore. A restore deletes the target's data before it begins, so every
// check that can refuse it comes before the POST: the target exists, is running, can take the
// snapshot (its kind, shards and version against the source's), and no restore is under way into
// it (then this step waits for that one instead). Each cluster is read once; a POST whose answer
// was lost is looked for before it is sent again.

const NO_RESTORE = 'No restore was started, and the target cluster is untouched.'
const RERUN = 'it will not start a second restore into a target that one is under way for'
const SNAPSHOT_STEPS = snapshotSteps({ note: NO_RESTORE, rerun: RERUN })

/** Who may start a restore: the spec's roles, and the restore guide's Project Owner for another cluster. */
export const RESTORE_ROLE =
  "Project Backup Recovery Operator or Project Backup Export Operator (and Project Owner of the source's and the target's projects, which MongoDB's restore guide asks for to restore into another cluster)"

export const STEPS = {
  readSource: readClusterStep('read the source cluster', { note: NO_RESTORE, rerun: RERUN }),
  readTarget: readClusterStep('read the target cluster', { note: NO_RESTORE, rerun: RERUN }),
  listRestores: {
    what: 'list the restore jobs of the cluster',
    role: 'Project Backup Manager',
    note: NO_RESTORE,
    rerun: RERUN
  },
  ...SNAPSHOT_STEPS,
  startRestore: {
    what: 'start the restore',
    role: RESTORE_ROLE,
    conflict:
      "Atlas is already restoring into that cluster (or from this snapshot): wait for that restore to finish (Atlas's detail above names it), then run this step again.",
    rerun: `it looks for the restore this run started before it sends another, so ${RERUN}`
  },
  cancelDownload: { what: 'cancel the download it started', role: RESTORE_ROLE }
} satisfies Record<string, Step>

/** The words of a refusal before the POST: what differs (the step's note adds that nothing was touched). */
function refused(step: Step, message: string, hint: string): StepError {
  return stepError(step, 'empty', `${message}.`, {
    headline: `refused before restoring: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
    hint
  })
}

/** "8.0" → [8, 0]; undefined when unreadable. */
function majorVersion(cluster: AtlasDocument): number[] | undefined {
  const version = text(cluster['mongoDBMajorVersion'])
  // Stryker disable next-line ConditionalExpression: exec(undefined) reads "undefined", which does not match either
  const match = version === undefined ? null : /^(\d+)\.(\d+)/.exec(version)
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

const older = (a: number[], b: number[]): boolean => a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!)

/**
 * Why the target cannot take a restore of the source, in the restore guide's rules, or undefined
 * when nothing the two documents say stands in the way.
 */
export function targetRefusal(
  source: AtlasDocument,
  target: AtlasDocument,
  targetName: string
): Required<Explanation> | undefined {
  const sourceKind = text(source['clusterType']) ?? 'REPLICASET'
  if (target['paused'] === true)
    return {
      headline: `the target cluster ${targetName} is paused`,
      message: `The target cluster ${targetName} is paused`,
      hint: `Resume ${targetName} in the Atlas UI (or with the API), then run this step again.`
    }
  // The spec: only CREATING and DELETING clusters may be unavailable.
  const stateName = text(target['stateName'])
  if (stateName === 'CREATING' || stateName === 'DELETING')
    return {
      headline: `the target cluster ${targetName} is ${stateName}`,
      message: `The target cluster ${targetName} is ${stateName}`,
      hint:
        stateName === 'CREATING'
          ? `Wait until ${targetName} is created (IDLE in the Atlas UI), then run this step again.`
          : `${targetName} is being deleted: choose another target cluster.`
    }
  if (isTenant(target))
    return {
      headline: `the target cluster ${targetName} is an M0 (shared) cluster`,
      message: `The target cluster ${targetName} is an M0 (shared) cluster, which takes no Cloud Backup restore`,
      hint: 'Restore into a dedicated cluster (M10 or larger) with Cloud Backup.'
    }
  if (isSharded(source) && !isSharded(target))
    return {
      headline: `the source is ${sourceKind} and ${targetName} is a replica set`,
      message: `The source cluster is ${sourceKind} and the target cluster ${targetName} is a replica set`,
      hint: 'A snapshot of a sharded cluster can only be restored into a sharded cluster: choose a sharded target with as many shards.'
    }
  const [from, to] = [shardCount(source), shardCount(target)]
  if (isSharded(source) && isSharded(target) && from > 0 && to > 0 && from !== to)
    return {
      headline: `the source has ${from} shards and ${targetName} has ${to}`,
      message: `The source cluster has ${from} shards and the target cluster ${targetName} has ${to}`,
      hint: `A sharded snapshot restores only into a cluster with the same number of shards: give ${targetName} ${from} shards, or choose another target.`
    }
  const [sourceVersion, targetVersion] = [majorVersion(source), majorVersion(target)]
  if (sourceVersion && targetVersion && older(targetVersion, sourceVersion))
    return {
      headline: `${targetName} runs MongoDB ${targetVersion.join('.')}, older than the source's ${sourceVersion.join('.')}`,
      message: `The target cluster ${targetName} runs MongoDB ${targetVersion.join('.')}, older than the source's ${sourceVersion.join('.')}`,
      hint: `Atlas restores a snapshot only into the same major version or the next one: upgrade ${targetName} to ${sourceVersion.join('.')} first.`
    }
  return undefined
}

/** The target's document, read once; a missing target is a refusal that names it and its project. */
async function readTarget(start: RestoreStart, source: () => Promise<AtlasDocument>, ref: RestoreRef, steps: Steps) {
  const name = start.targetClusterName!
  const groupId = start.targetGroupId!
  // A restore onto the source (allowOverwriteSource) reads that one cluster once.
  if (name === ref.clusterName && groupId === ref.groupId) return source()
  try {
    return await clusterOnce(steps, STEPS.readTarget, groupId, name)()
  } catch (error) {
    if (error instanceof StepError && error.status === 404)
      throw refused(
        STEPS.readTarget,
        `The target cluster ${name} does not exist in project ${groupId}`,
        'Check targetClusterName and targetGroupId: create the target cluster first (M10 or larger, of the same kind and number of shards as the source).'
      )
    throw error
  }
}

/** The checks that can refuse the restore, before anything is asked of Atlas that changes it. */
async function checkBeforeRestore(
  ref: RestoreRef,
  start: RestoreStart,
  source: () => Promise<AtlasDocument>,
  steps: Steps
): Promise<AtlasDocument | undefined> {
  const sourceDoc = await source()
  if (start.deliveryType === 'pointInTime' && sourceDoc['pitEnabled'] !== true)
    throw refused(
      STEPS.readSource,
      `Continuous Cloud Backup is off on the source cluster ${ref.clusterName}, so it cannot be restored to a moment`,
      "Turn on Continuous Cloud Backup in the cluster's backup settings (pitEnabled), or restore a snapshot (deliveryType: automated)."
    )
  if (start.deliveryType === 'download') return undefined
  const target = await readTarget(start, source, ref, steps)
  const refusal = targetRefusal(sourceDoc, target, start.targetClusterName!)
  if (refusal) throw refused(STEPS.readTarget, refusal.message, refusal.hint)
  return target
}

const sameTarget = (job: AtlasDocument, start: RestoreStart): boolean => {
  const { clusterName, groupId } = targetOf(job)
  return clusterName === start.targetClusterName && groupId === start.targetGroupId
}

/** What the step says when the workflow is cancelled. */
function onCancel(start: RestoreStart, restoreJobId: string, started: boolean, ref: RestoreRef): OnCancel {
  if (start.deliveryType === 'download' && started)
    return {
      hint: 'This step started the download, so it asked Atlas to cancel it; the summary says whether Atlas did.',
      undo: async (steps) => {
        await steps.call(STEPS.cancelDownload, [...restoresPath(ref), restoreJobId], { method: 'DELETE' })
        steps.record({
          what: 'Restore job',
          id: restoreJobId,
          how: 'cancelled (DELETE), as the workflow was cancelled'
        })
      }
    }
  return {
    hint:
      'The restore goes on in Atlas: Atlas cannot cancel an automated or point-in-time restore once it has begun. ' +
      `Follow it under Backup, Restores in the Atlas UI, or check it with restoreJobId: ${restoreJobId}.`
  }
}

export const restoresPath = (ref: Pick<RestoreRef, 'groupId' | 'clusterName'>): string[] => [
  ...clusterPath(ref.groupId, ref.clusterName),
  'backup',
  'restoreJobs'
]

/** The outputs that start mode sets. */
export const START_OUTPUTS = ['started'] as const

/** A restore into the same target that has not finished: this step waits for it instead (its id), or none. */
async function underWayInto(start: RestoreStart, path: string[], steps: Steps): Promise<string | undefined> {
  const underWay = (await steps.listAll(STEPS.listRestores, path)).find(
    (job) => sameTarget(job, start) && unfinished(job) && text(job['id'])
  )
  const id = text(underWay?.['id'])
  if (!id) return undefined
  steps.log(
    `A restore into ${start.targetClusterName} is already under way (${id}); waiting for it instead of starting another.`
  )
  steps.record({
    what: 'Restore job',
    id,
    how: `already under way into ${start.targetClusterName}, waited for; not started again`
  })
  return id
}

/** The POST, sent once: a lost answer is looked for (unfinished, this snapshot and target, no older than the step) first. */
async function requestRestore(
  start: RestoreStart,
  snapshotId: string | undefined,
  path: string[],
  startedAt: number,
  steps: Steps
): Promise<string> {
  const body = {
    deliveryType: start.deliveryType,
    ...(snapshotId ? { snapshotId } : {}),
    ...(start.pointInTimeSeconds === undefined ? {} : { pointInTimeUTCSeconds: start.pointInTimeSeconds }),
    ...(start.targetClusterName
      ? { targetClusterName: start.targetClusterName, targetGroupId: start.targetGroupId }
      : {})
  }
  const created = await steps.post(STEPS.startRestore, path, body, async () =>
    (await steps.listAll(STEPS.listRestores, path)).find((job) => {
      const at = Date.parse(idTime(job['id']) ?? '')
      return (
        unfinished(job) &&
        at >= startedAt - 60_000 &&
        job['deliveryType'] === start.deliveryType &&
        (snapshotId === undefined || job['snapshotId'] === snapshotId) &&
        (start.deliveryType === 'download' || sameTarget(job, start))
      )
    })
  )
  const id = text(created['id'])
  if (!id) throw stepError(STEPS.startRestore, 'protocol', 'Atlas started the restore but answered without its id')
  const what =
    start.deliveryType === 'download'
      ? 'a download'
      : `into ${start.targetClusterName} (project ${start.targetGroupId})`
  steps.log(`Started restore job ${id}: ${snapshotId ? `snapshot ${snapshotId}` : 'to a moment'}, ${what}.`)
  steps.record({ what: 'Restore job', id, how: `started by this step, ${what}` })
  return id
}

/** Start mode: the job to check, whether this step started it, and what a cancel then means. */
export async function startRestore(
  ref: RestoreRef,
  start: RestoreStart,
  steps: Steps
): Promise<{ ref: RestoreRef; outputs: Record<string, string>; onCancel: OnCancel }> {
  const startedAt = Date.now()
  // The source is read once: for the checks, and for its kind when choosing the snapshot.
  const source = clusterOnce(steps, STEPS.readSource, ref.groupId, ref.clusterName)
  const target = await checkBeforeRestore(ref, start, source, steps)
  const connection = target ? standardSrv(target) : undefined
  const known = connection ? { targetConnectionString: connection } : {}
  const path = restoresPath(ref)
  const underWay = start.deliveryType === 'download' ? undefined : await underWayInto(start, path, steps)
  if (underWay)
    return {
      ref: { ...ref, restoreJobId: underWay, ...known },
      outputs: { started: 'false' },
      // Stryker disable next-line BooleanLiteral: a restore under way is never a download, whose undo alone reads it
      onCancel: onCancel(start, underWay, false, ref)
    }
  const snapshotId =
    start.deliveryType === 'pointInTime'
      ? undefined
      : await chooseSnapshot(
          start,
          {
            base: path.slice(0, -1),
            cluster: source,
            steps: SNAPSHOT_STEPS,
            use: 'restore',
            used: 'restored',
            action: 'atlas-pipeline-run-action/backup-restore',
            note: NO_RESTORE
          },
          steps
        )
  const id = await requestRestore(start, snapshotId, path, startedAt, steps)
  return {
    ref: { ...ref, restoreJobId: id, ...known },
    outputs: { started: 'true' },
    onCancel: onCancel(start, id, true, ref)
  }
}
