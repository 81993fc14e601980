import { formatLimit, parseDuration } from './units.js'

// Reading inputs: how the step's inputs reach the code, and one reader per kind of input
// (boolean, duration, id, list), each naming the input and its rule in the problem it reports.

/** Reads one input as @actions/core does: trimmed, "" when not given. */
export type InputReader = (name: string) => string

const HEX24 = /^[a-f0-9]{24}$/

/** True for a 24-character lowercase hexadecimal id, the spec's pattern of every Atlas id. */
export function isHexId(value: string): boolean {
  return HEX24.test(value)
}

/** A required 24-character lowercase hexadecimal id (the spec's ^([a-f0-9]{24})$). */
export function readHexId(input: InputReader, name: string, what: string, problems: string[]): string {
  const value = input(name)
  if (value === '')
    problems.push(`${name} is required: ${what}, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8`)
  else if (!isHexId(value))
    problems.push(
      `${name} "${value}" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    )
  return value
}

/**
 * An id input that also takes latest (the newest one): latest, or a 24-character hexadecimal id.
 * A near miss of latest (another case, spaces) is named as such, not as a malformed id.
 */
export function readIdOrLatest(input: InputReader, name: string, what: string, problems: string[]): string {
  const value = input(name)
  if (value === 'latest') return value
  if (value.trim().toLowerCase() === 'latest') {
    problems.push(
      `${name} "${value}" is not latest: write latest in lower case, or give ${what} (24 hexadecimal characters)`
    )
    return value
  }
  return readHexId(input, name, `${what}, or latest`, problems)
}

/** A boolean as YAML 1.2 and @actions/core's getBooleanInput write it; undefined for anything else. */
export function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  return undefined
}

/** A boolean input: fallback when not given; a problem, and fallback, when it is neither true nor false. */
export function readBoolean(input: InputReader, name: string, problems: string[], fallback: boolean): boolean {
  const value = input(name)
  if (value === '') return fallback
  const parsed = parseBoolean(value)
  if (parsed === undefined) problems.push(`${name} is "${value}"; it must be true or false`)
  return parsed ?? fallback
}

/**
 * A duration input ("90", "90s", "15m", "1h30m") within limits: undefined when not given, or with a
 * problem when it is no duration or out of range. examples are named in the problem.
 */
export function readDuration(
  input: InputReader,
  name: string,
  { min, max }: { min: number; max: number },
  problems: string[],
  examples = '90, 90s, 15m, 1h30m or 2d'
): number | undefined {
  const value = input(name)
  if (value === '') return undefined
  const ms = parseDuration(value)
  const range = `from ${formatLimit(min)} to ${formatLimit(max)}`
  if (ms === undefined) problems.push(`${name} is "${value}"; write a duration such as ${examples} (${range})`)
  else if (ms < min || ms > max) problems.push(`${name} is "${value}"; it must be ${range}`)
  else return ms
  return undefined
}

/** A list input: its items, split at separator, trimmed, the empty ones left out. */
export function readList(input: InputReader, name: string, separator: RegExp): string[] {
  return input(name)
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean)
}
