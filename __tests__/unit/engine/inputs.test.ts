// One reader per kind of input, shared by the engine and the resources: each names the input and
// its rule in the problem it reports, and says nothing of inputs that were not given.
import { describe, expect, it } from '@jest/globals'
import {
  parseBoolean,
  readBoolean,
  readDuration,
  readHexId,
  readList,
  readIdOrLatest
} from '../../../src/engine/inputs.js'

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''

describe('booleans', () => {
  it('are what YAML 1.2 and @actions/core call true or false, and nothing else', () => {
    expect(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].map(parseBoolean)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false
    ])
    expect(['tRuE', 'yes', '1', 'on', ''].map(parseBoolean)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it('fall back when not given, and name the input and the rule otherwise', () => {
    const problems: string[] = []
    expect(readBoolean(reader({}), 'wait', problems, true)).toBe(true)
    expect(readBoolean(reader({ wait: 'False' }), 'wait', problems, true)).toBe(false)
    expect(readBoolean(reader({ wait: 'yes' }), 'wait', problems, true)).toBe(true)
    expect(problems).toEqual(['wait is "yes"; it must be true or false'])
  })
})

describe('durations', () => {
  const limits = { min: 1000, max: 60_000 }

  it('are undefined when not given, and milliseconds within their range', () => {
    const problems: string[] = []
    expect(readDuration(reader({}), 'timeout', limits, problems)).toBeUndefined()
    expect(readDuration(reader({ timeout: '1m' }), 'timeout', limits, problems)).toBe(60_000)
    expect(readDuration(reader({ timeout: '1' }), 'timeout', limits, problems)).toBe(1000)
    expect(problems).toEqual([])
  })

  it('name the input, the rule and examples (their own, when given) when they are wrong', () => {
    const problems: string[] = []
    expect(readDuration(reader({ timeout: 'soon' }), 'timeout', limits, problems)).toBeUndefined()
    expect(readDuration(reader({ timeout: '61s' }), 'timeout', limits, problems)).toBeUndefined()
    expect(readDuration(reader({ maxAge: 'a day' }), 'maxAge', limits, problems, '26h')).toBeUndefined()
    expect(problems).toEqual([
      'timeout is "soon"; write a duration such as 90, 90s, 15m, 1h30m or 2d (from 1s to 1m)',
      'timeout is "61s"; it must be from 1s to 1m',
      'maxAge is "a day"; write a duration such as 26h (from 1s to 1m)'
    ])
  })
})

describe('lists and ids', () => {
  it('split a list at its separator, trimmed, without empty items', () => {
    expect(readList(reader({ states: ' DONE, FAILED ,,\n' }), 'states', /[,\s]+/)).toEqual(['DONE', 'FAILED'])
    expect(readList(reader({ lines: 'a=b\n\n  c=d  \n' }), 'lines', /\n/)).toEqual(['a=b', 'c=d'])
    expect(readList(reader({}), 'lines', /\n/)).toEqual([])
  })

  it('take a 24-character lowercase hexadecimal id, naming what it is when it is missing or wrong', () => {
    const problems: string[] = []
    expect(readHexId(reader({ groupId: 'a'.repeat(24) }), 'groupId', 'the project', problems)).toBe('a'.repeat(24))
    readHexId(reader({}), 'groupId', 'the project', problems)
    readHexId(reader({ groupId: 'A'.repeat(24) }), 'groupId', 'the project', problems)
    expect(problems).toEqual([
      'groupId is required: the project, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8',
      `groupId "${'A'.repeat(24)}" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8`
    ])
  })
})

describe('an id that may be latest', () => {
  const read = (value: string) => {
    const problems: string[] = []
    return { value: readIdOrLatest(() => value, 'exportId', 'the export job id', problems), problems }
  }

  it('takes latest and a 24-hex id as they are', () => {
    expect(read('latest')).toEqual({ value: 'latest', problems: [] })
    expect(read('6750a1b2c3d4e5f6a7b8c9d0')).toEqual({ value: '6750a1b2c3d4e5f6a7b8c9d0', problems: [] })
  })

  it.each(['Latest', 'LATEST', ' latest ', 'latest\t'])('names latest for the near miss %j', (value) => {
    expect(read(value).problems).toEqual([
      `exportId "${value}" is not latest: write latest in lower case, or give the export job id (24 hexadecimal characters)`
    ])
  })

  it('refuses anything else as a malformed id', () => {
    expect(read('lates').problems).toEqual([
      'exportId "lates" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8'
    ])
    expect(read('').problems).toEqual([
      'exportId is required: the export job id, or latest, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8'
    ])
  })
})
