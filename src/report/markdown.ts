import { oneLine } from '../engine/text.js'

// Markdown for the job summary. core.summary does not escape anything, and much of the text
// comes from the API, so every value shown passes through one of the two functions below. Raw
// Markdown stays readable (it may be forwarded to a pull request comment): backslash escapes,
// not entities, wherever Markdown allows them.

/**
 * Text that renders literally, on one line and in a table cell: no HTML, links, emphasis, math or
 * table breaks. Bare URLs, www. names and e-mail addresses are kept from becoming links.
 */
export function escapeMarkdown(text: string, maxLength = 1000): string {
  return (
    oneLine(text, maxLength)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*[\]|~$#!]/g, (c) => `\\${c}`)
      // An underscore makes emphasis only at the edge of a word: IN_PROGRESS stays as it is.
      .replace(/_/g, (c, at: number, all: string) =>
        /[\p{L}\p{N}]/u.test(all[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[at + 1] ?? '') ? c : '\\_'
      )
      // GFM turns scheme://, www. and name@host into links by themselves: an entity breaks the pattern.
      .replace(/:(?=\/\/)/g, '&#58;')
      .replace(/\b(www)\./gi, '$1&#46;')
      .replace(/@/g, '&#64;')
  )
}

/** API text as a code span for a table cell: shown as it came (no Markdown, no links), one line. */
export function codeSpan(text: string, maxLength = 1000): string {
  const line = oneLine(text, maxLength).replace(/\|/g, '\\|')
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = line === '' || line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${line}${pad}${fence}`
}
