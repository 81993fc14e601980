// JSON parsing that keeps every digit of int64 fields: Atlas's bytesExported and numDocs may
// exceed 2^53, where JSON.parse would silently round them. Node 22+ hands revivers the source
// text of each number, so integers that do not fit a double exactly become bigints.

interface ReviverContext {
  source?: string
}

function keepBigIntegers(this: unknown, _key: string, value: unknown, context?: ReviverContext): unknown {
  if (
    // Stryker disable next-line ConditionalExpression: a non-number's source is never all digits (strings keep their quotes).
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    // Stryker disable next-line ConditionalExpression,OptionalChaining: Node 24 gives every primitive its source; this guards older runtimes.
    context?.source !== undefined
  ) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source)
  }
  return value
}

/**
 * Deeper than any Atlas document by far (a run is three levels). Revivers and JSON.stringify
 * recurse, and a few thousand levels overflow the stack: the limit keeps that from happening and
 * lets the caller say what the body really was instead of "not JSON".
 */
export const MAX_JSON_DEPTH = 256

/** Valid JSON that is nested deeper than MAX_JSON_DEPTH. */
export class JsonTooDeepError extends Error {
  constructor() {
    super(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`)
    this.name = 'JsonTooDeepError'
  }
}

/** True when brackets outside strings nest deeper than the limit (a linear scan, no recursion). */
function nestsTooDeep(text: string): boolean {
  let depth = 0
  let inString = false
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, which matches no bracket or quote.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/**
 * Parses JSON text; integers beyond 2^53 come back as bigint. Throws SyntaxError on bad JSON and
 * JsonTooDeepError on JSON nested deeper than MAX_JSON_DEPTH.
 */
export function parseJson(text: string): unknown {
  if (nestsTooDeep(text)) {
    JSON.parse(text) // bad JSON stays a SyntaxError, whatever its depth (this parse does not recurse)
    throw new JsonTooDeepError()
  }
  return JSON.parse(text, keepBigIntegers)
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

declare global {
  interface JSON {
    rawJSON(text: string): unknown
  }
}

/** Compact JSON in which bigints are written as plain JSON numbers, every digit intact. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? JSON.rawJSON(v.toString()) : v))
}
