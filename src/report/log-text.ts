// Text for the log and for annotations. Part of it comes from the API, so it is made inert here,
// the one way out to the log: one line (a newline could start a workflow command such as
// ::set-output::, and extra annotation lines look like real output), terminal controls shown
// instead of obeyed (ANSI colours, OSC 8 hyperlinks, BEL, bidi overrides), and a bounded length.

/** The longest line written: an error detail of megabytes must not become a megabyte annotation. */
export const MAX_LOG_LINE = 2000

const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g
// C0 and C1 controls, DEL, and the Unicode bidi controls that reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

function visible(c: string): string {
  const code = c.charCodeAt(0)
  // Stryker disable next-line EqualityOperator: U+00FF is no control, so visible() never sees it: < and <= agree.
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One inert line: line breaks become spaces, controls become visible escapes (\x1b), and the text is clipped to maxLength. */
export function logLine(text: string, maxLength = MAX_LOG_LINE): string {
  const line = text.replace(LINE_BREAKS, ' ').replace(/\t/g, ' ').replace(CONTROLS, visible)
  return line.length > maxLength ? `${line.slice(0, maxLength)}… (${line.length - maxLength} more characters)` : line
}
