import { stringifyJson } from '../../atlas/json.js'
import { findLatest } from '../../engine/steps.js'
import { StepError } from '../../engine/step-error.js'
import { formatDuration } from '../../engine/units.js'
import { clusterPath, standardSrv } from '../cloud-backup/cluster.js'
import { api, objects, spanMs, text } from '../fields.js'
import { defineResource, type AtlasDocument, type FollowUp, type Row } from '../resource.js'
import type { Steps } from '../../engine/steps.js'
import { readRestoreRef, RESTORE_DEFAULTS, type RestoreRef } from './inputs.js'
import {
  deliveryLinks,
  RESTORE_STATES,
  restoreCreatedAt,
  restoreSecrets,
  restoreState,
  shortTime,
  TERMINAL_RESTORE_STATES
} from './job.js'
import { restoresPath, START_OUTPUTS, startRestore, STEPS } from './start.js'

// A Cloud Backup restore job (DiskBackupSnapshotRestoreJob): GET /groups/{groupId}/clusters/
// {clusterName}/backup/restoreJobs/{restoreJobId}, under the source cluster. Its state and its
// creation time are derived (job.ts); its download links are credentials, masked by the engine
// (secrets) and handed only to deliveryUrl and deliveryUrls.

/** The outputs that reading the target once the restore passed may set. */
const TARGET_OUTPUTS = ['targetConnectionString'] as const

const restoreSeconds = (doc: AtlasDocument): number | undefined => spanMs(restoreCreatedAt(doc), doc['finishedAt'])

/** How old the snapshot was when the restore began: from its timestamp to the job's creation. */
const snapshotAge = (doc: AtlasDocument): number | undefined => spanMs(doc['timestamp'], restoreCreatedAt(doc))

const isDownload = (doc: AtlasDocument): boolean => doc['deliveryType'] === 'download'

const NOTHING: FollowUp = { outputs: {}, lines: [], warnings: [] }

/**
 * The target's connection string, for a later step (mongosh against the restored cluster): only
 * after a restore into a cluster passed, and without a request when start mode read the target.
 */
async function connectionOf(
  ref: RestoreRef,
  doc: AtlasDocument,
  steps: Steps,
  { passed }: { passed: boolean }
): Promise<FollowUp> {
  const into = text(doc['targetClusterName'])
  const group = text(doc['targetGroupId'])
  // Only a restore that passed (Successful, and young enough for maxAge) is worth connecting to.
  if (!passed || restoreState(doc) !== 'Successful') return NOTHING
  // Where the link is, never the link: it is a credential.
  if (isDownload(doc))
    return {
      ...NOTHING,
      lines: [
        [
          'Download links',
          'in the deliveryUrl and deliveryUrls outputs of this step (masked; use them in a later step of this job)'
        ]
      ]
    }
  if (!into || !group) return NOTHING
  let connection = ref.targetConnectionString
  if (connection === undefined) {
    try {
      connection = standardSrv(await steps.call(STEPS.readTarget, clusterPath(group, into)))
    } catch (error) {
      if (!(error instanceof StepError)) throw error
      return {
        ...NOTHING,
        warnings: [
          `Could not read the target cluster ${into} (${error.message}), so targetConnectionString is not set; the restore is judged as before. ` +
            `Reading a cluster needs the ${STEPS.readTarget.role} role on project ${group}.`
        ]
      }
    }
  }
  if (!connection) return NOTHING
  return {
    ...NOTHING,
    outputs: { targetConnectionString: connection },
    lines: [['Connect to the target at', { api: connection }]]
  }
}

export const backupRestore = defineResource<RestoreRef>({
  action: 'atlas-pipeline-run-action/backup-restore',
  noun: 'restore job',
  refInputs: ['groupId', 'clusterName', 'restoreJobId'],
  latestInput: 'restoreJobId',
  inputDefaults: RESTORE_DEFAULTS,
  readRef: readRestoreRef,
  describe: (ref) =>
    ref.restoreJobId === ''
      ? `The restore job this step starts, of cluster ${ref.clusterName}`
      : ref.restoreJobId === 'latest'
        ? `The latest restore job of cluster ${ref.clusterName}${ref.targetClusterName ? ` into ${ref.targetClusterName}` : ''}`
        : `Restore job ${ref.restoreJobId} of cluster ${ref.clusterName}`,
  subject: (ref) => {
    const into = ref.start?.targetClusterName ?? ref.targetClusterName
    return ref.start?.deliveryType === 'download'
      ? `${ref.clusterName} download`
      : into
        ? `${ref.clusterName} into ${into}`
        : `${ref.clusterName} restore`
  },
  refRows: (ref) => [
    ['Source cluster', { api: ref.clusterName }],
    ['Restore job', { api: ref.restoreJobId }],
    ['Project', { api: ref.groupId }]
  ],
  groupId: (ref) => ref.groupId,
  path: (ref) => [...restoresPath(ref), ref.restoreJobId],
  states: RESTORE_STATES,
  terminalStates: TERMINAL_RESTORE_STATES,
  defaultSuccessStates: 'Successful',
  state: restoreState,
  judgeState(state, doc, { wait, described }) {
    const into = text(doc['targetClusterName'])
    switch (state) {
      case 'InProgress':
        return {
          headline: `not finished, InProgress${isDownload(doc) ? ' (no download link yet)' : ''}`,
          message: `${described} has not finished: it is InProgress.`,
          hint: wait ? undefined : 'Set wait: true to block until the restore finishes, or run this check later.'
        }
      case 'Failed':
        return {
          headline: `Failed${into ? `: ${into} holds neither its old data nor the snapshot` : ''}`,
          message: `${described} Failed.`,
          hint: isDownload(doc)
            ? "Atlas could not prepare the download: start a new one, and look at the project's Activity Feed in the Atlas UI for the cause."
            : `Atlas deleted the data of ${into ?? 'the target cluster'} before the restore began, so the cluster is not usable as it is: ` +
              "look at the project's Activity Feed in the Atlas UI for the cause, then run the restore again (or restore another snapshot) before anything uses the cluster."
        }
      case 'Cancelled':
        return {
          headline: 'Cancelled',
          message: `${described} was Cancelled.`,
          hint: 'Someone cancelled the restore in Atlas: start a new one if it is still needed, or add Cancelled to successStates if that is expected.'
        }
      case 'Expired':
        return {
          headline: `Expired${text(doc['expiresAt']) ? ` at ${text(doc['expiresAt'])}` : ''}`,
          message: `${described} Expired: its download link no longer works.`,
          hint: 'A download link works until expiresAt: start a new download and use its link within the same job.'
        }
      default:
        return undefined
    }
  },
  headlineFacts(doc) {
    const took = restoreSeconds(doc)
    return [
      ...(shortTime(doc['timestamp']) ? [`snapshot of ${shortTime(doc['timestamp'])}`] : []),
      ...(took === undefined ? [] : [`in ${formatDuration(took)}`]),
      ...(isDownload(doc) && restoreState(doc) === 'Successful' ? ['ready to download'] : [])
    ]
  },
  keyFigures(doc) {
    const took = restoreSeconds(doc)
    const age = snapshotAge(doc)
    const shards = objects(doc['components']).length
    return [
      ['Restore took', took === undefined ? undefined : formatDuration(took)],
      ['Snapshot age at the start', age === undefined ? undefined : formatDuration(age)],
      ['Target', api(doc['targetClusterName'])],
      ['Download expires', api(doc['expiresAt'])],
      ['Shards', shards > 0 ? String(shards) : undefined]
    ] satisfies Row[]
  },
  details(doc) {
    const replicaSets = deliveryLinks(doc)
      .map((link) => link.replicaSetName)
      .filter((name): name is string => name !== undefined)
    return [
      ['State (derived from its flags)', api(restoreState(doc))],
      ['Delivery type', api(doc['deliveryType'])],
      ['Snapshot', api(doc['snapshotId'])],
      ['Snapshot taken', api(doc['timestamp'])],
      ['Target cluster', api(doc['targetClusterName'])],
      ['Target project', api(doc['targetGroupId'])],
      ['Created (from its id)', api(restoreCreatedAt(doc))],
      ['Finished', api(doc['finishedAt'])],
      ['Expires', api(doc['expiresAt'])],
      // The links are credentials: only the replica sets they are for.
      [
        'Download links',
        replicaSets.length
          ? { api: replicaSets.join(', ') }
          : deliveryLinks(doc).length
            ? String(deliveryLinks(doc).length)
            : undefined
      ]
    ]
  },
  outputs(doc) {
    const links = deliveryLinks(doc)
    const took = restoreSeconds(doc)
    return {
      state: restoreState(doc),
      restoreJobId: text(doc['id']),
      deliveryType: text(doc['deliveryType']),
      snapshotId: text(doc['snapshotId']),
      snapshotTimestamp: text(doc['timestamp']),
      targetClusterName: text(doc['targetClusterName']),
      targetGroupId: text(doc['targetGroupId']),
      createdAt: restoreCreatedAt(doc),
      finishedAt: text(doc['finishedAt']),
      restoreSeconds: took === undefined ? undefined : String(Math.round(took / 1000)),
      deliveryUrl: links[0]?.url,
      deliveryUrls: links.length
        ? stringifyJson(links.map((l) => ({ replicaSetName: l.replicaSetName ?? null, url: l.url })))
        : undefined,
      expiresAt: text(doc['expiresAt'])
    }
  },
  documentOutput: 'job',
  secrets: restoreSecrets,
  stepOutputs: [...START_OUTPUTS, ...TARGET_OUTPUTS],
  waitByDefault: (ref) => ref.start !== undefined,
  async prepare(ref, steps) {
    if (ref.start) return startRestore(ref, ref.start, steps)
    // A check only watches: when it is cancelled, the engine says that the job goes on in Atlas.
    if (ref.restoreJobId !== 'latest') return { ref }
    const into = ref.targetClusterName ? ` into ${ref.targetClusterName}` : ''
    const { id: restoreJobId } = await findLatest(steps, STEPS.listRestores, restoresPath(ref), {
      idField: 'id',
      dateField: restoreCreatedAt,
      fits: (job) =>
        ref.targetClusterName === undefined ||
        (job['targetClusterName'] === ref.targetClusterName && job['targetGroupId'] === ref.targetGroupId),
      label: 'restore job',
      ...(ref.targetClusterName ? { among: `into ${ref.targetClusterName}` } : {}),
      what: 'Restore job',
      none: {
        message: `Atlas lists no restore job of cluster ${ref.clusterName}${into}`,
        headline: `nothing to check: no restore job of cluster ${ref.clusterName}${into}`,
        hint: 'Check groupId, clusterName and targetClusterName (the source cluster is the one whose snapshot was restored), or run the restore first.'
      }
    })
    return { ref: { ...ref, restoreJobId } }
  },
  createdAt: restoreCreatedAt,
  staleHint:
    'The newest restore is older than maxAge: has the scheduled restore drill stopped running? Look at its workflow runs and at Backup, Restores in the Atlas UI, or raise maxAge.',
  followUp: connectionOf,
  readRole: 'Project Backup Manager',
  notFound: (status, step) =>
    step
      ? {
          headline: `not found (${status}) while trying to ${step}`,
          hint: "Check groupId and clusterName (Atlas's detail above names what it did not find), and targetClusterName, targetGroupId and snapshotId when given."
        }
      : {
          headline: `restore job ${status === 410 ? 'gone' : 'not found'} (${status})`,
          hint:
            'Check groupId, clusterName and restoreJobId: a restore job lives under its source cluster (Backup, Restores in the Atlas UI), ' +
            'and the id is the one POST /backup/restoreJobs returned.'
        }
})
