// A preload (node --import) that plants a bug in the action's own code path: AbortSignal.any,
// which the action calls around every request, throws a TypeError. Used to prove that a bug of
// ours is reported as one, not blamed on Atlas.
AbortSignal.any = () => {
  throw new TypeError('simulated bug')
}
