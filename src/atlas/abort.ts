import type { AtlasError } from './errors.js'

/**
 * A signal that aborts after ms with reason, or when any of parents aborts (with theirs). A
 * request cut by it fails with reason, so the caller learns what bound it hit. The timer does not
 * keep the process alive.
 */
export function abortAfter(ms: number, reason: AtlasError, ...parents: AbortSignal[]): AbortSignal {
  const controller = new AbortController()
  setTimeout(() => controller.abort(reason), ms).unref()
  return parents.length ? AbortSignal.any([controller.signal, ...parents]) : controller.signal
}
