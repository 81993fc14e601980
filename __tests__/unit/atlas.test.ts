import { describe, expect, it } from '@jest/globals'
import { encodeSegment, resourcePath } from '../../src/atlas/client.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'
import { AtlasError, isRetryableStatus, parseRetryAfter } from '../../src/atlas/errors.js'
import { unsendableReason } from '../../src/atlas/header-text.js'
import { isLoopbackHost } from '../../src/atlas/loopback.js'

const ref = { groupId: '32b6e34b3d91647abb20e7b8', pipelineName: 'nightly', runId: '6650f1a2b3c4d5e6f7a8b9c0' }

describe('the Atlas layer', () => {
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

  it('builds the run path under a gateway prefix, with the query only when asked', () => {
    expect(
      resourcePath(new URL('https://cloud.mongodb.com/'), pipelineRun.path(ref), { envelope: false, pretty: false })
    ).toBe('/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/pipelines/nightly/runs/6650f1a2b3c4d5e6f7a8b9c0')
    expect(
      resourcePath(new URL('https://gw.example/atlas/'), pipelineRun.path(ref), { envelope: true, pretty: true })
    ).toBe(
      '/atlas/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/pipelines/nightly/runs/6650f1a2b3c4d5e6f7a8b9c0?envelope=true&pretty=true'
    )
  })

  it('encodes a segment so that no parser can read it as another path', () => {
    expect(['..', '.', 'a.b', 'x?y#z', 'a b', '%2e%2e', 'é'].map(encodeSegment)).toEqual([
      '%2E%2E',
      '%2E',
      'a%2Eb',
      'x%3Fy%23z',
      'a%20b',
      '%252e%252e',
      '%C3%A9'
    ])
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
    expect([caused.unsent().cause, caused.during({ what: 'a', role: 'b' }).cause]).toEqual([cause, cause])
    const during = error.during(
      { what: 'start the export', role: 'Project Backup Export Operator', note: 'N.', rerun: 'r' },
      { faults: ['Atlas API 503'], lastSeen: 'seen' }
    )
    expect([
      during.step?.what,
      during.step?.role,
      during.step?.note,
      during.step?.rerun,
      during.faults,
      during.lastSeen,
      during.status,
      during.notSent
    ]).toEqual(['start the export', 'Project Backup Export Operator', 'N.', 'r', ['Atlas API 503'], 'seen', 503, false])
  })

  it('counts only 127.0.0.0/8, localhost and [::1] as loopback, anchored at both ends', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true])
    expect(
      ['a127.0.0.1', '127.0.0.1.evil.example', '1127.0.0.1', 'localhost.example', '[::2]'].map(isLoopbackHost)
    ).toEqual([false, false, false, false, false])
  })

  it('lets Latin-1 into a header and refuses what lies beyond it', () => {
    expect(unsendableReason('caf\u00e9 \u00ff')).toBeUndefined()
    expect(unsendableReason('a\u0100')).toBe('a character outside Latin-1 at character 2')
    expect(unsendableReason('\u007f')).toBe('a control character at character 1')
    expect(unsendableReason('ok\r')).toBe('a line break at character 3')
  })
})
