import type { Authenticator } from './auth/authenticator.js'
import { AtlasError, isRetryableStatus, parseRetryAfter } from './errors.js'
import { isObject, JsonTooDeepError, parseJson, stringifyJson } from './json.js'
import { headerValue, type HttpResponse, type Transport } from './http.js'
import type { ApiErrorBody } from './types.js'

export interface ClientOptions {
  /** Ends with "/"; may carry a path prefix (a gateway in front of Atlas). */
  baseUrl: URL
  /** The resource version for the versioned media type, e.g. 2023-01-01. */
  apiVersion: string
  envelope: boolean
  pretty: boolean
  userAgent: string
  transport: Transport
  auth: Authenticator
}

export interface RateLimit {
  limit?: number
  remaining?: number
}

/** One Atlas document as it came (every field optional), and the rate-limit headers of its answer. */
export interface AtlasResponse {
  document: Record<string, unknown>
  rateLimit: RateLimit
}

/**
 * One path segment, percent-encoded. Dots are encoded too: a name given as "." or ".." must not
 * turn into a dot-segment that a URL parser or proxy would resolve into another resource.
 */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/\./g, '%2E')
}

/**
 * The request-target for one resource: path segments under /api/atlas/v2/, each percent-encoded
 * (a name may hold ?, #, %, &, dots or non-ASCII), under baseUrl's path. The result is sent
 * as is, never re-parsed (a URL parser would undo %2E%2E).
 */
export function resourcePath(
  baseUrl: URL,
  segments: string[],
  query: { envelope: boolean; pretty: boolean },
  extra: Record<string, string> = {}
): string {
  // The defaults (false) are left out: a plain URL is what Atlas's own examples send.
  const params = [
    query.envelope ? 'envelope=true' : '',
    query.pretty ? 'pretty=true' : '',
    ...Object.entries(extra).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
  ].filter(Boolean)
  return `${baseUrl.pathname}api/atlas/v2/${segments.map(encodeSegment).join('/')}${params.length ? `?${params.join('&')}` : ''}`
}

function numberHeader(response: HttpResponse, name: string): number | undefined {
  const value = headerValue(response.headers, name)
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : undefined
}

interface Answer {
  status: number
  /** The parsed body, or undefined when it could not be read. */
  body: unknown
  /** Why the body could not be read: "is not JSON", "is JSON nested deeper than 256 levels". */
  unreadable?: string
}

/** The status and body that count: with envelope=true Atlas answers 200 and puts both in the body. */
function readAnswer(response: HttpResponse, envelope: boolean): Answer {
  let body: unknown
  try {
    body = response.text.trim() === '' ? undefined : parseJson(response.text)
  } catch (error) {
    return {
      status: response.status,
      body: undefined,
      unreadable: error instanceof JsonTooDeepError ? `is ${error.message}` : 'is not JSON'
    }
  }
  if (envelope && response.status === 200 && isObject(body) && typeof body['status'] === 'number') {
    return { status: body['status'], body: body['content'] }
  }
  return { status: response.status, body, unreadable: body === undefined ? 'is empty' : undefined }
}

/** The refusals Atlas documents, by their HTTP reason phrase. */
const CLIENT_ERRORS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests'
}

function apiError(answer: Answer, response: HttpResponse): AtlasError {
  const body: ApiErrorBody = isObject(answer.body) ? answer.body : {}
  const errorCode = typeof body.errorCode === 'string' ? body.errorCode : undefined
  const detail =
    typeof body.detail === 'string' && body.detail !== ''
      ? body.detail
      : typeof body.reason === 'string'
        ? body.reason
        : undefined
  // Without a detail: a refusal says what it is (a Digest 401 often has no JSON body, and that is
  // no news); an answer that should have been Atlas's error document says what came instead.
  const described = CLIENT_ERRORS[answer.status]
    ? ` (${CLIENT_ERRORS[answer.status]})`
    : isObject(answer.body)
      ? ''
      : ` (the body ${answer.unreadable ?? 'is not an Atlas error document'})`
  const head = `Atlas API ${answer.status}${errorCode ? ` ${errorCode}` : ''}`
  return new AtlasError(`${head}${detail ? `: ${detail}` : described}`, {
    kind: 'api',
    status: answer.status,
    errorCode,
    detail,
    body: isObject(answer.body) ? body : undefined,
    retryable: isRetryableStatus(answer.status),
    retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after'))
  })
}

/** GET of one Atlas resource. One call is one logical request: a challenge or a refreshed token may add one round trip. */
export interface RequestOptions {
  /** Query parameters beyond envelope and pretty (pageNum, itemsPerPage). */
  query?: Record<string, string>
  /** A JSON body: the request becomes a POST with the versioned content type. */
  body?: unknown
  /** DELETE instead of GET: Atlas answers 204 without a body, read as an empty document. */
  method?: 'DELETE'
  /** The resource version of this request, when it is not the client's (a step's own version). */
  apiVersion?: string
  signal?: AbortSignal
}

export class AtlasClient {
  /** HTTP answers received so far, errors included: once Atlas has answered, baseUrl is not what failed. */
  answers = 0

  constructor(private readonly options: ClientOptions) {}

  /** The document at segments (under /api/atlas/v2/); noun names it in errors (the resource's noun). */
  async get(segments: string[], noun: string, signal?: AbortSignal): Promise<AtlasResponse> {
    return this.request(segments, `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} document`, { signal })
  }

  /**
   * GET, or with a body POST, of segments; the answer must be a JSON object (a document or a page
   * of them). expected says what it should have been, for the error when it is not.
   */
  async request(
    segments: string[],
    expected: string,
    { query, body, apiVersion, signal, method: asked }: RequestOptions
  ): Promise<AtlasResponse> {
    const { options } = this
    const origin = options.baseUrl.origin
    const path = resourcePath(options.baseUrl, segments, options, query)
    const method = asked ?? (body === undefined ? 'GET' : 'POST')
    const mediaType = `application/vnd.atlas.${apiVersion ?? options.apiVersion}+json`
    const headers: Record<string, string> = { accept: mediaType, 'user-agent': options.userAgent }
    if (body !== undefined) headers['content-type'] = mediaType
    // Stryker disable next-line ConditionalExpression: stringifyJson(undefined) is undefined too; the test says what a GET sends
    const text = body === undefined ? undefined : stringifyJson(body)
    // Round 1 may be a digest challenge, round 2 a stale nonce; a third 401 is an answer, not a hiccup.
    for (let round = 1; ; round++) {
      let authorization: string | undefined
      try {
        authorization = await options.auth.authorize(method, path, signal)
      } catch (error) {
        // The token request failed: the request for the resource was never sent.
        throw error instanceof AtlasError ? error.unsent() : error
      }
      const response = await options.transport.send({
        method,
        origin,
        path,
        headers: authorization === undefined ? headers : { ...headers, authorization },
        body: text,
        signal
      })
      this.answers += 1
      const answer = readAnswer(response, options.envelope)
      if (answer.status === 401 && round < 3 && options.auth.learnFromRefusal(response, authorization)) continue
      const rateLimit = {
        limit: numberHeader(response, 'ratelimit-limit'),
        remaining: numberHeader(response, 'ratelimit-remaining')
      }
      if (answer.status === 204 && method === 'DELETE') return { document: {}, rateLimit }
      if (answer.status !== 200) throw apiError(answer, response)
      if (!isObject(answer.body)) {
        const what =
          answer.unreadable ??
          `is JSON but not an object (${Array.isArray(answer.body) ? 'an array' : answer.body === null ? 'null' : typeof answer.body})`
        throw new AtlasError(`Atlas answered 200 but the body ${what}; expected ${expected}`, {
          kind: 'protocol',
          status: 200
        })
      }
      return { document: answer.body, rateLimit }
    }
  }
}
