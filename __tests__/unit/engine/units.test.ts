// Quantities as people read and write them: sizes, counts and durations.
import { describe, expect, it } from '@jest/globals'
import { formatBytes, formatCount, formatDuration, formatLimit, parseDuration } from '../../../src/engine/units.js'

describe('units', () => {
  it('switches to the next unit at exactly 1024, through every unit, and stops at EiB', () => {
    expect([1023, 1024].map(formatBytes)).toEqual(['1023 B', '1.0 KiB'])
    expect([3 * 1024 ** 2, 3 * 1024 ** 3, 3 * 1024 ** 4, 3 * 1024 ** 5].map(formatBytes)).toEqual([
      '3.0 MiB',
      '3.0 GiB',
      '3.0 TiB',
      '3.0 PiB'
    ])
    expect(formatBytes(2n ** 70n)).toBe('1024.0 EiB')
  })

  it('formats sizes and counts', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(2n ** 63n)).toBe('8.0 EiB')
    expect(formatCount(12345678901234567890n)).toBe('12,345,678,901,234,567,890')
    expect([0, 999, 1000, -1234567, 100000].map(formatCount)).toEqual(['0', '999', '1,000', '-1,234,567', '100,000'])
  })

  it('reads durations in any case, with spaces around', () => {
    expect([' 15M ', '1H30M', '\t90S\n'].map(parseDuration)).toEqual([900_000, 5_400_000, 90_000])
  })

  it('parses and prints durations', () => {
    expect(['90', '90s', '15m', '1h30m', '2h', '1m30s', '8d', '1D12h'].map(parseDuration)).toEqual([
      90_000, 90_000, 900_000, 5_400_000, 7_200_000, 90_000, 691_200_000, 129_600_000
    ])
    expect(['', 'm', '1.5m', '-1', '1h1d', '30 s'].map(parseDuration)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s')
    expect(formatDuration(400)).toBe('0s')
  })
})

describe('the bounds of a duration input', () => {
  it('are whole days as days, anything else as a duration', () => {
    expect([5 * 86_400_000, 366 * 86_400_000, 3_600_000, 1000, 36 * 3_600_000].map(formatLimit)).toEqual([
      '5d',
      '366d',
      '1h',
      '1s',
      '36h'
    ])
  })
})
