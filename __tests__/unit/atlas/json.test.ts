// Reading Atlas's JSON: int64 kept to the digit, and a bound on nesting.
import { describe, expect, it } from '@jest/globals'
import { JsonTooDeepError, MAX_JSON_DEPTH, parseJson, stringifyJson } from '../../../src/atlas/json.js'

describe('JSON', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`

  it('keeps every digit of big integers through parse and stringify', () => {
    const text = '{"a":9007199254740993,"b":1.5,"c":-9223372036854775808,"d":12}'
    const parsed = parseJson(text) as Record<string, unknown>
    expect(parsed['a']).toBe(9007199254740993n)
    expect(parsed['d']).toBe(12)
    expect(stringifyJson(parsed)).toBe(text)
  })

  it('reads JSON up to the depth limit and refuses deeper JSON by name, not as a syntax error', () => {
    expect(() => parseJson(nested(MAX_JSON_DEPTH))).not.toThrow()
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError)
    expect(() => parseJson(`{"a":${nested(100_000)}}`)).toThrow(JsonTooDeepError)
  })

  it('counts objects as well as arrays, and only what is open at once', () => {
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`
    expect(() => parseJson(objects)).toThrow(JsonTooDeepError)
    const siblings = `[${Array.from({ length: 3 * MAX_JSON_DEPTH }, () => '[{}]').join(',')}]`
    expect(parseJson(siblings)).toHaveLength(3 * MAX_JSON_DEPTH)
    const closedThenOpened = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`.repeat(3)
    expect(() => JSON.parse(closedThenOpened)).toThrow(SyntaxError) // not JSON: three documents
    expect(() => parseJson(closedThenOpened)).toThrow(SyntaxError)
  })

  it('names what it refuses', () => {
    const error = new JsonTooDeepError()
    expect([error.name, error.message]).toEqual([
      'JsonTooDeepError',
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels`
    ])
  })

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(parseJson(`{"s":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`)).toEqual({
      s: `${'['.repeat(1000)}"${'{'.repeat(1000)}`
    })
  })

  it('keeps bad JSON a syntax error whatever its depth', () => {
    expect(() => parseJson(`${'['.repeat(1000)}`)).toThrow(SyntaxError)
  })
})
