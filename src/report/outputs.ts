import { isObject, stringifyJson } from '../atlas/json.js'
import type { PollResult } from '../poll.js'
import type { Verdict } from '../verdict.js'

// The step's outputs, as one pure map: set on success and on failure, each only when known.

const RUN_FIELDS = [
  'state',
  'phase',
  'datasetName',
  'snapshotId',
  'pipelineId',
  'backupFrequencyType',
  'createdDate',
  'lastUpdatedDate',
  'scheduledDeletionDate'
] as const

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value.toString()
  return undefined
}

/** Output name → value for everything known about the run and how the check went. */
export function buildOutputs(result: PollResult, verdict: Verdict, workflowRunUrl?: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const put = (name: string, value: string | undefined): void => {
    if (value !== undefined) outputs[name] = value
  }
  const run = result.last?.run
  if (run) {
    for (const field of RUN_FIELDS) put(field, scalar(run[field]))
    if (isObject(run.stats)) {
      put('stats', stringifyJson(run.stats))
      put('bytesExported', scalar(run.stats.bytesExported))
      put('numDocs', scalar(run.stats.numDocs))
    }
    put('run', stringifyJson(run))
  }
  put('httpStatus', scalar(result.httpStatus))
  put('errorCode', result.error?.errorCode)
  put('succeeded', String(verdict.ok))
  put('polls', String(result.polls))
  put('waitedSeconds', String(Math.round(result.elapsedMs / 1000)))
  put('url', workflowRunUrl)
  return outputs
}
