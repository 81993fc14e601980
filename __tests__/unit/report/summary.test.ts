// The job summary, line by line as a reader sees it: what each section shows,
// in which order, and what is left out. The parts (escaping, bounds, hints) have their own tests in
// markdown.test.ts and verdict.test.ts; these pin how they fit together.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../src/atlas/errors.js'
import type { PollResult } from '../../../src/engine/poll.js'
import { renderInputSummary, renderSummary } from '../../../src/report/summary.js'
import { backupExport } from '../../../src/resources/backup-export/index.js'
import { pipelineRun } from '../../../src/resources/pipeline-run/index.js'
import { readSettings } from '../../../src/engine/settings.js'
import { judge } from '../../../src/engine/verdict.js'
import { exportDocument } from '../../support/fake-atlas.mjs'
import { failed, finished } from '../../support/poll-results.js'
import { judgeRun, renderRunSummary, runSettings } from '../../support/run-verdicts.js'
import { widgetBuild } from '../../fixtures/widget-resource.js'

const STARTED = Date.UTC(2026, 10, 28, 2, 0, 0)

const PIPELINE_INPUTS: Record<string, string> = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  accessToken: 't',
  wait: 'true'
}
const pipelineWait = (env: Record<string, string> = {}) =>
  readSettings(pipelineRun, (name) => PIPELINE_INPUTS[name] ?? '', env)

/** Every pipeline summary goes on with the link to the project and the ids the step was given. */
const PIPELINE_LINK_AND_IDS = `[Open the project in Atlas](https://cloud.mongodb.com/v2/32b6e34b3d91647abb20e7b8#/overview)

<details><summary>Pipeline run details</summary>

| Field | Value |
| --- | --- |
| Pipeline | \`nightly-export\` |
| Run | \`6650f1a2b3c4d5e6f7a8b9c0\` |
| Project | \`32b6e34b3d91647abb20e7b8\` |`

function finishedWait(document: Record<string, unknown>, extra: Partial<PollResult>): PollResult {
  return {
    ending: 'finished',
    last: { document, rateLimit: {} },
    polls: 1,
    retries: 0,
    failedInARow: 0,
    httpStatus: 200,
    elapsedMs: 0,
    timeline: [],
    ...extra
  }
}

describe('the job summary of a wait', () => {
  it('an export job that succeeded after two retries: figures, states, links, details, chart and timeline', () => {
    const env = {
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/data',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2'
    }
    const inputs: Record<string, string> = {
      groupId: '32b6e34b3d91647abb20e7b8',
      clusterName: 'Cluster0',
      exportId: '6750a1b2c3d4e5f6a7b8c9d0',
      accessToken: 't',
      wait: 'true'
    }
    const settings = readSettings(backupExport, (name) => inputs[name] ?? '', env)
    const result = finishedWait(exportDocument({ state: 'Successful' }), {
      polls: 9,
      retries: 2,
      elapsedMs: 125_000,
      timeline: [
        { at: 0, state: 'Queued' },
        { at: 20_000, state: 'InProgress' },
        { at: 30_000, retrying: 'Atlas API 503' },
        { at: 45_000, state: 'InProgress' },
        { at: 125_000, state: 'Successful' }
      ]
    })
    const md = renderSummary(result, judge(result, settings, backupExport), settings, backupExport, STARTED)
    expect(md).toBe(`### ✅ Cluster0 export: Successful · 12 of 12 collections

| Collections | Export took | This check waited |
| ---: | ---: | ---: |
| 12 of 12 collections | 14m 52s | 2m 5s |

✅ Queued 20s → ✅ InProgress 1m 45s → ✅ Successful

[Open the project in Atlas](https://cloud.mongodb.com/v2/32b6e34b3d91647abb20e7b8#/overview) · [Workflow run](https://github.com/acme/data/actions/runs/42/attempts/2)

<details><summary>Export job details</summary>

| Field | Value |
| --- | --- |
| Cluster | \`Cluster0\` |
| Export job | \`6750a1b2c3d4e5f6a7b8c9d0\` |
| Project | \`32b6e34b3d91647abb20e7b8\` |
| State | \`Successful\` |
| Snapshot | \`6750e0a1b2c3d4e5f6a7b8c9\` |
| Export bucket | \`6750f0e1d2c3b4a596877869\` |
| Prefix | \`/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200\` |
| Created | \`2026-11-28T02:00:00Z\` |
| Finished | \`2026-11-28T02:14:52Z\` |
| Custom data | \`release=v42\` |

</details>

<details><summary>Timeline: 9 requests, 2 retries over 2m 5s</summary>

\`\`\`mermaid
gantt
  title States of the export job
  dateFormat x
  axisFormat %H:%M
  Queued : done, 1795831200000, 1795831220000
  InProgress : done, 1795831220000, 1795831325000
  Successful : done, 1795831325000, 1795831326000
\`\`\`

| Time | Since start | State | Lasted |
| --- | ---: | --- | ---: |
| 2026-11-28T02:00:00Z | +0s | Queued | 20s |
| 2026-11-28T02:00:20Z | +20s | InProgress | 10s |
| 2026-11-28T02:00:30Z | +30s | retrying: Atlas API 503 | 15s |
| 2026-11-28T02:00:45Z | +45s | InProgress | 1m 20s |
| 2026-11-28T02:02:05Z | +2m 5s | Successful | 0s |

</details>
`)
  })

  it('a pipeline run that failed: the hint first, its phases by name, nothing said twice', () => {
    const settings = pipelineWait()
    const run = { state: 'FAILED', phase: 'DATA_LOADING', createdDate: '2026-11-28T02:00:00Z' }
    const result = finishedWait(run, {
      polls: 4,
      elapsedMs: 90_000,
      timeline: [
        { at: 0, state: 'PENDING' },
        // A phase Atlas might send one day: shown as it came, kept out of Mermaid's syntax.
        { at: 10_000, state: 'IN_PROGRESS', stage: 'SNAP:SHOT;X' },
        { at: 40_000, state: 'IN_PROGRESS', stage: 'DATA_LOADING' },
        { at: 90_000, state: 'FAILED', stage: 'DATA_LOADING' }
      ]
    })
    const md = renderSummary(result, judge(result, settings, pipelineRun), settings, pipelineRun, STARTED)
    expect(md).toBe(`### ❌ nightly-export: FAILED in DATA_LOADING

**What to do:** Look at the pipeline run in the Atlas UI for the cause, then trigger a new run.

| This check waited |
| ---: |
| 1m 30s |

✅ SNAP:SHOT;X 30s → ❌ Data loading

${PIPELINE_LINK_AND_IDS}
| State | \`FAILED\` |
| Phase | \`DATA_LOADING\` |
| Created | \`2026-11-28T02:00:00Z\` |

</details>

<details><summary>Timeline: 4 requests over 1m 30s</summary>

\`\`\`mermaid
gantt
  title Phases of the pipeline run
  dateFormat x
  axisFormat %H:%M
  SNAPSHOTX : done, 1795831210000, 1795831240000
  Data loading : done, 1795831240000, 1795831290000
\`\`\`

| Time | Since start | State · phase | Lasted |
| --- | ---: | --- | ---: |
| 2026-11-28T02:00:00Z | +0s | PENDING | 10s |
| 2026-11-28T02:00:10Z | +10s | IN_PROGRESS · SNAP:SHOT;X | 30s |
| 2026-11-28T02:00:40Z | +40s | IN_PROGRESS · DATA_LOADING | 50s |
| 2026-11-28T02:01:30Z | +1m 30s | FAILED · DATA_LOADING | 0s |

</details>
`)
  })
})

describe('the parts of a wait that depend on its length', () => {
  const settings = pipelineWait()
  const render = (result: PollResult) =>
    renderSummary(result, judge(result, settings, pipelineRun), settings, pipelineRun, STARTED)
  const phases = (...ats: number[]) =>
    ats.map((at, i) => ({ at, state: 'IN_PROGRESS', stage: i % 2 ? 'EXPORT' : 'SNAPSHOT' }))

  it('draws a chart from a minute of waiting through two phases, not before', () => {
    const run = { state: 'IN_PROGRESS', phase: 'EXPORT' }
    const minute = render(finishedWait(run, { polls: 2, elapsedMs: 60_000, timeline: phases(0, 30_000) }))
    expect(minute).toContain('```mermaid')
    const shorter = render(finishedWait(run, { polls: 2, elapsedMs: 59_999, timeline: phases(0, 30_000) }))
    expect(shorter).not.toContain('```mermaid')
    expect(shorter).toContain('| Time | Since start | State · phase | Lasted |')
    const onePhase = render(finishedWait(run, { polls: 2, elapsedMs: 600_000, timeline: phases(0) }))
    expect(onePhase).not.toContain('```mermaid')
    expect(onePhase).not.toContain('| Time |')
  })

  it('does not end a phase at a poll that names none', () => {
    const timeline = [
      { at: 0, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 20_000, state: 'IN_PROGRESS' },
      { at: 40_000, state: 'DONE', stage: 'INGESTION' }
    ]
    const md = render(finishedWait({ state: 'DONE', phase: 'INGESTION' }, { polls: 3, elapsedMs: 40_000, timeline }))
    expect(md).toContain('\n\n✅ Export 40s → ✅ Ingestion\n\n')
  })

  it('quotes what a wait that timed out saw last, under the headline', () => {
    const run = { state: 'IN_PROGRESS', phase: 'EXPORT' }
    const md = render(finishedWait(run, { ending: 'timeout', polls: 3, elapsedMs: 1_800_000, timeline: phases(0) }))
    expect(md.split('\n\n')[1]).toMatch(
      /^> Timed out after 30m and 3 polls: Pipeline run \w+ of nightly-export is still IN_PROGRESS/
    )
  })

  it('lists the steps before the check in the timeline, the pages of a list as one row and a wait with what it saw', () => {
    const steps = [
      { what: 'read the cluster (is it sharded?)', at: 0, lasted: 200, requests: 1 },
      { what: 'list the snapshots of the cluster', at: 200, lasted: 300, requests: 1 },
      { what: 'list the snapshots of the cluster', at: 500, lasted: 300, requests: 1 },
      {
        what: 'wait for the snapshot',
        at: 800,
        lasted: 40_000,
        requests: 3,
        seen: `snapshot ${'9'.repeat(24)} is completed`
      },
      { what: 'start the export', at: 40_800, lasted: 200, requests: 2 }
    ]
    const timeline = [
      { at: 41_000, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 61_000, state: 'DONE', stage: 'INGESTION' }
    ]
    const md = render(
      finishedWait({ state: 'DONE', phase: 'INGESTION' }, { polls: 11, elapsedMs: 61_000, timeline, steps })
    )
    const rows = md.split('\n').filter((line) => /^\| 2026-/.test(line))
    expect(rows.map((row) => row.split(' | ').slice(1).join(' | '))).toEqual([
      '+0s | read the cluster (is it sharded?) | 0s |',
      '+0s | list the snapshots of the cluster (2 requests) | 1s |',
      `+1s | wait for the snapshot (3 requests): snapshot \`${'9'.repeat(24)}\` is completed | 40s |`,
      '+41s | start the export (2 requests) | 0s |',
      '+41s | IN_PROGRESS · EXPORT | 20s |',
      '+1m 1s | DONE · INGESTION | 0s |'
    ])
    expect(md).toContain('| Time | Since start | Step or state | Lasted |')
  })

  it('writes a poll that named neither state nor phase as a dash in the timeline', () => {
    const timeline = [
      { at: 0, state: 'IN_PROGRESS', stage: 'EXPORT' },
      { at: 20_000 },
      { at: 40_000, state: 'DONE', stage: 'INGESTION' }
    ]
    const md = render(finishedWait({ state: 'DONE', phase: 'INGESTION' }, { polls: 3, elapsedMs: 40_000, timeline }))
    expect(md).toMatch(/\| \+20s \| – \| 20s \|/)
  })

  it('keeps a phase name in the chart to 40 characters', () => {
    const long = 'A'.repeat(50)
    const timeline = [
      { at: 0, state: 'IN_PROGRESS', stage: long },
      { at: 60_000, state: 'DONE', stage: 'INGESTION' }
    ]
    const md = render(finishedWait({ state: 'DONE', phase: 'INGESTION' }, { polls: 2, elapsedMs: 60_000, timeline }))
    expect(md).toContain(`\n  A${'a'.repeat(39)} : done, ${STARTED}, ${STARTED + 60_000}\n`)
  })

  it('names a phase with nothing Mermaid can show "unnamed"', () => {
    const timeline = [
      { at: 0, state: 'IN_PROGRESS', stage: '::' },
      { at: 60_000, state: 'DONE', stage: 'INGESTION' }
    ]
    const md = render(finishedWait({ state: 'DONE', phase: 'INGESTION' }, { polls: 2, elapsedMs: 60_000, timeline }))
    expect(md).toContain(`  unnamed : done, ${STARTED}, ${STARTED + 60_000}`)
    expect(md).toContain(`  Ingestion : done, ${STARTED + 60_000}, ${STARTED + 61_000}`)
  })

  it.each([
    [40, undefined],
    [41, '1 change in the middle is not shown.'],
    [45, '5 changes in the middle are not shown.']
  ])('shows a timeline of %i changes whole up to 40 rows, then the first and last 20', (changes, elided) => {
    const timeline = phases(...Array.from({ length: changes }, (_, i) => i * 1000))
    const md = render(finishedWait({ state: 'IN_PROGRESS' }, { polls: changes, elapsedMs: changes * 1000, timeline }))
    const rows = md.split('\n').filter((line) => /^\| 2026-/.test(line))
    expect(rows).toHaveLength(Math.min(changes, 40))
    expect(rows.at(-1)).toBe(
      `| ${new Date(STARTED + (changes - 1) * 1000).toISOString().replace('.000', '')} | +${changes - 1}s | IN_PROGRESS · ${changes % 2 ? 'SNAPSHOT' : 'EXPORT'} | 1s |`
    )
    expect(md.match(/\n\n(\d+ changes? in the middle (?:is|are) not shown\.)\n/)?.[1]).toBe(elided)
  })

  it('keeps a workflow run link whole when its address has parentheses or spaces', () => {
    const odd = pipelineWait({
      GITHUB_SERVER_URL: 'https://ghe.example/a (b)',
      GITHUB_REPOSITORY: 'acme/data',
      GITHUB_RUN_ID: '7'
    })
    const result = finishedWait({ state: 'DONE' }, {})
    const md = renderSummary(result, judge(result, odd, pipelineRun), odd, pipelineRun, STARTED)
    expect(md).toContain('[Workflow run](https://ghe.example/a%20%28b%29/acme/data/actions/runs/7)')
  })
})

describe('the job summary of a one-shot check', () => {
  /** The end of a summary without a document: the link, and the ids the step was given. */
  const LINK_AND_DETAILS = `${PIPELINE_LINK_AND_IDS}\n\n</details>\n`
  const settings = readSettings(pipelineRun, (name) => ({ ...PIPELINE_INPUTS, wait: '' })[name] ?? '', {})
  const render = (result: PollResult) =>
    renderSummary(result, judge(result, settings, pipelineRun), settings, pipelineRun, STARTED)

  it('a pass with nothing to count: the headline, the link and the details, and no empty section', () => {
    const result = finishedWait({ state: 'DONE' }, { elapsedMs: 300, timeline: [{ at: 0, state: 'DONE' }] })
    expect(render(result)).toBe(`### ✅ nightly-export: DONE

${PIPELINE_LINK_AND_IDS}
| State | \`DONE\` |

</details>
`)
  })

  it('what Atlas answered, as fields, once; one retry said as such', () => {
    const limited = new AtlasError('Atlas API 429 RATE_LIMITED: Slow down.', {
      kind: 'api',
      status: 429,
      errorCode: 'RATE_LIMITED',
      detail: 'Slow down.',
      retryable: true
    })
    expect(render(failed(limited, { polls: 2, retries: 1, failedInARow: 2, elapsedMs: 2500 })))
      .toBe(`### ❌ nightly-export: rate-limited by Atlas (429) after 2 tries

| Field | Value |
| --- | --- |
| HTTP status | 429 |
| Error code | \`RATE_LIMITED\` |
| Detail | \`Slow down.\` |
| Requests | 2, of which 1 retry |

**What to do:** Atlas rate-limited the requests even after waiting as asked; run the check later.

${LINK_AND_DETAILS}`)
  })

  it('no answer at all: the message quoted, then what to do', () => {
    const reset = new AtlasError('Could not reach Atlas at https://cloud.mongodb.com (ECONNRESET)', {
      kind: 'network',
      errorCode: 'ECONNRESET',
      retryable: true
    })
    expect(render(failed(reset, { polls: 4, retries: 3, failedInARow: 4, elapsedMs: 7000 })))
      .toBe(`### ❌ nightly-export: could not reach Atlas (ECONNRESET) after 4 tries

> Could not reach Atlas at https&#58;//cloud.mongodb.com (ECONNRESET)

**What to do:** Check baseUrl (https&#58;//cloud.mongodb.com) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY).

${LINK_AND_DETAILS}`)
  })

  it('says how long it waited only when it tried more than once, not for the requests around the check', () => {
    const run = { state: 'DONE', stats: { numDocs: 5 } }
    const timeline = [{ at: 0, state: 'DONE', stage: 'INGESTION' }]
    const once = render(finishedWait(run, { polls: 1, elapsedMs: 400, timeline }))
    expect(once).toContain('| Documents |\n| ---: |\n| 5 |')
    const withFollowUp = render(finishedWait(run, { polls: 2, elapsedMs: 400, timeline }))
    expect(withFollowUp).toContain('| Documents |\n| ---: |\n| 5 |')
    const retried = render(finishedWait(run, { polls: 2, retries: 1, elapsedMs: 1400, timeline }))
    expect(retried).toContain('| Documents | This check waited |\n| ---: | ---: |\n| 5 | 1s |')
    // The phases as one line belong to a wait.
    expect(retried.split('\n').filter((line) => line.startsWith('✅'))).toEqual([])
  })

  it('quotes the message of a cancellation while retrying, which Atlas did answer', () => {
    const busy = new AtlasError('Atlas API 503', { kind: 'api', status: 503, retryable: true })
    const md = render(failed(busy, { ending: 'cancelled', polls: 2, elapsedMs: 3000 }))
    expect(md).toContain('\n\n> Cancelled after 3s (2 polls) while retrying; the last answer was: Atlas API 503.\n\n')
    expect(md).not.toContain('| HTTP status |')
  })
})

describe('the job summary of start mode', () => {
  const inputs: Record<string, string> = {
    groupId: '32b6e34b3d91647abb20e7b8',
    clusterName: 'Cluster0',
    exportBucketId: '6750f0e1d2c3b4a596877869',
    accessToken: 't',
    wait: 'true'
  }
  const settings = readSettings(backupExport, (name) => inputs[name] ?? '', {})

  it('lists the steps done before the check, then where the files are, then any warning, under the figures', () => {
    const result = finishedWait(exportDocument(), { elapsedMs: 65_000 })
    const md = renderSummary(result, judge(result, settings, backupExport), settings, backupExport, STARTED, {
      done: [
        { what: 'Snapshot', id: 'a'.repeat(24), how: 'taken by this step, completed' },
        { what: 'Export job', id: 'b'.repeat(24), how: 'started by this step, to bucket <c>' }
      ],
      lines: [
        ['Files at', { api: 's3://bucket/exported_snapshots/x' }],
        ['Not known', undefined]
      ],
      warnings: ['Could not read *this*']
    })
    expect(md.split('\n\n').slice(1, 6)).toEqual([
      '| Collections | Export took | This check waited |\n| ---: | ---: | ---: |\n| 12 of 12 collections | 14m 52s | 1m 5s |',
      `- Snapshot \`${'a'.repeat(24)}\`: taken by this step, completed\n- Export job \`${'b'.repeat(24)}\`: started by this step, to bucket &lt;c&gt;`,
      'Files at `s3://bucket/exported_snapshots/x`',
      '> ⚠️ **Warning:** Could not read \\*this\\*',
      '[Open the project in Atlas](https://cloud.mongodb.com/v2/32b6e34b3d91647abb20e7b8#/overview)'
    ])
  })

  it('shows an id inside a step as code, as ids are shown everywhere else', () => {
    const result = finishedWait(exportDocument(), { elapsedMs: 65_000 })
    const md = renderSummary(result, judge(result, settings, backupExport), settings, backupExport, STARTED, {
      done: [{ what: 'Export job', id: 'b'.repeat(24), how: `started by this step, to bucket ${'c'.repeat(24)}` }]
    })
    expect(md).toContain(`started by this step, to bucket \`${'c'.repeat(24)}\``)
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
    const md = renderRunSummary(
      finished(done),
      judgeRun(finished(done), runSettings()),
      runSettings(),
      Date.UTC(2026, 10, 28)
    )
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

  it('shows the time lost to the rate limit as its own figure, and counts it in the timeline', () => {
    const result = finished(done, {
      rateLimits: { count: 14, waitedMs: 130_000 },
      retries: 14,
      polls: 15,
      timeline: [
        { at: 0, retrying: 'Atlas API 429 RATE_LIMITED' },
        { at: 130_000, state: 'DONE', stage: 'INGESTION' }
      ]
    })
    const waiting = runSettings({ wait: 'true' })
    const md = renderRunSummary(result, judgeRun(result, waiting), waiting, 0)
    expect(md).toMatch(/\| Rate-limited \|/)
    expect(md).toContain('| 14 times, 2m 10s |')
    expect(md).toContain('Timeline: 15 requests, 14 retries, rate-limited 14 times over')
    const plain = renderRunSummary(finished(done), judgeRun(finished(done), runSettings()), runSettings(), 0)
    expect(plain).not.toContain('Rate-limited')
  })

  it('shows the rate limit without a document too: in the table of the error, or alone', () => {
    const limitedError = new AtlasError('Atlas API 429', { kind: 'api', status: 429, errorCode: 'RATE_LIMITED' })
    const rateLimits = { count: 4, waitedMs: 7000 }
    const unwaited = failed(limitedError, { rateLimits, unwaitedRetryAfterMs: 1000, retries: 3, polls: 4 })
    const onError = renderRunSummary(unwaited, judgeRun(unwaited, runSettings()), runSettings(), 0)
    expect(onError).toContain('| Rate-limited | 4 times, 7s |')
    const timedOut = failed(limitedError, { ending: 'timeout', rateLimits })
    const alone = renderRunSummary(timedOut, judgeRun(timedOut, runSettings()), runSettings(), 0)
    expect(alone).toContain('| Rate-limited |\n| ---: |\n| 4 times, 7s |')
  })

  it('links the project in the Atlas UI, Atlas for Government included', () => {
    const md = renderRunSummary(finished(done), judgeRun(finished(done), runSettings()), runSettings(), 0)
    expect(md).toContain('[Open the project in Atlas](https://cloud.mongodb.com/v2/32b6e34b3d91647abb20e7b8#/overview)')
    const gov = runSettings({ baseUrl: 'https://cloud.mongodbgov.com' })
    expect(renderRunSummary(finished(done), judgeRun(finished(done), gov), gov, 0)).toContain(
      '(https://cloud.mongodbgov.com/v2/32b6e34b3d91647abb20e7b8#/overview)'
    )
  })

  it('escapes API text so it cannot break the table, inject HTML or become a link', () => {
    const run = {
      state: 'DONE',
      datasetName: 'a|b<script>alert(1)</script>`x` https://evil.example\n| injected | row |'
    }
    const md = renderRunSummary(finished(run), judgeRun(finished(run), runSettings()), runSettings(), 0)
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
    const md = renderRunSummary(failed(error), judgeRun(failed(error), runSettings()), runSettings(), 0)
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
    const wait = runSettings({ wait: 'true' })
    const md = renderRunSummary(result, judgeRun(result, wait), wait, Date.UTC(2026, 10, 28))
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
    const wait = runSettings({ wait: 'true' })
    const failedRun = finished({ state: 'FAILED', phase: 'INGESTION' }, { timeline, elapsedMs: 9000 })
    expect(renderRunSummary(failedRun, judgeRun(failedRun, wait), wait, 0)).toContain('✅ Export 5s → ❌ Ingestion')
    const timedOut = finished(
      { state: 'IN_PROGRESS', phase: 'INGESTION' },
      { ending: 'timeout', timeline, elapsedMs: 9000 }
    )
    expect(renderRunSummary(timedOut, judgeRun(timedOut, wait), wait, 0)).toContain('✅ Export 5s → ⏳ Ingestion')
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
    const md = renderRunSummary(
      result,
      judgeRun(result, runSettings({ wait: 'true' })),
      runSettings({ wait: 'true' }),
      0
    )
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

describe('the summary of any resource', () => {
  it('shows its figures and its details under its own noun', () => {
    const settings = readSettings(
      widgetBuild,
      (name) => ({ groupId: '32b6e34b3d91647abb20e7b8', widgetId: 'a'.repeat(24), accessToken: 't' })[name] ?? '',
      {}
    )
    const result = finishedWait({ status: 'READY', size: 3 }, {})
    const md = renderSummary(result, judge(result, settings, widgetBuild), settings, widgetBuild, STARTED)
    expect(md.split('\n\n').slice(0, 2)).toEqual(['### ✅ widgets: READY · 3 parts', '| Parts |\n| ---: |\n| 3 |'])
    expect(md).toContain(`<details><summary>Widget build details</summary>`)
    expect(md).toContain('| Status | `READY` |')
  })

  it('leaves out a row whose value from the API is empty (the id of a job never started)', () => {
    const resource = {
      ...widgetBuild,
      refRows: (): [string, { api: string }][] => [
        ['Widget build', { api: '' }],
        ['Kept', { api: 'x' }]
      ],
      details: () => []
    }
    const settings = readSettings(
      resource,
      (name) => ({ groupId: '32b6e34b3d91647abb20e7b8', widgetId: 'a'.repeat(24), accessToken: 't' })[name] ?? '',
      {}
    )
    const result = finishedWait({ status: 'READY' }, {})
    const md = renderSummary(result, judge(result, settings, resource), settings, resource, STARTED)
    expect(md).toContain('| Kept | `x` |')
    expect(md).not.toContain('| Widget build |')
  })

  it('has no details section when it has nothing to detail', () => {
    const bare = { ...widgetBuild, refRows: () => [], details: () => [] }
    const settings = readSettings(
      bare,
      (name) => ({ groupId: '32b6e34b3d91647abb20e7b8', widgetId: 'a'.repeat(24), accessToken: 't' })[name] ?? '',
      {}
    )
    const result = finishedWait({ status: 'READY', size: 3 }, {})
    const md = renderSummary(result, judge(result, settings, bare), settings, bare, STARTED)
    expect(md).not.toContain('<details>')
    expect(md).not.toContain('| Field | Value |')
  })
})
