import { isObject } from '../atlas/json.js'
import type { PipelineRun } from '../atlas/types.js'
import { formatDuration } from '../duration.js'
import type { PollResult } from '../poll.js'
import type { Settings } from '../settings.js'
import type { Verdict } from '../verdict.js'
import { escapeMarkdown as esc, formatBytes, formatCount } from './format.js'

// The job summary as Markdown, rendered from data alone (no I/O), so tests read it as a string.
// Every value from the API or the inputs is escaped; sizes are bounded so it stays far under
// the runner's 1 MiB limit.

/** Timeline rows beyond this are elided in the middle: first and last changes matter most. */
const MAX_TIMELINE_ROWS = 40

function table(rows: [string, string | undefined][]): string {
  const filled = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
  if (filled.length === 0) return ''
  return ['| Field | Value |', '| --- | --- |', ...filled.map(([k, v]) => `| ${k} | ${v} |`)].join('\n') + '\n'
}

function code(value: unknown): string | undefined {
  return typeof value === 'string' ? `<code>${esc(value)}</code>` : undefined
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return esc(value)
  if (typeof value === 'number' || typeof value === 'bigint') return esc(value.toString())
  return undefined
}

function runRows(run: PipelineRun): [string, string | undefined][] {
  const stats = isObject(run.stats) ? run.stats : undefined
  const bytes = stats?.bytesExported
  const docs = stats?.numDocs
  const policy = run.datasetRetentionPolicy
  return [
    ['State', text(run.state)],
    ['Phase', text(run.phase)],
    ['Dataset', code(run.datasetName)],
    [
      'Exported',
      typeof bytes === 'number' || typeof bytes === 'bigint'
        ? `${formatBytes(bytes)} (${formatCount(bytes)} bytes)`
        : undefined
    ],
    ['Documents', typeof docs === 'number' || typeof docs === 'bigint' ? formatCount(docs) : undefined],
    ['Backup frequency', text(run.backupFrequencyType)],
    [
      'Retention',
      policy && typeof policy === 'object' ? text(`${policy.value ?? '?'} ${policy.units ?? ''}`.trim()) : undefined
    ],
    ['Created', text(run.createdDate)],
    ['Last updated', text(run.lastUpdatedDate)],
    ['Scheduled deletion', text(run.scheduledDeletionDate)],
    ['Snapshot', code(run.snapshotId)],
    ['Pipeline id', code(run.pipelineId)]
  ]
}

function timeline(result: PollResult, startedAt: number): string {
  if (result.timeline.length < 2 && result.ending === 'finished') return ''
  let entries = result.timeline.map((entry, index) => ({ entry, index }))
  if (entries.length > MAX_TIMELINE_ROWS) {
    const half = MAX_TIMELINE_ROWS / 2
    entries = [...entries.slice(0, half), ...entries.slice(-half)]
  }
  const rows = entries.map(({ entry, index }) => {
    const next = result.timeline[index + 1]
    const lasted = (next?.at ?? result.elapsedMs) - entry.at
    const when = new Date(startedAt + entry.at).toISOString().replace(/\.\d{3}Z$/, 'Z')
    return `| ${when} | +${formatDuration(entry.at)} | ${text(entry.state) ?? '–'} | ${text(entry.phase) ?? '–'} | ${formatDuration(lasted)} |`
  })
  const elided = result.timeline.length - entries.length
  return [
    `#### Timeline (${result.polls} polls over ${formatDuration(result.elapsedMs)})`,
    '',
    '| Time | Since start | State | Phase | Lasted |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...(elided > 0 ? [`\n${elided} changes in the middle are not shown.`] : []),
    ''
  ].join('\n')
}

/** The summary for one check. startedAt is the wall-clock time of the first request (ms). */
export function renderSummary(result: PollResult, verdict: Verdict, settings: Settings, startedAt: number): string {
  const run = result.last?.run
  const icon = verdict.ok ? '✅' : '❌'
  const headline = verdict.ok
    ? `passed: ${run?.state ?? ''}`
    : result.ending === 'error'
      ? 'failed: Atlas error'
      : `failed: ${result.ending === 'finished' ? (run?.state ?? 'no state') : result.ending}`
  const parts = [
    `### ${icon} Atlas pipeline run ${esc(headline)}`,
    '',
    `Pipeline <code>${esc(settings.run.pipelineName)}</code> · run <code>${esc(settings.run.runId)}</code> · project <code>${esc(settings.run.groupId)}</code>` +
      (settings.workflowRunUrl
        ? ` · [workflow run](${encodeURI(settings.workflowRunUrl).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`
        : ''),
    '',
    `> ${esc(verdict.message, 2000)}`
  ]
  if (verdict.hint) parts.push('>', `> ${esc(verdict.hint, 2000)}`)
  parts.push('')
  if (run) parts.push(table(runRows(run)))
  const error = result.error
  if (error) {
    parts.push(
      table([
        ['HTTP status', error.status?.toString()],
        ['Error code', code(error.errorCode)],
        ['Detail', error.detail === undefined ? undefined : esc(error.detail)]
      ])
    )
  }
  parts.push(timeline(result, startedAt))
  return parts.filter((p, i, all) => !(p === '' && all[i - 1] === '')).join('\n')
}
