// The HTTP exchange the Atlas client needs, as plain data: what the transport sends and what it
// reads back. Its own module, so that the transport and the classification of its errors both
// use it without importing each other.

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE'
  /** scheme://host[:port] */
  origin: string
  /** The request-target exactly as sent: already percent-encoded, never re-normalised. */
  path: string
  headers: Record<string, string>
  body?: string
  /**
   * Aborts the request (cancellation, the overall deadline, a clean-up bound). An AtlasError as
   * the abort reason is what the request then fails with; any other reason means cancelled.
   */
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** Sends one HTTP request and reads its whole (bounded) body. One implementation per process. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
  close(): Promise<void>
}

/** A header's single value (undici gives arrays for repeated headers). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** Every value of a header, for headers that may repeat (WWW-Authenticate). */
export function headerValues(headers: HttpResponse['headers'], name: string): string[] {
  const value = headers[name.toLowerCase()]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}
