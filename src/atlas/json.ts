// JSON parsing that keeps every digit of int64 fields: Atlas's bytesExported and numDocs may
// exceed 2^53, where JSON.parse would silently round them. Node 22+ hands revivers the source
// text of each number, so integers that do not fit a double exactly become bigints.

interface ReviverContext {
  source?: string
}

function keepBigIntegers(this: unknown, _key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source)
  }
  return value
}

/** Parses JSON text; integers beyond 2^53 come back as bigint. Throws SyntaxError on bad JSON. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, keepBigIntegers)
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
