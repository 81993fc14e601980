// Shapes from the Atlas Admin API v2 spec shared by every resource. What one resource's documents
// hold is that resource's module's to say (src/resources/).

/** An int64 from the API: a number when it fits a double exactly, else a bigint (every digit kept). */
export type Int64 = number | bigint

/** ApiError: what Atlas sends with an error status. Every field may be missing. */
export interface ApiErrorBody {
  error?: number
  errorCode?: string
  detail?: string | null
  reason?: string | null
  parameters?: unknown[]
  badRequestDetail?: { fields?: { field?: string; description?: string }[] } | null
}
