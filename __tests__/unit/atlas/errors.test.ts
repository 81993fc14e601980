// The one error type of the Atlas layer: what it carries, which statuses are worth retrying, and
// how long Atlas asked to wait.
import { describe, expect, it } from '@jest/globals'
import { AtlasError, isRetryableStatus, parseRetryAfter } from '../../../src/atlas/errors.js'

describe('Atlas errors', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0)
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('120', now)).toBe(120_000) // more than one digit
    expect(parseRetryAfter('7abc', now)).toBeUndefined()
    // Only an HTTP-date, which names its month: not an ISO date, which Date.parse would also read.
    expect(parseRetryAfter('2026-11-28T12:00:30Z', now)).toBeUndefined()
    expect(parseRetryAfter('Nov 1', now)).toBe(0) // a month name is enough; a date in the past waits nothing
    expect([undefined, '', '  ', 'soon', '-5'].map((v) => parseRetryAfter(v, now))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it('retries rate limits and server faults only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 406, 410, 501].some(isRetryableStatus)).toBe(false)
  })

  it('marks an error from before the request was sent, keeping all it says', () => {
    const error = new AtlasError('Atlas answered 503 to the token request', {
      kind: 'api',
      status: 503,
      retryable: true,
      retryAfterMs: 2000
    })
    expect(error.notSent).toBe(false)
    const unsent = error.unsent()
    expect([unsent.notSent, unsent.kind, unsent.status, unsent.retryable, unsent.retryAfterMs, unsent.message]).toEqual(
      [true, 'api', 503, true, 2000, 'Atlas answered 503 to the token request']
    )
    const cause = new Error('socket hang up')
    const caused = new AtlasError('x', { kind: 'network' }, { cause })
    expect(caused.unsent().cause).toBe(cause)
  })
})
