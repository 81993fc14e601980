// Markdown for the job summary: API text that renders literally, on one line.
import { describe, expect, it } from '@jest/globals'
import { codeSpan, escapeMarkdown } from '../../../src/report/markdown.js'

describe('Markdown', () => {
  it('escapes Markdown readably, keeps intraword underscores, and breaks autolinks', () => {
    expect(escapeMarkdown('*a* _b_ [l](u) IN_PROGRESS a|b <i> $x$')).toBe(
      '\\*a\\* \\_b\\_ \\[l\\](u) IN_PROGRESS a\\|b &lt;i&gt; \\$x\\$'
    )
    expect(escapeMarkdown('see https://evil.example, www.evil.example or me@evil.example')).toBe(
      'see https&#58;//evil.example, www&#46;evil.example or me&#64;evil.example'
    )
    expect(escapeMarkdown('x'.repeat(20), 5)).toBe('xxxx…') // five characters, the ellipsis one of them
    expect(escapeMarkdown('x'.repeat(5), 5)).toBe('xxxxx') // at the limit, nothing is clipped
  })

  it('writes API text as a code span that survives backticks and pipes', () => {
    expect(codeSpan('plain')).toBe('`plain`')
    expect(codeSpan('a`b')).toBe('``a`b``')
    expect(codeSpan('`edge`')).toBe('`` `edge` ``')
    expect(codeSpan('`start')).toBe('`` `start ``')
    expect(codeSpan('end`')).toBe('`` end` ``')
    expect(codeSpan('')).toBe('`  `') // spaces only: CommonMark keeps them, so an empty value stays visible as a span
    expect(codeSpan('a``b`c')).toBe('```a``b`c```') // longer than the longest run inside
    expect(codeSpan('a|b\nc')).toBe('`a\\|b c`')
  })
})
