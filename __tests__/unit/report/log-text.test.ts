// Text for the log and annotations: one inert, bounded line.
import { describe, expect, it } from '@jest/globals'
import { logLine, MAX_LOG_LINE } from '../../../src/report/log-text.js'

describe('text for the log and annotations', () => {
  it('keeps API text on one line and shows terminal controls as escapes', () => {
    expect(logLine('a\r\nb\nc\rd\u2028e\tf')).toBe('a b c d e f')
    expect(logLine('\u001b[31mred\u0007 \u009b \u202eevil')).toBe('\\x1b[31mred\\x07 \\x9b \\u202eevil')
    expect(logLine('caf\u00e9 ✅')).toBe('caf\u00e9 ✅')
  })

  it('clips long text and says how much was left out', () => {
    expect(logLine('x'.repeat(MAX_LOG_LINE))).toBe('x'.repeat(MAX_LOG_LINE))
    expect(logLine('x'.repeat(MAX_LOG_LINE + 7))).toBe(`${'x'.repeat(MAX_LOG_LINE)}… (7 more characters)`)
  })
})
