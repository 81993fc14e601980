import { isObject, stringifyJson } from '../../atlas/json.js'
import type { Int64 } from '../../atlas/types.js'
import { formatBytes, formatCount, formatDuration } from '../../engine/units.js'
import { findLatest } from '../../engine/steps.js'
import { stateText } from '../../engine/text.js'
import { api, spanMs, text } from '../fields.js'
import { readHexId, readIdOrLatest, type InputReader } from '../../engine/inputs.js'
import { defineResource, type AtlasDocument } from '../resource.js'

// A Data Lake pipeline run (IngestionPipelineRun): GET /groups/{groupId}/pipelines/{pipelineName}/
// runs/{pipelineRunId}, sunset by Atlas on 2025-09-30. Atlas marks no field as required, and enum
// values Atlas adds later pass through as sent.

export const RUN_STATES = ['PENDING', 'IN_PROGRESS', 'DONE', 'FAILED', 'DATASET_DELETED'] as const

/** States after which a run never changes again (the Atlas CLI's `runs watch` stopped on these). */
const TERMINAL_RUN_STATES = ['DONE', 'FAILED', 'DATASET_DELETED'] as const

const DEPRECATION_GUIDE = 'https://dochub.mongodb.org/core/data-lake-deprecation'
const SUNSET = 'Data Lake Pipelines were sunset on 2025-09-30'

export interface RunRef {
  groupId: string
  pipelineName: string
  runId: string
}

// The spec's pattern for pipelineName. Like Atlas (Java), the length counts UTF-16 code units.
const PIPELINE_NAME = /^[^/\\ "$]{1,64}$/

function readPipelineName(input: InputReader, problems: string[]): string {
  const value = input('pipelineName')
  if (value === '') problems.push('pipelineName is required: the name of the Data Lake pipeline')
  else if (!PIPELINE_NAME.test(value))
    problems.push(`pipelineName "${value}" must be 1 to 64 characters, none of them /, \\, space, " or $`)
  else if (!value.isWellFormed())
    problems.push('pipelineName contains a broken Unicode character (a lone surrogate) that cannot be sent in a URL')
  return value
}

function int64(value: unknown): Int64 | undefined {
  return typeof value === 'number' || typeof value === 'bigint' ? value : undefined
}

function stats(doc: AtlasDocument): { bytes?: Int64; docs?: Int64 } {
  const s = isObject(doc['stats']) ? doc['stats'] : {}
  return { bytes: int64(s['bytesExported']), docs: int64(s['numDocs']) }
}

export const pipelineRun = defineResource<RunRef>({
  action: 'atlas-pipeline-run-action',
  noun: 'pipeline run',
  refInputs: ['groupId', 'pipelineName', 'runId'],
  latestInput: 'runId',
  readRef(input, problems) {
    const groupId = readHexId(input, 'groupId', 'the Atlas project id', problems)
    const pipelineName = readPipelineName(input, problems)
    const runId = readIdOrLatest(input, 'runId', 'the pipeline run id', problems)
    return { groupId, pipelineName, runId }
  },
  describe: (ref) =>
    ref.runId === 'latest'
      ? `The latest run of ${ref.pipelineName}`
      : `Pipeline run ${ref.runId} of ${ref.pipelineName}`,
  subject: (ref) => ref.pipelineName,
  refRows: (ref) => [
    ['Pipeline', { api: ref.pipelineName }],
    ['Run', { api: ref.runId }],
    ['Project', { api: ref.groupId }]
  ],
  groupId: (ref) => ref.groupId,
  path: (ref) => ['groups', ref.groupId, 'pipelines', ref.pipelineName, 'runs', ref.runId],
  states: RUN_STATES,
  terminalStates: TERMINAL_RUN_STATES,
  defaultSuccessStates: 'DONE',
  stageName: 'phase',
  state: (doc) => text(doc['state']),
  stage: (doc) => text(doc['phase']),
  judgeState(state, doc, { wait, successStates, described }) {
    const phase = text(doc['phase'])
    const expected = `successStates is ${successStates.join(', ')}`
    switch (state) {
      case 'PENDING':
      case 'IN_PROGRESS':
        return {
          headline: `not finished, ${state}${phase ? ` (${phase})` : ''}`,
          message: `${described} has not finished: it is ${stateText(state, phase, { stageName: 'phase' })}.`,
          hint: wait ? undefined : 'Set wait: true to block until the run finishes, or run this check later.'
        }
      case 'FAILED':
        return {
          headline: `FAILED${phase ? ` in ${phase}` : ''}`,
          message: `${described} FAILED${phase ? ` in phase ${phase}` : ''}.`,
          hint: 'Look at the pipeline run in the Atlas UI for the cause, then trigger a new run.'
        }
      case 'DATASET_DELETED':
        return {
          headline: 'DATASET_DELETED: its dataset has been deleted',
          message: `${described} is DATASET_DELETED: its dataset has been deleted.`,
          hint: `Trigger a new run, or add DATASET_DELETED to successStates if that is expected (${expected}).`
        }
      default:
        return undefined
    }
  },
  headlineFacts(doc) {
    const { bytes, docs } = stats(doc)
    return [
      ...(docs !== undefined ? [`${formatCount(docs)} documents`] : []),
      ...(bytes !== undefined ? [formatBytes(bytes)] : [])
    ]
  },
  keyFigures(doc) {
    const { bytes, docs } = stats(doc)
    const took = spanMs(doc['createdDate'], doc['lastUpdatedDate'])
    return [
      ['Documents', docs === undefined ? undefined : formatCount(docs)],
      ['Exported', bytes === undefined ? undefined : `${formatBytes(bytes)} (${formatCount(bytes)} bytes)`],
      ['Run took', took === undefined ? undefined : formatDuration(took)]
    ]
  },
  details(doc) {
    const policy = isObject(doc['datasetRetentionPolicy']) ? doc['datasetRetentionPolicy'] : undefined
    const retention = policy ? [text(policy['value']), text(policy['units'])].filter(Boolean).join(' ') : ''
    return [
      ['State', api(doc['state'])],
      ['Phase', api(doc['phase'])],
      ['Dataset', api(doc['datasetName'])],
      ['Backup frequency', api(doc['backupFrequencyType'])],
      ['Retention', retention === '' ? undefined : { api: retention }],
      ['Created', api(doc['createdDate'])],
      ['Last updated', api(doc['lastUpdatedDate'])],
      ['Scheduled deletion', api(doc['scheduledDeletionDate'])],
      ['Snapshot', api(doc['snapshotId'])],
      ['Pipeline id', api(doc['pipelineId'])]
    ]
  },
  outputs(doc) {
    const outputs: Record<string, string | undefined> = {}
    for (const field of [
      'state',
      'phase',
      'datasetName',
      'snapshotId',
      'pipelineId',
      'backupFrequencyType',
      'createdDate',
      'lastUpdatedDate',
      'scheduledDeletionDate'
    ]) {
      outputs[field] = text(doc[field])
    }
    if (isObject(doc['stats'])) {
      const { bytes, docs } = stats(doc)
      outputs['stats'] = stringifyJson(doc['stats'])
      outputs['bytesExported'] = bytes?.toString()
      outputs['numDocs'] = docs?.toString()
    }
    return outputs
  },
  stepOutputs: ['runId'],
  documentOutput: 'run',
  async prepare(ref, steps) {
    if (ref.runId !== 'latest') return { ref }
    const step = { what: 'list the runs of the pipeline', role: 'Project Read Only' }
    const { id: runId } = await findLatest(
      steps,
      step,
      ['groups', ref.groupId, 'pipelines', ref.pipelineName, 'runs'],
      {
        idField: '_id',
        dateField: 'createdDate',
        label: 'run',
        what: 'Run',
        none: {
          message: `Atlas lists no run of pipeline ${ref.pipelineName}`,
          headline: `nothing to check: no run of pipeline ${ref.pipelineName}`,
          hint: 'Check groupId and pipelineName, or trigger a run first.'
        }
      }
    )
    return { ref: { ...ref, runId }, outputs: { runId } }
  },
  createdAt: (doc) => text(doc['createdDate']),
  staleHint: "Check the pipeline's schedule in the Atlas UI, or raise maxAge if runs are meant to be less frequent.",
  readRole: 'Project Read Only',
  notFound: (status) => ({
    headline: `run ${status === 410 ? 'gone' : 'not found'} (${status}) — ${SUNSET}`,
    hint:
      status === 410
        ? `Atlas says this run is gone for good: ${SUNSET} (see ${DEPRECATION_GUIDE}). Cloud Backup snapshot exports replace them: see the backup-export action of this repository.`
        : `${SUNSET}, so Atlas may no longer serve this run at all (see ${DEPRECATION_GUIDE}); the backup-export action of this repository checks their successor, snapshot export jobs. If the pipeline still exists, check groupId, pipelineName and runId.`
  })
})
