import { isObject } from '../../atlas/json.js'
import { formatDuration } from '../../engine/units.js'
import { findLatest } from '../../engine/steps.js'
import {
  readStartInputs,
  START_DEFAULTS,
  startExport,
  START_OUTPUTS,
  startOnly,
  STEPS,
  type StartInputs
} from './start.js'
import { LOCATION_OUTPUTS, locateFiles } from './location.js'
import { readClusterName } from '../cloud-backup/cluster.js'
import { api, objects, spanMs, text } from '../fields.js'
import { readHexId, readIdOrLatest } from '../../engine/inputs.js'
import { defineResource, type AtlasDocument, type Row } from '../resource.js'

// A Cloud Backup snapshot export job (DiskBackupExportJob): GET /groups/{groupId}/clusters/
// {clusterName}/backup/exports/{exportId}. The successor MongoDB names for Data Lake pipelines.
// Every field is optional in practice, and values outside the spec's enums pass through as sent.

const EXPORT_STATES = ['Queued', 'InProgress', 'Successful', 'Failed', 'Cancelled'] as const

/** States after which a job never changes again (the Atlas CLI's `backups exports jobs watch` stops on these). */
const TERMINAL_EXPORT_STATES = ['Successful', 'Failed', 'Cancelled'] as const

export interface ExportRef {
  groupId: string
  clusterName: string
  /** The job to check: its id, "latest", or "" when this step starts one (start). */
  exportId: string
  /** With exportId latest: the newest job to this export bucket (a scheduled export's gate). */
  bucket?: string
  start?: StartInputs
}

/** Finding the newest job for latest: the same request as start mode's, without its notes. */
const FIND_LATEST = { what: STEPS.listExports.what, role: STEPS.listExports.role }

function collections(doc: AtlasDocument): { exported?: string; total?: string } {
  const status = isObject(doc['exportStatus']) ? doc['exportStatus'] : {}
  return { exported: text(status['exportedCollections']), total: text(status['totalCollections']) }
}

function stateReason(doc: AtlasDocument): { code?: string; message?: string } {
  const reason = isObject(doc['stateReason']) ? doc['stateReason'] : {}
  return { code: text(reason['errorCode']), message: text(reason['message']) }
}

/** "key=value, key=value" for customData, as Atlas writes it into the .complete file. */
function customData(doc: AtlasDocument): string | undefined {
  const pairs = objects(doc['customData']).map((item) => `${text(item['key']) ?? '?'}=${text(item['value']) ?? ''}`)
  return pairs.length ? pairs.join(', ') : undefined
}

/** "rs0 (id), rs1 (id)": the per-shard jobs of a sharded cluster. */
function components(doc: AtlasDocument): string | undefined {
  const parts = objects(doc['components']).map(
    (c) => `${text(c['replicaSetName']) ?? '?'} (${text(c['exportId']) ?? '?'})`
  )
  return parts.length ? parts.join(', ') : undefined
}

function collectionsLine(doc: AtlasDocument): string | undefined {
  const { exported, total } = collections(doc)
  if (exported === undefined && total === undefined) return undefined
  return `${exported ?? '?'} of ${total ?? '?'} collections`
}

export const backupExport = defineResource<ExportRef>({
  action: 'atlas-pipeline-run-action/backup-export',
  noun: 'export job',
  refInputs: ['groupId', 'clusterName', 'exportId'],
  latestInput: 'exportId',
  inputDefaults: START_DEFAULTS,
  readRef(input, problems) {
    const groupId = readHexId(input, 'groupId', 'the Atlas project id', problems)
    const clusterName = readClusterName(input, problems)
    const given = input('exportId')
    if (given === 'latest' && input('exportBucketId') !== '') {
      // The newest export to that bucket: a check, never a start.
      // Stryker disable next-line StringLiteral: the words name an empty id, which never gets here
      const bucket = readHexId(input, 'exportBucketId', 'the export bucket id', problems)
      startOnly(input, problems, 'exportId is latest (a check)')
      return { groupId, clusterName, exportId: 'latest', bucket }
    }
    const start = readStartInputs(input, problems)
    if (given !== '' && start)
      problems.push(
        'exportId and exportBucketId exclude each other: give exportId to check a job, exportBucketId to start an export, ' +
          'or exportId: latest with exportBucketId to check the newest export to that bucket'
      )
    if (given === '' && !start)
      problems.push(
        'exportId is required (an export job id, or latest), unless exportBucketId is given to start an export'
      )
    // Stryker disable next-line StringLiteral: the words name an empty id, which never gets here
    const exportId = given === '' ? given : readIdOrLatest(input, 'exportId', 'the export job id', problems)
    return { groupId, clusterName, exportId, ...(start ? { start } : {}) }
  },
  describe: (ref) =>
    ref.exportId === ''
      ? `The export job this step starts, of cluster ${ref.clusterName}`
      : ref.exportId === 'latest'
        ? `The latest export job of cluster ${ref.clusterName}${ref.bucket ? ` to bucket ${ref.bucket}` : ''}`
        : `Export job ${ref.exportId} of cluster ${ref.clusterName}`,
  subject: (ref) => `${ref.clusterName} export`,
  refRows: (ref) => [
    ['Cluster', { api: ref.clusterName }],
    ['Export job', { api: ref.exportId }],
    ['Project', { api: ref.groupId }]
  ],
  groupId: (ref) => ref.groupId,
  path: (ref) => ['groups', ref.groupId, 'clusters', ref.clusterName, 'backup', 'exports', ref.exportId],
  states: EXPORT_STATES,
  terminalStates: TERMINAL_EXPORT_STATES,
  defaultSuccessStates: 'Successful',
  state: (doc) => text(doc['state']),
  stage: () => undefined,
  judgeState(state, doc, { wait, described }) {
    const prefix = text(doc['prefix'])
    switch (state) {
      case 'Queued':
      case 'InProgress':
        return {
          headline: `not finished, ${state}${collectionsLine(doc) ? ` (${collectionsLine(doc)})` : ''}`,
          message: `${described} has not finished: it is ${state}.`,
          hint: wait ? undefined : 'Set wait: true to block until the export finishes, or run this check later.'
        }
      case 'Failed': {
        const reason = stateReason(doc)
        const why = [reason.code, reason.message?.replace(/\.$/, '')].filter(Boolean).join(': ')
        return {
          // Atlas's reason in words beside its code, in the headline: the first thing a person reads.
          headline: `Failed${why ? ` (${why})` : ''}`,
          message: `${described} Failed${why ? `: ${why}` : ''}.`,
          hint:
            `Atlas does not retry a failed export, and it leaves the files it wrote under the prefix${prefix ? ` ${prefix}` : ''} in the bucket: ` +
            'remove them, fix the cause, then start a new export.'
        }
      }
      case 'Cancelled':
        return {
          headline: 'Cancelled',
          message: `${described} was Cancelled.`,
          hint: 'Start a new export if it is still needed, or add Cancelled to successStates if that is expected.'
        }
      default:
        return undefined
    }
  },
  headlineFacts(doc) {
    const line = collectionsLine(doc)
    return line ? [line] : []
  },
  keyFigures(doc) {
    const took = spanMs(doc['createdAt'], doc['finishedAt'])
    const shards = objects(doc['components']).length
    const rows: Row[] = [
      ['Collections', collectionsLine(doc)],
      ['Shards', shards > 0 ? String(shards) : undefined],
      ['Export took', took === undefined ? undefined : formatDuration(took)]
    ]
    return rows
  },
  details(doc) {
    const reason = stateReason(doc)
    const custom = customData(doc)
    const shards = components(doc)
    return [
      ['State', api(doc['state'])],
      [
        'State reason',
        reason.code || reason.message ? { api: [reason.code, reason.message].filter(Boolean).join(': ') } : undefined
      ],
      ['Snapshot', api(doc['snapshotId'])],
      ['Export bucket', api(doc['exportBucketId'])],
      ['Prefix', api(doc['prefix'])],
      ['Created', api(doc['createdAt'])],
      ['Finished', api(doc['finishedAt'])],
      ['Custom data', custom === undefined ? undefined : { api: custom }],
      ['Shards', shards === undefined ? undefined : { api: shards }]
    ]
  },
  outputs(doc) {
    const { exported, total } = collections(doc)
    const reason = stateReason(doc)
    return {
      state: text(doc['state']),
      exportId: text(doc['id']),
      snapshotId: text(doc['snapshotId']),
      exportBucketId: text(doc['exportBucketId']),
      prefix: text(doc['prefix']),
      exportedCollections: exported,
      totalCollections: total,
      stateReasonCode: reason.code,
      stateReasonMessage: reason.message,
      createdAt: text(doc['createdAt']),
      finishedAt: text(doc['finishedAt'])
    }
  },
  stepOutputs: [...START_OUTPUTS, ...LOCATION_OUTPUTS],
  documentOutput: 'job',
  waitByDefault: (ref) => ref.start !== undefined,
  async prepare(ref, steps) {
    if (ref.start) {
      const { exportId, outputs } = await startExport(ref.groupId, ref.clusterName, ref.start, steps)
      return { ref: { ...ref, exportId }, outputs }
    }
    if (ref.exportId !== 'latest') return { ref }
    const toBucket = ref.bucket ? ` to bucket ${ref.bucket}` : ''
    const where = ['groups', ref.groupId, 'clusters', ref.clusterName, 'backup', 'exports']
    const { id: exportId } = await findLatest(steps, FIND_LATEST, where, {
      idField: 'id',
      dateField: 'createdAt',
      fits: (job) => ref.bucket === undefined || job['exportBucketId'] === ref.bucket,
      label: 'export job',
      ...(ref.bucket ? { among: `to bucket ${ref.bucket}` } : {}),
      what: 'Export job',
      none: {
        message: `Atlas lists no export job of cluster ${ref.clusterName}${toBucket}`,
        headline: `nothing to check: no export job of cluster ${ref.clusterName}${toBucket}`,
        hint: ref.bucket
          ? `Check clusterName and exportBucketId. For scheduled exports, the cluster's backup policy needs autoExportEnabled and an export to this bucket; the first one runs with the next snapshot of its frequency.`
          : 'Check groupId and clusterName, or start an export first (give exportBucketId instead of exportId).'
      }
    })
    return { ref: { ...ref, exportId } }
  },
  createdAt: (doc) => text(doc['createdAt']),
  staleHint:
    'A scheduled export runs with each snapshot of the frequency the backup policy exports (autoExportEnabled, export.frequencyType): ' +
    'check that policy and the newest snapshots under Backup in the Atlas UI, or raise maxAge if exports are meant to be less frequent.',
  async followUp(ref, doc, steps) {
    const { outputs, uri, warning } = await locateFiles(ref.groupId, doc, steps)
    // Atlas leaves the files of a job that did not succeed where it wrote them: partial ones.
    const label = text(doc['state']) === 'Successful' ? 'Files at' : 'Partial files (the export did not succeed) at'
    return { outputs, lines: uri ? [[label, { api: uri }]] : [], warnings: warning ? [warning] : [] }
  },
  readRole: 'Project Backup Manager',
  notFound: (status, step) =>
    step
      ? {
          headline: `not found (${status}) while trying to ${step}`,
          hint: "Check groupId and clusterName (Atlas's detail above names what it did not find), and exportBucketId and snapshotId when given."
        }
      : {
          headline: `export job ${status === 410 ? 'gone' : 'not found'} (${status})`,
          hint:
            'Check groupId, clusterName and exportId: the export jobs of a cluster are under Backup, Snapshots, Export in the Atlas UI, ' +
            'and the id is the one POST /backup/exports returned.'
        }
})
