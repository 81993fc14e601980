// Plain text for messages, the log, statuses and the summary alike: plurals, one clipped line,
// and a state with its stage. Written once, so every place says a thing the same way.

/** "1 poll", "2 polls", "1 retry", "3 retries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** "a", "a and b", "a, b and c": a list in a sentence. */
export function listed(items: readonly string[]): string {
  return items.join(', ').replace(/, ([^,]+)$/, ' and $1')
}

/** Text on one line (every run of white space one space, none at the ends), clipped to max characters with "…". */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/**
 * A state with the stage inside it: "IN_PROGRESS (phase EXPORT)" with the stage's name,
 * "IN_PROGRESS (EXPORT)" without; missing is what to say for no state at all.
 */
export function stateText(
  state: string | undefined,
  stage: string | undefined,
  { stageName, missing = 'without a state' }: { stageName?: string; missing?: string } = {}
): string {
  if (state === undefined) return missing
  return stage === undefined ? state : `${state} (${stageName ? `${stageName} ` : ''}${stage})`
}

/**
 * What happened, in words: the one shape of every verdict, failure and refusal. headline: a few
 * plain words with the key fact ("FAILED in EXPORT"); message: what happened, in one sentence;
 * hint: what to do about it, when there is something to do.
 */
export interface Explanation {
  headline: string
  message: string
  hint?: string
}
