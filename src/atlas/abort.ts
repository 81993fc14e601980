import type { AtlasError } from './errors.js'

/** Calls callback after ms, without keeping the process alive. */
export type Timer = (ms: number, callback: () => void) => unknown

const unrefTimer: Timer = (ms, callback) => setTimeout(callback, ms).unref()

/**
 * A signal that aborts after ms with reason, or when any of parents aborts (with theirs). A
 * request cut by it fails with reason, so the caller learns what bound it hit. The time is timer's
 * (a Clock's, where the caller has one).
 */
export function abortAfter(
  ms: number,
  reason: AtlasError,
  parents: AbortSignal[] = [],
  timer = unrefTimer
): AbortSignal {
  const controller = new AbortController()
  timer(ms, () => controller.abort(reason))
  return parents.length ? AbortSignal.any([controller.signal, ...parents]) : controller.signal
}
