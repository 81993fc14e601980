// What can go into an HTTP header field value. undici refuses anything else at send time with a
// generic error, so values are checked where they enter: credential inputs before any request,
// a token when the token endpoint hands it over.

/** Why a value cannot be sent in a header, without quoting it (it may be a secret); undefined when it can. */
export function unsendableReason(value: string): string | undefined {
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which every test below lets pass.
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    const at = `at character ${i + 1}`
    if (code === 0x0a || code === 0x0d) return `a line break ${at}`
    if (code < 0x20 || code === 0x7f) return `a control character ${at}`
    if (code > 0xff) return `a character outside Latin-1 ${at}`
  }
  return undefined
}
