// Shapes from the Atlas Admin API v2 spec (IngestionPipelineRun, ApiError). Atlas marks no field
// of a run as required, so every field is optional, and enum values that Atlas adds later must
// pass through untouched: the enum types below are open ("known values, or any string").

export const RUN_STATES = ['PENDING', 'IN_PROGRESS', 'DONE', 'FAILED', 'DATASET_DELETED'] as const
export type KnownRunState = (typeof RUN_STATES)[number]

/** States after which a run never changes again (the Atlas CLI's `runs watch` stopped on these). */
export const TERMINAL_STATES: readonly KnownRunState[] = ['DONE', 'FAILED', 'DATASET_DELETED']

/** An int64 from the API: a number when it fits a double exactly, else a bigint (every digit kept). */
export type Int64 = number | bigint

export interface PipelineRunStats {
  bytesExported?: Int64
  numDocs?: Int64
}

export interface DatasetRetentionPolicy {
  units?: string
  value?: number
  lastModifiedDate?: string
}

export interface PipelineRun {
  _id?: string
  groupId?: string
  pipelineId?: string
  snapshotId?: string
  datasetName?: string
  createdDate?: string
  lastUpdatedDate?: string
  scheduledDeletionDate?: string
  backupFrequencyType?: string
  datasetRetentionPolicy?: DatasetRetentionPolicy
  phase?: string
  state?: string
  stats?: PipelineRunStats
  [other: string]: unknown
}

export interface ApiErrorBody {
  error?: number
  errorCode?: string
  detail?: string | null
  reason?: string | null
  parameters?: unknown[]
  badRequestDetail?: { fields?: { field?: string; description?: string }[] } | null
}

/** Identifies one run: the three path parameters of getPipelineRun. */
export interface RunRef {
  groupId: string
  pipelineName: string
  runId: string
}

export function isTerminal(state: string | undefined): boolean {
  return TERMINAL_STATES.includes(state as KnownRunState)
}
