import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../src/atlas/errors.js'
import { JsonTooDeepError, MAX_JSON_DEPTH, parseJson, stringifyJson } from '../../src/atlas/json.js'
import { formatDuration, parseDuration } from '../../src/units.js'
import type { PollResult } from '../../src/poll.js'
import { codeSpan, escapeMarkdown } from '../../src/report/markdown.js'
import { formatBytes, formatCount } from '../../src/units.js'
import { logLine, MAX_LOG_LINE } from '../../src/report/log-text.js'
import { buildOutputs as buildOutputsFor } from '../../src/report/outputs.js'
import { renderInputSummary, renderSummary as renderSummaryFor } from '../../src/report/summary.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'
import { readSettings, type Settings } from '../../src/settings.js'
import { judge as judgeFor, MAX_HEADLINE, type Verdict } from '../../src/verdict.js'
import { failed, finished } from '../support/poll-results.js'

const inputs: Record<string, string> = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  accessToken: 't'
}
const settings = (extra: Record<string, string> = {}): Settings =>
  readSettings(pipelineRun, (n) => extra[n] ?? inputs[n] ?? '', {})
const judge = (result: PollResult, s: Settings) => judgeFor(result, s, pipelineRun)
const buildOutputs = (result: PollResult, verdict: Pick<Verdict, 'ok'>) =>
  buildOutputsFor(result, { headline: '', message: '', ...verdict }, pipelineRun)
const renderSummary = (result: PollResult, verdict: Verdict, s: Settings, startedAt: number) =>
  renderSummaryFor(result, verdict, s, pipelineRun, startedAt)

const RUN = 'Pipeline run 6650f1a2b3c4d5e6f7a8b9c0 of nightly-export'

describe('the verdict', () => {
  it('passes only a state in successStates, its headline leading with the figures people look for', () => {
    const done = { state: 'DONE', phase: 'INGESTION', stats: { bytesExported: 1288490188, numDocs: 1234567 } }
    expect(judge(finished(done), settings())).toEqual({
      ok: true,
      headline: 'nightly-export: DONE · 1,234,567 documents · 1.2 GiB',
      message: `${RUN} is DONE (phase INGESTION).`
    })
    expect(judge(finished({ state: 'DATASET_DELETED' }), settings()).ok).toBe(false)
    expect(judge(finished({ state: 'DATASET_DELETED' }), settings({ successStates: 'DONE,DATASET_DELETED' })).ok).toBe(
      true
    )
    expect(judge(finished({ state: 'DONE' }), settings({ successStates: 'FAILED' }))).toEqual({
      ok: false,
      headline: 'nightly-export: DONE, but successStates is FAILED',
      message: `${RUN} is DONE, but successStates is FAILED.`
    })
  })

  it.each([
    ['PENDING', 'not finished, PENDING (EXPORT)', 'has not finished: it is PENDING (phase EXPORT)', 'Set wait: true'],
    ['FAILED', 'FAILED in EXPORT', 'FAILED in phase EXPORT', 'Atlas UI'],
    [
      'DATASET_DELETED',
      'DATASET_DELETED: its dataset has been deleted',
      'its dataset has been deleted',
      'add DATASET_DELETED to successStates'
    ],
    [
      'ARCHIVED',
      'unknown state "ARCHIVED"',
      'is in state "ARCHIVED", which this action does not know',
      'Atlas may have added a state'
    ]
  ])('fails %s saying so plainly', (state, headline, message, hint) => {
    const verdict = judge(finished({ state, phase: 'EXPORT' }), settings())
    expect(verdict.ok).toBe(false)
    expect(verdict.headline).toBe(`nightly-export: ${headline}`)
    expect(verdict.message).toContain(message)
    expect(verdict.hint).toContain(hint)
  })

  it('suggests wait: true only to a one-shot check', () => {
    expect(judge(finished({ state: 'IN_PROGRESS' }), settings({ wait: 'true' })).hint).toBeUndefined()
  })

  it('fails a run without a state', () => {
    const verdict = judge(finished({ phase: 'EXPORT' }), settings())
    expect([verdict.ok, verdict.headline, verdict.message]).toEqual([
      false,
      'nightly-export: no state in the answer',
      `Atlas returned ${RUN} without a state.`
    ])
  })

  it('keeps the headline short whatever Atlas sends', () => {
    const verdict = judge(finished({ state: 'X'.repeat(5000) }), settings())
    expect(verdict.headline.length).toBeLessThanOrEqual(MAX_HEADLINE)
    expect(verdict.headline).toMatch(/^nightly-export: unknown state "X+…$/)
  })

  it.each([
    [401, 'Atlas refused the access token (401)', 'Check accessToken'],
    [
      403,
      'Atlas denied access (403): needs Project Read Only',
      'Project Read Only role on project 32b6e34b3d91647abb20e7b8'
    ],
    [
      404,
      'run not found (404) — Data Lake Pipelines were sunset on 2025-09-30',
      'check groupId, pipelineName and runId'
    ],
    [410, 'run gone (410) — Data Lake Pipelines were sunset on 2025-09-30', 'gone for good'],
    [406, 'Atlas does not accept apiVersion 2023-01-01 (406)', 'use 2023-01-01'],
    [429, 'rate-limited by Atlas (429)', 'run the check later.'],
    [500, 'Atlas failed (500)', 'try again later'],
    [400, 'Atlas rejected the request (400)', 'check groupId, pipelineName and runId']
  ])('says what an HTTP %i means, and what to do', (status, headline, hint) => {
    const verdict = judge(failed(new AtlasError(`Atlas API ${status} X: detail`, { kind: 'api', status })), settings())
    expect(verdict.headline).toBe(`nightly-export: ${headline}`)
    expect(verdict.message).toBe(`Atlas API ${status} X: detail`)
    expect(verdict.hint).toContain(hint)
  })

  it('410 does not send the user to check ids: the run is gone for good', () => {
    const hint = judge(failed(new AtlasError('Atlas API 410', { kind: 'api', status: 410 })), settings()).hint
    expect(hint).not.toContain('check groupId')
    expect(hint).toContain('backup-export')
  })

  it('counts the tries that ended an error, and suggests pollInterval only in wait mode', () => {
    const limited = new AtlasError('Atlas API 429 RATE_LIMITED', { kind: 'api', status: 429, retryable: true })
    const oneShot = judge(failed(limited, { failedInARow: 4, polls: 4, retries: 3 }), settings())
    expect(oneShot.headline).toBe('nightly-export: rate-limited by Atlas (429) after 4 tries')
    expect(oneShot.hint).not.toContain('pollInterval')
    const md = renderSummary(failed(limited, { failedInARow: 4, polls: 4, retries: 3 }), oneShot, settings(), 0)
    expect(md).toContain('| Requests | 4, of which 3 retries |')
    expect(judge(failed(limited, { failedInARow: 6 }), settings({ wait: 'true' })).hint).toContain('raise pollInterval')
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
    expect(verdict.headline).toBe('nightly-export: Atlas refused the service account (401)')
    expect(verdict.hint).toContain('clientId and clientSecret')
  })

  it('says where a redirect pointed', () => {
    const verdict = judge(
      failed(new AtlasError('redirect', { kind: 'protocol', status: 302, redirectHost: 'evil.example' })),
      settings()
    )
    expect(verdict.hint).toContain('evil.example')
  })

  it('reports a timeout with the last state, the poll count, and that the run goes on', () => {
    const verdict = judge(
      finished({ state: 'IN_PROGRESS', phase: 'EXPORT' }, { ending: 'timeout', polls: 7, elapsedMs: 95_000 }),
      settings({ wait: 'true' })
    )
    expect(verdict.headline).toBe('nightly-export: timed out after 1m 35s, still IN_PROGRESS (EXPORT)')
    expect(verdict.message).toBe(`Timed out after 1m 35s and 7 polls: ${RUN} is still IN_PROGRESS (phase EXPORT).`)
    expect(verdict.hint).toContain('goes on in Atlas')
  })

  it('reports a cancellation with the state at the time', () => {
    const verdict = judge(
      finished({ state: 'IN_PROGRESS' }, { ending: 'cancelled', elapsedMs: 720_000, polls: 48 }),
      settings({ wait: 'true' })
    )
    expect(verdict.message).toBe('Cancelled while the pipeline run was IN_PROGRESS after 12m (48 polls).')
    expect(verdict.headline).toBe('nightly-export: cancelled after 12m, still IN_PROGRESS')
  })

  it('writes one poll, not "1 polls"', () => {
    const verdict = judge(
      finished({ state: 'IN_PROGRESS' }, { ending: 'timeout', polls: 1, elapsedMs: 3000 }),
      settings()
    )
    expect(verdict.message).toMatch(/^Timed out after 3s and 1 poll: /)
  })
})

describe('outputs', () => {
  it('sets every known field, with int64 stats kept to the digit', () => {
    const run = parseJson(
      '{"state":"DONE","phase":"INGESTION","datasetName":"d","stats":{"bytesExported":18446744073709551615,"numDocs":12},"snapshotId":"s"}'
    ) as Record<string, unknown>
    const outputs = buildOutputs(finished(run), { ok: true })
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
      { ok: false }
    )
    expect(outputs).toMatchObject({ httpStatus: '404', errorCode: 'RESOURCE_NOT_FOUND', succeeded: 'false' })
    expect(outputs['state']).toBeUndefined()
  })
})

describe('outputs, whole', () => {
  it('sets nothing it does not know, and every figure of how the check went', () => {
    const result: PollResult = {
      ...failed(new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network', errorCode: 'ECONNRESET' })),
      httpStatus: undefined,
      polls: 3,
      elapsedMs: 1499
    }
    expect(buildOutputsFor(result, { ok: false, headline: '', message: '' }, pipelineRun)).toStrictEqual({
      errorCode: 'ECONNRESET',
      succeeded: 'false',
      polls: '3',
      waitedSeconds: '1'
    })
  })

  it('rounds waitedSeconds to the nearest second, and sets the workflow run url when known', () => {
    const run = { state: 'DONE' }
    const outputs = buildOutputsFor(
      finished(run, { elapsedMs: 61_500 }),
      { ok: true, headline: '', message: '' },
      pipelineRun,
      'https://github.com/acme/data/actions/runs/42'
    )
    expect(outputs).toStrictEqual({
      state: 'DONE',
      run: '{"state":"DONE"}',
      httpStatus: '200',
      succeeded: 'true',
      polls: '1',
      waitedSeconds: '62',
      url: 'https://github.com/acme/data/actions/runs/42'
    })
  })
})

describe('the job summary', () => {
  const done = {
    state: 'DONE',
    phase: 'INGESTION',
    datasetName: 'ds',
    stats: { bytesExported: 1288490188, numDocs: 1234567 },
    createdDate: '2026-11-27T02:00:00Z',
    lastUpdatedDate: '2026-11-27T02:41:17Z'
  }

  it('leads a pass with the headline and the figures, says it once, and folds ids and dates away', () => {
    const md = renderSummary(finished(done), judge(finished(done), settings()), settings(), Date.UTC(2026, 10, 28))
    expect(md.split('\n')[0]).toBe('### ✅ nightly-export: DONE · 1,234,567 documents · 1.2 GiB')
    expect(md).toContain(
      '| Documents | Exported | Run took |\n| ---: | ---: | ---: |\n| 1,234,567 | 1.2 GiB (1,288,490,188 bytes) | 41m 17s |'
    )
    expect(md.match(/DONE/g)).toHaveLength(2) // the headline, and the folded details
    expect(md).toContain('<details><summary>Pipeline run details</summary>')
    expect(md).toContain('| Created | `2026-11-27T02:00:00Z` |')
    expect(md).toContain('| Field | Value |')
    expect(md).not.toContain('Timeline')
    expect(md).not.toContain('&#95;')
  })

  it('links the project in the Atlas UI, Atlas for Government included', () => {
    const md = renderSummary(finished(done), judge(finished(done), settings()), settings(), 0)
    expect(md).toContain('[Open the project in Atlas](https://cloud.mongodb.com/v2/32b6e34b3d91647abb20e7b8#/overview)')
    const gov = settings({ baseUrl: 'https://cloud.mongodbgov.com' })
    expect(renderSummary(finished(done), judge(finished(done), gov), gov, 0)).toContain(
      '(https://cloud.mongodbgov.com/v2/32b6e34b3d91647abb20e7b8#/overview)'
    )
  })

  it('escapes API text so it cannot break the table, inject HTML or become a link', () => {
    const run = {
      state: 'DONE',
      datasetName: 'a|b<script>alert(1)</script>`x` https://evil.example\n| injected | row |'
    }
    const md = renderSummary(finished(run), judge(finished(run), settings()), settings(), 0)
    const row = md.split('\n').find((l) => l.startsWith('| Dataset'))!
    expect(row).toBe(
      '| Dataset | ``a\\|b<script>alert(1)</script>`x` https://evil.example \\| injected \\| row \\|`` |'
    )
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(4)
  })

  it('shows what Atlas answered once, as fields, with the hint — and no empty timeline', () => {
    const error = new AtlasError('Atlas API 404 RESOURCE_NOT_FOUND: gone', {
      kind: 'api',
      status: 404,
      errorCode: 'RESOURCE_NOT_FOUND',
      detail: 'gone'
    })
    const md = renderSummary(failed(error), judge(failed(error), settings()), settings(), 0)
    expect(md.split('\n')[0]).toBe(
      '### ❌ nightly-export: run not found (404) — Data Lake Pipelines were sunset on 2025-09-30'
    )
    expect(md).toContain('| Error code | `RESOURCE_NOT_FOUND` |')
    expect(md).toContain('| Detail | `gone` |')
    expect(md).not.toContain('> Atlas API 404')
    expect(md).toContain('**What to do:** Data Lake Pipelines were sunset')
    expect(md).toContain(
      '(see [https://dochub.mongodb.org/core/data-lake-deprecation](https://dochub.mongodb.org/core/data-lake-deprecation))'
    )
    expect(md).not.toContain('Timeline')
  })

  it('draws the phases of a wait as one line, a Gantt chart and a table, counting retries', () => {
    const result = finished(done, {
      polls: 6,
      retries: 1,
      elapsedMs: 180_000,
      timeline: [
        { at: 0, state: 'PENDING', stage: 'SNAPSHOT' },
        { at: 3000, state: 'IN_PROGRESS', stage: 'EXPORT' },
        { at: 6000, retrying: 'Atlas API 503' },
        { at: 9000, state: 'IN_PROGRESS', stage: 'EXPORT' },
        { at: 60_000, state: 'IN_PROGRESS', stage: 'INGESTION' },
        { at: 180_000, state: 'DONE', stage: 'INGESTION' }
      ]
    })
    const wait = settings({ wait: 'true' })
    const md = renderSummary(result, judge(result, wait), wait, Date.UTC(2026, 10, 28))
    expect(md).toContain('✅ Snapshot 3s → ✅ Export 57s → ✅ Ingestion')
    expect(md).toContain('<details><summary>Timeline: 6 requests, 1 retry over 3m</summary>')
    expect(md).toContain('```mermaid\ngantt')
    expect(md).toContain('| 2026-11-28T00:00:06Z | +6s | retrying: Atlas API 503 | 3s |')
    expect(md).toContain('| This check waited |')
  })

  it('marks the last phase by how the wait ended', () => {
    const timeline = [
      { at: 0, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 5000, state: 'IN_PROGRESS', stage: 'INGESTION' }
    ]
    const wait = settings({ wait: 'true' })
    const failedRun = finished({ state: 'FAILED', phase: 'INGESTION' }, { timeline, elapsedMs: 9000 })
    expect(renderSummary(failedRun, judge(failedRun, wait), wait, 0)).toContain('✅ Export 5s → ❌ Ingestion')
    const timedOut = finished(
      { state: 'IN_PROGRESS', phase: 'INGESTION' },
      { ending: 'timeout', timeline, elapsedMs: 9000 }
    )
    expect(renderSummary(timedOut, judge(timedOut, wait), wait, 0)).toContain('✅ Export 5s → ⏳ Ingestion')
  })

  it('stays small however long the wait', () => {
    const timeline = Array.from({ length: 5000 }, (_, i) => ({
      at: i * 1000,
      state: i % 2 ? 'IN_PROGRESS' : 'PENDING',
      stage: 'x'.repeat(2000)
    }))
    const result: PollResult = {
      ending: 'timeout',
      last: { document: { state: 'IN_PROGRESS', datasetName: 'y'.repeat(100_000) }, rateLimit: {} },
      polls: 5000,
      retries: 0,
      failedInARow: 0,
      elapsedMs: 5_000_000,
      timeline
    }
    const md = renderSummary(result, judge(result, settings({ wait: 'true' })), settings({ wait: 'true' }), 0)
    expect(md).toContain('<details><summary>Timeline: 5000 requests over 1h 23m 20s</summary>')
    expect(md).toContain('4960 changes in the middle are not shown.')
    expect(Buffer.byteLength(md)).toBeLessThan(200 * 1024)
  })

  it('lists invalid inputs, saying nothing was sent', () => {
    const md = renderInputSummary([
      'groupId "x" must be 24 hexadecimal characters',
      'timeout is "9d"; write a duration'
    ])
    expect(md).toBe(
      '### ❌ Invalid inputs — nothing was sent to Atlas\n\n- groupId "x" must be 24 hexadecimal characters\n- timeout is "9d"; write a duration\n\n' +
        'Fix the inputs of this step in the workflow file; the table of inputs in the README says what each one takes.\n'
    )
  })
})

describe('formatting', () => {
  it('switches to the next unit at exactly 1024, through every unit, and stops at EiB', () => {
    expect([1023, 1024].map(formatBytes)).toEqual(['1023 B', '1.0 KiB'])
    expect([3 * 1024 ** 2, 3 * 1024 ** 3, 3 * 1024 ** 4, 3 * 1024 ** 5].map(formatBytes)).toEqual([
      '3.0 MiB',
      '3.0 GiB',
      '3.0 TiB',
      '3.0 PiB'
    ])
    expect(formatBytes(2n ** 70n)).toBe('1024.0 EiB')
  })

  it('formats sizes and counts', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(2n ** 63n)).toBe('8.0 EiB')
    expect(formatCount(12345678901234567890n)).toBe('12,345,678,901,234,567,890')
    expect([0, 999, 1000, -1234567, 100000].map(formatCount)).toEqual(['0', '999', '1,000', '-1,234,567', '100,000'])
  })

  it('escapes Markdown readably, keeps intraword underscores, and breaks autolinks', () => {
    expect(escapeMarkdown('*a* _b_ [l](u) IN_PROGRESS a|b <i> $x$')).toBe(
      '\\*a\\* \\_b\\_ \\[l\\](u) IN_PROGRESS a\\|b &lt;i&gt; \\$x\\$'
    )
    expect(escapeMarkdown('see https://evil.example, www.evil.example or me@evil.example')).toBe(
      'see https&#58;//evil.example, www&#46;evil.example or me&#64;evil.example'
    )
    expect(escapeMarkdown('x'.repeat(20), 5)).toBe('xxxxx…')
    expect(escapeMarkdown('x'.repeat(5), 5)).toBe('xxxxx') // at the limit, nothing is clipped
  })

  it('writes API text as a code span that survives backticks and pipes', () => {
    expect(codeSpan('plain')).toBe('`plain`')
    expect(codeSpan('a`b')).toBe('``a`b``')
    expect(codeSpan('`edge`')).toBe('`` `edge` ``')
    expect(codeSpan('`start')).toBe('`` `start ``')
    expect(codeSpan('end`')).toBe('`` end` ``')
    expect(codeSpan('')).toBe('`  `') // spaces only: CommonMark keeps them, so an empty value stays visible as a span
    expect(codeSpan('a``b`c')).toBe('```a``b`c```') // longer than the longest run inside
    expect(codeSpan('a|b\nc')).toBe('`a\\|b c`')
  })

  it('keeps every digit of big integers through parse and stringify', () => {
    const text = '{"a":9007199254740993,"b":1.5,"c":-9223372036854775808,"d":12}'
    const parsed = parseJson(text) as Record<string, unknown>
    expect(parsed['a']).toBe(9007199254740993n)
    expect(parsed['d']).toBe(12)
    expect(stringifyJson(parsed)).toBe(text)
  })

  it('reads durations in any case, with spaces around', () => {
    expect([' 15M ', '1H30M', '\t90S\n'].map(parseDuration)).toEqual([900_000, 5_400_000, 90_000])
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

  it('counts objects as well as arrays, and only what is open at once', () => {
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`
    expect(() => parseJson(objects)).toThrow(JsonTooDeepError)
    const siblings = `[${Array.from({ length: 3 * MAX_JSON_DEPTH }, () => '[{}]').join(',')}]`
    expect(parseJson(siblings)).toHaveLength(3 * MAX_JSON_DEPTH)
    const closedThenOpened = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`.repeat(3)
    expect(() => JSON.parse(closedThenOpened)).toThrow(SyntaxError) // not JSON: three documents
    expect(() => parseJson(closedThenOpened)).toThrow(SyntaxError)
  })

  it('names what it refuses', () => {
    const error = new JsonTooDeepError()
    expect([error.name, error.message]).toEqual([
      'JsonTooDeepError',
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels`
    ])
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
    expect(verdict.headline).toBe('nightly-export: rate-limited by Atlas (429), asked to wait 1h')
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
    const verdict = judge(failed(error, { ending: 'cancelled', polls: 2, elapsedMs: 4000 }), settings())
    expect(verdict.message).toBe(`Cancelled after 4s (2 polls) while retrying; ${expected}`)
    expect(verdict.headline).toBe('nightly-export: cancelled after 4s while retrying')
  })
})

describe('the headline and hint of each kind of failure', () => {
  const error = (message: string, fields: ConstructorParameters<typeof AtlasError>[1]) =>
    new AtlasError(message, fields)
  it.each([
    [
      'a request that timed out, tried twice',
      error('Atlas did not answer within 30s', { kind: 'timeout' }),
      2,
      'Atlas did not answer in time after 2 tries',
      'Atlas did not answer in time; raise requestTimeout or check the network between the runner and Atlas.'
    ],
    [
      'a lost connection',
      error('Could not reach Atlas (ECONNRESET)', { kind: 'network', errorCode: 'ECONNRESET' }),
      1,
      'could not reach Atlas (ECONNRESET)',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'a network failure without a code',
      error('Could not reach Atlas', { kind: 'network' }),
      3,
      'could not reach Atlas (network) after 3 tries',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'a certificate that does not verify',
      // Known by its code, not by the words of its message.
      error('Could not reach Atlas: certificate not trusted', {
        kind: 'network',
        errorCode: 'SELF_SIGNED_CERT_IN_CHAIN'
      }),
      1,
      'could not reach Atlas (SELF_SIGNED_CERT_IN_CHAIN)',
      'If a corporate proxy or CA signs this certificate, give the CA file to the runner with NODE_EXTRA_CA_CERTS.'
    ],
    [
      'a proxy that wants credentials',
      error('The proxy answered 407', { kind: 'network', errorCode: 'PROXY_407' }),
      1,
      'the proxy refused the connection (407)',
      'The proxy asks for credentials: put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128.'
    ],
    [
      'a proxy that refused the tunnel',
      error('The proxy answered 502', { kind: 'network', errorCode: 'PROXY_502' }),
      2,
      'the proxy refused the connection (502)',
      'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and that the proxy may reach Atlas.'
    ],
    [
      'a proxy that could not be reached',
      error('Could not reach the proxy', { kind: 'network', proxy: 'http://proxy:3128' }),
      2,
      'could not reach the proxy (no answer) after 2 tries',
      'Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the proxy http://proxy:3128 did not take the connection.'
    ],
    [
      'a 200 that is not JSON',
      error('Atlas answered 200 with HTML', { kind: 'protocol', status: 200 }),
      1,
      'Atlas answered, but not with a usable document',
      'Check that baseUrl (https://cloud.mongodb.com) is the Atlas Admin API and that no proxy or gateway answered in its place.'
    ],
    [
      'a 302 without a place to go',
      error('Atlas answered 302', { kind: 'protocol', status: 302 }),
      1,
      'unusable answer from Atlas',
      'Check that baseUrl (https://cloud.mongodb.com) is the Atlas Admin API and that no proxy or gateway answered in its place.'
    ],
    [
      'a redirect elsewhere',
      error('Atlas redirected', { kind: 'protocol', status: 301, redirectHost: 'elsewhere.example' }),
      1,
      'Atlas redirected to elsewhere.example; not followed',
      'If Atlas really lives at elsewhere.example, set baseUrl to that address.'
    ],
    [
      'an empty list without words of its own',
      error('Atlas lists nothing', { kind: 'empty' }),
      1,
      'nothing to check',
      'Check groupId, pipelineName and runId, or start one first.'
    ],
    [
      'a certificate error whose message says TLS but whose code is not a certificate one',
      error('Could not reach Atlas: TLS handshake reset', { kind: 'network', errorCode: 'ECONNRESET' }),
      1,
      'could not reach Atlas (ECONNRESET)',
      "Check baseUrl (https://cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY)."
    ],
    [
      'an empty list for latest',
      error('Atlas lists no runs of pipeline nightly-export', {
        kind: 'empty',
        headline: 'nothing to check: no runs of pipeline nightly-export'
      }),
      1,
      'nothing to check: no runs of pipeline nightly-export',
      'Check groupId, pipelineName and runId, or start one first.'
    ],
    [
      'a token request refused',
      error('The token request was refused', { kind: 'auth' }),
      1,
      'Atlas refused the access token (auth)',
      'Check accessToken (tokens expire after an hour).'
    ],
    ['a 499 from a proxy', error('Atlas API 499', { kind: 'api', status: 499 }), 1, 'Atlas answered 499', undefined],
    [
      'a 502 after retries',
      error('Atlas API 502', { kind: 'api', status: 502, retryable: true }),
      4,
      'Atlas failed (502) after 4 tries',
      'Atlas (or a proxy in front of it) failed even after retries; try again later.'
    ],
    [
      'a 409 of a step',
      error('Atlas API 409', {
        kind: 'api',
        status: 409,
        step: { what: 'start the export', role: 'R', conflict: 'What the step says a conflict means.' }
      }),
      1,
      'Atlas refused to start the export (409 conflict)',
      'What the step says a conflict means.'
    ],
    [
      'a 409 of no known step',
      error('Atlas API 409', { kind: 'api', status: 409 }),
      1,
      'Atlas refused to do that (409 conflict)',
      'Atlas refused because of something under way (its detail above says what): wait for it, or run this step again later.'
    ],
    [
      'a 403 of a step that needs another role',
      error('Atlas API 403', {
        kind: 'api',
        status: 403,
        step: { what: 'take a snapshot', role: 'Project Backup Manager' }
      }),
      1,
      'Atlas denied access (403) to take a snapshot: needs Project Backup Manager',
      "To take a snapshot, the credentials need the Project Backup Manager role on project 32b6e34b3d91647abb20e7b8, and the runner's IP address must be on the API access list of the key or service account."
    ],
    [
      'a 400 whose detail names no fields',
      error('Atlas API 400', { kind: 'api', status: 400, body: { badRequestDetail: {} } }),
      1,
      'Atlas rejected the request (400)',
      'Atlas rejected the request; check groupId, pipelineName and runId.'
    ],
    [
      'a 403 of the check itself',
      error('Atlas API 403', { kind: 'api', status: 403 }),
      1,
      'Atlas denied access (403): needs Project Read Only',
      "The credentials need the Project Read Only role on project 32b6e34b3d91647abb20e7b8, and the runner's IP address must be on the API access list of the key or service account."
    ],
    [
      'a 400 without field details',
      error('Atlas API 400', { kind: 'api', status: 400, body: { detail: 'bad' } }),
      1,
      'Atlas rejected the request (400)',
      'Atlas rejected the request; check groupId, pipelineName and runId.'
    ]
  ])('%s', (_case, failure, failedInARow, headline, hint) => {
    const verdict = judge(failed(failure, { failedInARow }), settings())
    expect(verdict).toEqual({
      ok: false,
      headline: `nightly-export: ${headline}`,
      message: failure.message,
      ...(hint === undefined ? {} : { hint })
    })
  })

  it('names the API key on a 401 with Digest credentials', () => {
    const verdict = judge(
      failed(new AtlasError('401', { kind: 'api', status: 401 })),
      settings({ accessToken: '', publicKey: 'abcdefgh', privateKey: '0b0e8f3e-1d2c-4b5a-9c8d-7e6f5a4b3c2d' })
    )
    expect([verdict.headline, verdict.hint]).toEqual([
      'nightly-export: Atlas refused the API key (401)',
      'Check publicKey and privateKey (is the API key deleted or disabled?).'
    ])
  })

  it('joins the fields of a 400 with semicolons', () => {
    const fields = [
      { field: 'groupId', description: 'too short' },
      { field: 'runId', description: 'not hex' }
    ]
    const failure = new AtlasError('Atlas API 400', {
      kind: 'api',
      status: 400,
      body: { badRequestDetail: { fields } }
    })
    expect(judge(failed(failure), settings()).hint).toBe(
      'Atlas rejected the request (groupId: too short; runId: not hex); check groupId, pipelineName and runId.'
    )
  })
})

describe('verdicts that end the step before a judgement of the state', () => {
  it('judges an error that ends the polling from the error, not from the state seen before it', () => {
    const refused = new AtlasError('Atlas API 401 UNAUTHORIZED', { kind: 'api', status: 401 })
    const result = finished({ state: 'DONE' }, { ending: 'error', error: refused })
    expect(judge(result, settings())).toEqual({
      ok: false,
      headline: 'nightly-export: Atlas refused the access token (401)',
      message: 'Atlas API 401 UNAUTHORIZED',
      hint: 'Check accessToken (tokens expire after an hour).'
    })
  })

  it('fails a cancellation before any answer, without a hint', () => {
    const result: PollResult = {
      ...failed(new AtlasError('x', { kind: 'cancelled' })),
      ending: 'cancelled',
      error: undefined,
      polls: 0,
      elapsedMs: 2000
    }
    expect(judge(result, settings())).toEqual({
      ok: false,
      headline: 'nightly-export: cancelled after 2s, no answer yet',
      message: 'Cancelled before Atlas answered after 2s (0 polls).'
    })
  })

  it('fails a cancellation while waiting, and says the run goes on', () => {
    const result = finished(
      { state: 'IN_PROGRESS', phase: 'EXPORT' },
      { ending: 'cancelled', elapsedMs: 61_000, polls: 7 }
    )
    expect(judge(result, settings({ wait: 'true' }))).toEqual({
      ok: false,
      headline: 'nightly-export: cancelled after 1m 1s, still IN_PROGRESS (EXPORT)',
      message: 'Cancelled while the pipeline run was IN_PROGRESS (phase EXPORT) after 1m 1s (7 polls).',
      hint: 'The pipeline run goes on in Atlas; this check stopped while it was IN_PROGRESS (EXPORT).'
    })
  })

  it('fails a cancellation while retrying', () => {
    const result = failed(new AtlasError('Atlas API 503', { kind: 'api', status: 503 }), { ending: 'cancelled' })
    expect(judge(result, settings()).ok).toBe(false)
  })

  it('fails a timeout before any answer, naming the last failure', () => {
    const reset = new AtlasError('Could not reach Atlas (ECONNRESET)', { kind: 'network' })
    const result = failed(reset, { ending: 'timeout', polls: 3, elapsedMs: 30_000 })
    expect(judge(result, settings({ wait: 'true' }))).toEqual({
      ok: false,
      headline: 'nightly-export: timed out after 30s, still unknown',
      message: `Timed out after 30s and 3 polls: ${RUN} is still unknown (Atlas never answered). The last request failed: Could not reach Atlas (ECONNRESET).`,
      hint: 'The pipeline run goes on in Atlas; this check only stopped waiting. Raise timeout if it needs longer, or look at it in the Atlas UI.'
    })
  })

  it('fails a timeout whose last answer had no state', () => {
    const result = finished({ phase: 'EXPORT' }, { ending: 'timeout', polls: 2, elapsedMs: 20_000 })
    const verdict = judge(result, settings({ wait: 'true' }))
    expect(verdict.ok).toBe(false)
    expect(verdict.headline).toBe('nightly-export: timed out after 20s, still unknown')
  })

  it('fails a document without a state, and says the document is incomplete', () => {
    expect(judge(finished({}), settings()).hint).toBe(
      'The pipeline run document is incomplete; check it in the Atlas UI.'
    )
  })

  it('lists every success state when a known state is not one of them', () => {
    const verdict = judge(
      finished({ state: 'PENDING', phase: 'EXPORT' }),
      settings({ successStates: 'DONE, DATASET_DELETED' })
    )
    expect(verdict.ok).toBe(false)
    const unknown = judge(finished({ state: 'QUEUED' }), settings({ successStates: 'DONE, DATASET_DELETED' }))
    expect(unknown.hint).toBe('Atlas may have added a state; successStates is DONE, DATASET_DELETED.')
  })

  it('puts a headline on one line, and keeps one that fits whole', () => {
    const multiline = judge(finished({ state: 'A\n\n  B' }), settings())
    expect(multiline.headline).toBe('nightly-export: unknown state "A B"')
    const room = MAX_HEADLINE - 'nightly-export: unknown state ""'.length
    const fits = judge(finished({ state: 'S'.repeat(room) }), settings())
    expect(fits.headline).toHaveLength(MAX_HEADLINE)
    expect(fits.headline.endsWith('S"')).toBe(true)
  })
})
