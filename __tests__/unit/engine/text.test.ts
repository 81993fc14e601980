// The text every message shares: plurals, one clipped line, and a state with its stage.
import { describe, expect, it } from '@jest/globals'
import { oneLine, plural, stateText } from '../../../src/engine/text.js'

describe('text', () => {
  it('writes one, not "1 polls", and the plural given for irregular words', () => {
    expect([plural(0, 'poll'), plural(1, 'poll'), plural(2, 'poll')]).toEqual(['0 polls', '1 poll', '2 polls'])
    expect([plural(1, 'retry', 'retries'), plural(3, 'retry', 'retries')]).toEqual(['1 retry', '3 retries'])
  })

  it('puts text on one line, with single spaces and none at the ends', () => {
    expect(oneLine('  a\n\tb \r\n c  ', 140)).toBe('a b c')
  })

  it('clips to exactly max characters, the last one an ellipsis, and leaves text of max characters alone', () => {
    expect(oneLine('abcdef', 6)).toBe('abcdef')
    expect(oneLine('abcdefg', 6)).toBe('abcde…')
    expect(oneLine('abcdefg', 6)).toHaveLength(6)
  })

  it('says a state with its stage, named when the stage has a name', () => {
    expect(stateText('IN_PROGRESS', 'EXPORT', { stageName: 'phase' })).toBe('IN_PROGRESS (phase EXPORT)')
    expect(stateText('IN_PROGRESS', 'EXPORT')).toBe('IN_PROGRESS (EXPORT)')
    expect(stateText('DONE', undefined, { stageName: 'phase' })).toBe('DONE')
  })

  it('says what it was told to for no state at all', () => {
    expect(stateText(undefined, 'EXPORT')).toBe('without a state')
    expect(stateText(undefined, undefined, { missing: 'unknown' })).toBe('unknown')
  })
})
