// Reading inputs: how the step's inputs reach the code, and the readers the resources share
// (the rules of the spec's patterns, said in words).

/** Reads one input as @actions/core does: trimmed, "" when not given. */
export type InputReader = (name: string) => string

const HEX24 = /^[a-f0-9]{24}$/

/** A required 24-character lowercase hexadecimal id (the spec's ^([a-f0-9]{24})$). */
export function readHexId(input: InputReader, name: string, what: string, problems: string[]): string {
  const value = input(name)
  if (value === '')
    problems.push(`${name} is required: ${what}, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8`)
  else if (!HEX24.test(value))
    problems.push(
      `${name} "${value}" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    )
  return value
}
