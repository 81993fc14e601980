import { isObject } from '../atlas/json.js'
import type { AtlasDocument } from './resource.js'

// Reading fields of an Atlas document, for every resource: any field may be missing or of another
// type than the spec says, and what is shown of it is text from the API.

/** The objects of a list field (customData, components, results); anything else in it is passed over. */
export function objects(value: unknown): AtlasDocument[] {
  return Array.isArray(value) ? value.filter(isObject) : []
}

/** A field as text: strings as they are, numbers (int64 included) in full; anything else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString()
  return undefined
}

/** A field to show as API text in the summary (a code span), or undefined. */
export function api(value: unknown): { api: string } | undefined {
  const shown = text(value)
  return shown === undefined ? undefined : { api: shown }
}

/** Milliseconds between two ISO dates, when both are readable and in order. */
export function spanMs(from: unknown, to: unknown): number | undefined {
  const start = typeof from === 'string' ? Date.parse(from) : NaN
  const end = typeof to === 'string' ? Date.parse(to) : NaN
  return Number.isNaN(start) || Number.isNaN(end) || end < start ? undefined : end - start
}
