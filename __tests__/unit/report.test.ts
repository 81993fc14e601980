import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'
import { JsonTooDeepError, MAX_JSON_DEPTH, parseJson, stringifyJson } from '../../src/atlas/json.js'
import { formatDuration, parseDuration } from '../../src/duration.js'
import type { PollResult } from '../../src/poll.js'
import { escapeMarkdown, formatBytes, formatCount } from '../../src/report/format.js'
import { logLine, MAX_LOG_LINE } from '../../src/report/log-text.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import { readSettings, type Settings } from '../../src/settings.js'
import { judge } from '../../src/verdict.js'

const inputs: Record<string, string> = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  accessToken: 't'
}
const settings = (extra: Record<string, string> = {}): Settings => readSettings((n) => extra[n] ?? inputs[n] ?? '', {})

function finished(run: Record<string, unknown>, extra: Partial<PollResult> = {}): PollResult {
  return {
    ending: 'finished',
    last: { run, rateLimit: {} },
    polls: 1,
    httpStatus: 200,
    elapsedMs: 300,
    timeline: [{ at: 0, state: run['state'] as string, phase: run['phase'] as string }],
    ...extra
  }
}

function failed(error: AtlasError): PollResult {
  return { ending: 'error', error, polls: 1, httpStatus: error.status, elapsedMs: 100, timeline: [] }
}

describe('the verdict', () => {
  it('passes only a state in successStates', () => {
    expect(judge(finished({ state: 'DONE', phase: 'INGESTION' }), settings())).toEqual({
      ok: true,
      message: 'Pipeline run 6650f1a2b3c4d5e6f7a8b9c0 of nightly-export is DONE (phase INGESTION).'
    })
    expect(judge(finished({ state: 'DATASET_DELETED' }), settings()).ok).toBe(false)
    expect(judge(finished({ state: 'DATASET_DELETED' }), settings({ successStates: 'DONE,DATASET_DELETED' })).ok).toBe(
      true
    )
    expect(judge(finished({ state: 'DONE' }), settings({ successStates: 'FAILED' })).message).toContain(
      'is DONE, but successStates is FAILED'
    )
  })

  it.each([
    ['PENDING', 'has not finished: it is PENDING', 'Set wait: true'],
    ['IN_PROGRESS', 'has not finished: it is IN_PROGRESS (phase EXPORT)', 'Set wait: true'],
    ['FAILED', 'FAILED in phase EXPORT', 'Atlas UI'],
    ['DATASET_DELETED', 'its dataset has been deleted', 'add DATASET_DELETED to successStates'],
    ['ARCHIVED', 'is in state "ARCHIVED", which this action does not know', 'Atlas may have added a state']
  ])('fails %s saying so plainly', (state, message, hint) => {
    const verdict = judge(finished({ state, phase: 'EXPORT' }), settings())
    expect(verdict.ok).toBe(false)
    expect(verdict.message).toContain(message)
    expect(verdict.hint).toContain(hint)
  })

  it('fails a run without a state', () => {
    expect(judge(finished({ phase: 'EXPORT' }), settings()).message).toContain('without a state')
  })

  it.each([
    [401, 'Check accessToken'],
    [403, 'Project Read Only role on project 32b6e34b3d91647abb20e7b8'],
    [404, 'sunset on 2025-09-30'],
    [410, 'https://dochub.mongodb.org/core/data-lake-deprecation'],
    [406, 'use 2023-01-01'],
    [429, 'rate-limited'],
    [500, 'try again later'],
    [400, 'check groupId, pipelineName and runId']
  ])('gives a hint for HTTP %i', (status, hint) => {
    const verdict = judge(failed(new AtlasError(`Atlas API ${status} X: detail`, { kind: 'api', status })), settings())
    expect(verdict.message).toBe(`Atlas API ${status} X: detail`)
    expect(verdict.hint).toContain(hint)
  })

  it('names the bad fields of a 400', () => {
    const error = new AtlasError('Atlas API 400', {
      kind: 'api',
      status: 400,
      body: { badRequestDetail: { fields: [{ field: 'groupId', description: 'bad' }] } }
    })
    expect(judge(failed(error), settings()).hint).toContain('groupId: bad')
  })

  it('names the credentials in use on a 401', () => {
    const verdict = judge(
      failed(new AtlasError('401', { kind: 'api', status: 401 })),
      settings({ accessToken: '', clientId: 'i', clientSecret: 's' })
    )
    expect(verdict.hint).toContain('clientId and clientSecret')
  })

  it('says where a redirect pointed', () => {
    const verdict = judge(
      failed(new AtlasError('redirect', { kind: 'protocol', status: 302, redirectHost: 'evil.example' })),
      settings()
    )
    expect(verdict.hint).toContain('evil.example')
  })

  it('reports a timeout with the last state and the poll count', () => {
    const verdict = judge(
      finished({ state: 'IN_PROGRESS', phase: 'EXPORT' }, { ending: 'timeout', polls: 7, elapsedMs: 95_000 }),
      settings({ wait: 'true' })
    )
    expect(verdict.message).toBe(
      'Timed out after 1m 35s and 7 polls: Pipeline run 6650f1a2b3c4d5e6f7a8b9c0 of nightly-export is still IN_PROGRESS (phase EXPORT).'
    )
  })

  it('reports a cancellation with the state at the time', () => {
    const verdict = judge(
      finished({ state: 'IN_PROGRESS' }, { ending: 'cancelled', elapsedMs: 720_000, polls: 48 }),
      settings({ wait: 'true' })
    )
    expect(verdict.message).toBe('Cancelled while the run was IN_PROGRESS after 12m (48 polls).')
  })
})

describe('outputs', () => {
  it('sets every known field, with int64 stats kept to the digit', () => {
    const run = parseJson(
      '{"state":"DONE","phase":"INGESTION","datasetName":"d","stats":{"bytesExported":18446744073709551615,"numDocs":12},"snapshotId":"s"}'
    ) as Record<string, unknown>
    const outputs = buildOutputs(finished(run), { ok: true, message: '' })
    expect(outputs).toMatchObject({
      state: 'DONE',
      phase: 'INGESTION',
      datasetName: 'd',
      snapshotId: 's',
      bytesExported: '18446744073709551615',
      numDocs: '12',
      httpStatus: '200',
      succeeded: 'true',
      polls: '1'
    })
    expect(outputs['stats']).toBe('{"bytesExported":18446744073709551615,"numDocs":12}')
    expect(JSON.parse(outputs['run']!)).toMatchObject({ state: 'DONE' })
    expect(outputs['errorCode']).toBeUndefined()
  })

  it('sets the status and error code of a failure', () => {
    const outputs = buildOutputs(
      failed(new AtlasError('x', { kind: 'api', status: 404, errorCode: 'RESOURCE_NOT_FOUND' })),
      { ok: false, message: '' }
    )
    expect(outputs).toMatchObject({ httpStatus: '404', errorCode: 'RESOURCE_NOT_FOUND', succeeded: 'false' })
    expect(outputs['state']).toBeUndefined()
  })
})

describe('the job summary', () => {
  it('shows the verdict, the run and human-readable stats', () => {
    const run = {
      state: 'DONE',
      phase: 'INGESTION',
      datasetName: 'ds',
      stats: { bytesExported: 1288490188, numDocs: 1234567 },
      createdDate: '2026-11-27T02:00:00Z'
    }
    const md = renderSummary(finished(run), judge(finished(run), settings()), settings(), Date.UTC(2026, 10, 28))
    expect(md).toContain('### ✅ Atlas pipeline run passed: DONE')
    expect(md).toContain('| Exported | 1.2 GiB (1,288,490,188 bytes) |')
    expect(md).toContain('| Documents | 1,234,567 |')
    expect(md).toContain('Pipeline <code>nightly-export</code>')
    expect(md).not.toContain('Timeline')
  })

  it('escapes API text so it cannot break the table or inject HTML', () => {
    const run = { state: 'DONE', datasetName: 'a|b<script>alert(1)</script>`x`\n| injected | row |' }
    const md = renderSummary(finished(run), { ok: true, message: 'ok' }, settings(), 0)
    const row = md.split('\n').find((l) => l.startsWith('| Dataset'))!
    expect(row.split('|').length).toBe(4)
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('`x`')
    expect(md).not.toContain('| injected |')
  })

  it('shows the error code, detail and hint of a failure', () => {
    const error = new AtlasError('Atlas API 404 RESOURCE_NOT_FOUND: gone', {
      kind: 'api',
      status: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
      detail: 'gone'
    })
    const md = renderSummary(failed(error), judge(failed(error), settings()), settings(), 0)
    expect(md).toContain('### ❌ Atlas pipeline run failed: Atlas error')
    expect(md).toContain('| Error code | <code>RESOURCE&#95;NOT&#95;FOUND</code> |')
    expect(md).toContain('sunset on 2025-09-30')
  })

  it('draws a timeline of changes in wait mode, and stays small however long the wait', () => {
    const timeline = Array.from({ length: 5000 }, (_, i) => ({
      at: i * 1000,
      state: i % 2 ? 'IN_PROGRESS' : 'PENDING',
      phase: 'x'.repeat(2000)
    }))
    const result: PollResult = {
      ending: 'timeout',
      last: { run: { state: 'IN_PROGRESS', datasetName: 'y'.repeat(100_000) }, rateLimit: {} },
      polls: 5000,
      elapsedMs: 5_000_000,
      timeline
    }
    const md = renderSummary(result, judge(result, settings({ wait: 'true' })), settings({ wait: 'true' }), 0)
    expect(md).toContain('#### Timeline (5000 polls over 1h 23m 20s)')
    expect(md).toContain('4960 changes in the middle are not shown.')
    expect(Buffer.byteLength(md)).toBeLessThan(200 * 1024)
  })
})

describe('formatting', () => {
  it('formats sizes and counts', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(2n ** 63n)).toBe('8.0 EiB')
    expect(formatCount(12345678901234567890n)).toBe('12,345,678,901,234,567,890')
    expect([0, 999, 1000, -1234567, 100000].map(formatCount)).toEqual(['0', '999', '1,000', '-1,234,567', '100,000'])
  })

  it('escapes markdown and clips long text', () => {
    expect(escapeMarkdown('*a*_b_ [l](u)')).toBe('&#42;a&#42;&#95;b&#95; &#91;l&#93;(u)')
    expect(escapeMarkdown('x'.repeat(20), 5)).toBe('xxxxx…')
  })

  it('keeps every digit of big integers through parse and stringify', () => {
    const text = '{"a":9007199254740993,"b":1.5,"c":-9223372036854775808,"d":12}'
    const parsed = parseJson(text) as Record<string, unknown>
    expect(parsed['a']).toBe(9007199254740993n)
    expect(parsed['d']).toBe(12)
    expect(stringifyJson(parsed)).toBe(text)
  })

  it('parses and prints durations', () => {
    expect(['90', '90s', '15m', '1h30m', '2h', '1m30s'].map(parseDuration)).toEqual([
      90_000, 90_000, 900_000, 5_400_000, 7_200_000, 90_000
    ])
    expect(['', 'm', '1.5m', '-1', '1d', '30 s'].map(parseDuration)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(formatDuration(3_723_000)).toBe('1h 2m 3s')
    expect(formatDuration(400)).toBe('0s')
  })
})

describe('text for the log and annotations', () => {
  it('keeps API text on one line and shows terminal controls as escapes', () => {
    expect(logLine('a\r\nb\nc\rd\u2028e\tf')).toBe('a b c d e f')
    expect(logLine('\u001b[31mred\u0007 \u009b \u202eevil')).toBe('\\x1b[31mred\\x07 \\x9b \\u202eevil')
    expect(logLine('caf\u00e9 ✅')).toBe('caf\u00e9 ✅')
  })

  it('clips long text and says how much was left out', () => {
    expect(logLine('x'.repeat(MAX_LOG_LINE))).toBe('x'.repeat(MAX_LOG_LINE))
    expect(logLine('x'.repeat(MAX_LOG_LINE + 7))).toBe(`${'x'.repeat(MAX_LOG_LINE)}… (7 more characters)`)
  })
})

describe('JSON depth', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`

  it('reads JSON up to the depth limit and refuses deeper JSON by name, not as a syntax error', () => {
    expect(() => parseJson(nested(MAX_JSON_DEPTH))).not.toThrow()
    expect(() => parseJson(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError)
    expect(() => parseJson(`{"a":${nested(100_000)}}`)).toThrow(JsonTooDeepError)
  })

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(parseJson(`{"s":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`)).toEqual({
      s: `${'['.repeat(1000)}"${'{'.repeat(1000)}`
    })
  })

  it('keeps bad JSON a syntax error whatever its depth', () => {
    expect(() => parseJson(`${'['.repeat(1000)}`)).toThrow(SyntaxError)
  })
})

describe('verdicts of the edge cases', () => {
  it('says the action stopped without waiting when Retry-After reached past the deadline', () => {
    const error = new AtlasError('Atlas API 429 RATE_LIMITED', {
      kind: 'api',
      status: 429,
      retryable: true,
      retryAfterMs: 3_600_000
    })
    const verdict = judge({ ...failed(error), unwaitedRetryAfterMs: 3_600_000 }, settings({ timeout: '30s' }))
    expect(verdict.hint).toBe(
      'Atlas asked to wait 1h before trying again (Retry-After), which is past the deadline (timeout 30s), so the action stopped without waiting. Run the check later, or raise timeout.'
    )
  })

  it('points at the proxy when the proxy could not be reached', () => {
    const error = new AtlasError(
      'Could not reach the proxy http://proxy:3128 on the way to https://cloud.mongodb.com (ECONNREFUSED)',
      {
        kind: 'network',
        errorCode: 'ECONNREFUSED',
        proxy: 'http://proxy:3128'
      }
    )
    expect(judge(failed(error), settings()).hint).toContain('the proxy http://proxy:3128 did not take the connection')
  })

  it.each([
    [
      new AtlasError('Atlas API 503 SERVICE_UNAVAILABLE', { kind: 'api', status: 503 }),
      'the last answer was: Atlas API 503 SERVICE_UNAVAILABLE.'
    ],
    [
      new AtlasError('Could not reach Atlas at https://x (ECONNRESET)', { kind: 'network' }),
      'the last request failed: Could not reach Atlas at https://x (ECONNRESET).'
    ]
  ])('says what came last when cancelled while retrying (%#)', (error, expected) => {
    const verdict = judge({ ending: 'cancelled', error, polls: 2, elapsedMs: 4000, timeline: [] }, settings())
    expect(verdict.message).toBe(`Cancelled after 4s (2 polls) while retrying; ${expected}`)
  })
})
