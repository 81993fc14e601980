import { formatDuration } from '../engine/units.js'
import type { PollResult, StepTime, TimelineEntry } from '../engine/poll.js'
import type { StepRecord } from '../engine/steps.js'
import type { FollowUp, Resource, Row, Shown } from '../resources/resource.js'
import type { Settings } from '../engine/settings.js'
import type { Verdict } from '../engine/verdict.js'
import { plural } from '../engine/text.js'
import { codeSpan, escapeMarkdown as esc } from './markdown.js'

// The job summary as Markdown, rendered from data alone (no I/O), so tests read it as a string and
// the demo renders it as GitHub does. It leads with what happened and the few figures people look
// for; ids, dates and the timeline are folded away. A section appears only when it has content.
// Every value from the API or the inputs is escaped, and sizes are bounded far below the
// runner's 1 MiB limit.

/** Timeline rows beyond this are elided in the middle: first and last changes matter most. */
const MAX_TIMELINE_ROWS = 40
/** A wait at least this long, through at least two stages, also gets a Gantt chart. */
const GANTT_FROM_MS = 60_000

function show(value: Shown): string | undefined {
  // An empty value from the API (the id of a job a failed step never started) is no value.
  if (value === undefined || (typeof value !== 'string' && value.api === '')) return undefined
  return typeof value === 'string' ? esc(value) : codeSpan(value.api)
}

function table(rows: Row[]): string {
  const filled = rows.map(([label, value]) => [label, show(value)] as const).filter(([, value]) => value !== undefined)
  if (filled.length === 0) return ''
  return ['| Field | Value |', '| --- | --- |', ...filled.map(([label, value]) => `| ${esc(label)} | ${value} |`)].join(
    '\n'
  )
}

/** The key figures as one row: the numbers people look for, side by side. */
function figures(rows: Row[]): string {
  const filled = rows.map(([label, value]) => [label, show(value)] as const).filter(([, value]) => value !== undefined)
  if (filled.length === 0) return ''
  return [
    `| ${filled.map(([label]) => esc(label)).join(' | ')} |`,
    `| ${filled.map(() => '---:').join(' | ')} |`,
    `| ${filled.map(([, value]) => value).join(' | ')} |`
  ].join('\n')
}

function details(summary: string, body: string): string {
  return body === '' ? '' : `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

/** "IN_PROGRESS" → "In progress"; other values (InProgress, or anything new) as they came. */
function stageLabel(stage: string): string {
  return /^[A-Z_]+$/.test(stage) ? stage.charAt(0) + stage.slice(1).toLowerCase().replace(/_/g, ' ') : stage
}

interface Stage {
  name: string
  at: number
  lasted: number
}

/** The stages a wait went through, in order: the resource's stages, or its states when it has none. */
function stages(result: PollResult, resource: Resource): Stage[] {
  const list: Stage[] = []
  for (const entry of result.timeline) {
    const name = resource.stageName ? entry.stage : entry.state
    // A retry row has neither state nor stage; a poll without one does not end the stage before it.
    if (name === undefined) continue
    if (list[list.length - 1]?.name !== name) list.push({ name, at: entry.at, lasted: 0 })
  }
  list.forEach((stage, i) => (stage.lasted = (list[i + 1]?.at ?? result.elapsedMs) - stage.at))
  return list
}

/** "✅ Queued 3s → ✅ Running 3s → ❌ Failed": the wait in one line. */
function stageLine(list: Stage[], result: PollResult, verdict: Verdict): string {
  const lastIcon = verdict.ok ? '✅' : result.ending === 'finished' ? '❌' : '⏳'
  return list
    .map((stage, i) => {
      const last = i === list.length - 1
      const name = esc(stageLabel(stage.name), 60)
      return last ? `${lastIcon} ${name}` : `✅ ${name} ${formatDuration(stage.lasted)}`
    })
    .join(' → ')
}

/** A Gantt chart of the stages for GitHub's Mermaid renderer; the table below stays the accessible version. */
function gantt(list: Stage[], startedAt: number, resource: Resource): string {
  const total = list.reduce((sum, stage) => sum + stage.lasted, 0)
  if (list.length < 2 || total < GANTT_FROM_MS) return ''
  return [
    '```mermaid',
    'gantt',
    `  title ${resource.stageName ? `Phases of the ${resource.noun}` : `States of the ${resource.noun}`}`,
    '  dateFormat x',
    '  axisFormat %H:%M',
    ...list.map(
      (stage) =>
        // Mermaid reads ':' and ';' as syntax: names keep only letters, digits, spaces and _.
        `  ${
          stageLabel(stage.name)
            .replace(/[^\p{L}\p{N} _]/gu, '')
            .slice(0, 40) || 'unnamed'
        } : done, ${startedAt + stage.at}, ${startedAt + stage.at + Math.max(stage.lasted, 1000)}`
    ),
    '```'
  ].join('\n')
}

/** A step around the check, as a timeline cell: "list the items (2 requests)". */
function stepCell(step: StepTime): string {
  const requests = step.requests === 1 ? '' : ` (${plural(step.requests, 'request')})`
  return `${esc(step.what, 80)}${requests}${step.seen ? `: ${idsAsCode(esc(step.seen, 120))}` : ''}`
}

/** Consecutive requests of one step (the pages of a list) as one row. */
function mergedSteps(steps: StepTime[]): StepTime[] {
  const merged: StepTime[] = []
  for (const step of steps) {
    const last = merged[merged.length - 1]
    if (last && last.what === step.what && last.seen === undefined && step.seen === undefined)
      merged[merged.length - 1] = {
        ...last,
        lasted: step.at + step.lasted - last.at,
        requests: last.requests + step.requests
      }
    else merged.push(step)
  }
  return merged
}

/**
 * Every row of the run, in order: the steps before the check (what each did, and for how long), the
 * check's changes of state, and the steps after it. One row alone says nothing the headline does not.
 */
function timeline(result: PollResult, startedAt: number, resource: Resource): string {
  const cell = (entry: TimelineEntry): string =>
    entry.retrying !== undefined
      ? `retrying: ${esc(entry.retrying, 80)}`
      : [entry.state, entry.stage]
          .filter((v): v is string => v !== undefined)
          .map((v) => esc(v, 80))
          .join(' · ') || '–'
  const checked = result.timeline.map((entry, index) => {
    const next = result.timeline[index + 1]
    return { at: entry.at, lasted: (next?.at ?? result.elapsedMs) - entry.at, text: cell(entry) }
  })
  const row = (step: StepTime) => ({ at: step.at, lasted: step.lasted, text: stepCell(step) })
  const stepped = mergedSteps(result.steps ?? [])
  let rows = [
    ...stepped.filter((step) => !step.after).map(row),
    ...checked,
    ...stepped.filter((step) => step.after).map(row)
  ]
  if (rows.length < 2) return ''
  const all = rows.length
  // Stryker disable next-line EqualityOperator: at exactly MAX_TIMELINE_ROWS, both halves together are every row
  if (rows.length > MAX_TIMELINE_ROWS)
    rows = [...rows.slice(0, MAX_TIMELINE_ROWS / 2), ...rows.slice(-MAX_TIMELINE_ROWS / 2)]
  const lines = rows.map(({ at, lasted, text }) => {
    // Stryker disable next-line Regex: toISOString has its milliseconds only at the end
    const when = new Date(startedAt + at).toISOString().replace(/\.\d{3}Z$/, 'Z')
    return `| ${when} | +${formatDuration(at)} | ${text} | ${formatDuration(lasted)} |`
  })
  const elided = all - rows.length
  return [
    `| Time | Since start | ${stepped.length ? 'Step or state' : resource.stageName ? `State · ${esc(resource.stageName)}` : 'State'} | Lasted |`,
    '| --- | ---: | --- | ---: |',
    ...lines,
    ...(elided > 0
      ? [
          '',
          `${plural(elided, stepped.length ? 'row' : 'change')} in the middle ${elided === 1 ? 'is' : 'are'} not shown.`
        ]
      : [])
  ].join('\n')
}

/** The project in the Atlas UI, from baseUrl (so Atlas for Government links to its own UI). */
function atlasProjectUrl(settings: Settings, resource: Resource): string {
  return `${settings.baseUrl.origin}/v2/${encodeURIComponent(resource.groupId(settings.ref))}#/overview`
}

/** MongoDB's documentation links (dochub) named in hints, as links again (escaping broke every URL's autolink). */
function linkDocs(escaped: string): string {
  return escaped.replace(/https&#58;\/\/dochub\.mongodb\.org\/[\w\-./#]*\w/g, (url) => {
    const target = url.replace('&#58;', ':')
    return `[${target}](${target})`
  })
}

/** A URL for a Markdown link target: no spaces or parentheses to end it early. */
function linkTarget(url: string): string {
  return encodeURI(url).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)
}

/** The fields of the error Atlas answered, the requests it took, and the rate limit met on the way. */
function errorTable(result: PollResult, limited: Row[]): string {
  const error = result.error!
  return table([
    ['HTTP status', String(error.status)],
    ['Error code', error.errorCode === undefined ? undefined : { api: error.errorCode }],
    ['Detail', error.detail === undefined ? undefined : { api: error.detail }],
    [
      'Requests',
      result.retries ? `${result.polls}, of which ${plural(result.retries, 'retry', 'retries')}` : undefined
    ],
    ...limited
  ])
}

/** Every Atlas id in escaped text as a code span, as ids are shown everywhere else in the summary. */
function idsAsCode(text: string): string {
  return text.replace(/\b[a-f0-9]{24}\b/g, (id) => codeSpan(id))
}

/** What the steps around the check add: the steps done before it, and what its follow-up found. */
export interface SummaryExtras extends Partial<Pick<FollowUp, 'lines' | 'warnings'>> {
  done?: StepRecord[]
}

/** The summary for one check. startedAt is the wall-clock time of the first request (ms). */
export function renderSummary(
  result: PollResult,
  verdict: Verdict,
  settings: Settings,
  resource: Resource,
  startedAt: number,
  extras: SummaryExtras = {}
): string {
  const doc = result.last?.document
  const error = result.error
  const parts: string[] = [`### ${verdict.ok ? '✅' : '❌'} ${esc(verdict.headline, 200)}`]
  // The time lost to Atlas's rate limit, as its own figure: "3 times, 42s".
  const limits = result.rateLimits
  const limited: Row[] = limits
    ? [['Rate-limited', `${plural(limits.count, 'time')}, ${formatDuration(limits.waitedMs)}`]]
    : []

  // What happened, beyond the headline: an Atlas error's fields, or the sentence that says more.
  // Stryker disable next-line OptionalChaining: an ending of error always has its error
  const atlasAnswered = result.ending === 'error' && error?.status !== undefined
  if (atlasAnswered) {
    parts.push(errorTable(result, limited))
  } else if (!verdict.ok && (result.ending !== 'finished' || !doc)) {
    parts.push(`> ${esc(verdict.message, 2000)}`)
  }
  if (verdict.hint) parts.push(`**What to do:** ${linkDocs(esc(verdict.hint, 2000))}`)

  const waited =
    settings.wait || result.retries > 0 ? ([['This check waited', formatDuration(result.elapsedMs)]] as Row[]) : []
  if (doc) parts.push(figures([...resource.keyFigures(doc), ...waited, ...limited]))
  // Without a document (a wait that Atlas rate-limited from the start), the rate limit alone.
  else if (!atlasAnswered) parts.push(figures(limited))
  parts.push(
    (extras.done ?? [])
      .map((step) => `- ${esc(step.what)} ${codeSpan(step.id)}: ${idsAsCode(esc(step.how, 300))}`)
      .join('\n')
  )
  for (const [label, value] of extras.lines ?? []) {
    const shown = show(value)
    if (shown !== undefined) parts.push(`${esc(label)} ${shown}`)
  }
  // A plain quote, not GitHub's [!WARNING] alert, which other Markdown renderers show as text.
  for (const warning of extras.warnings ?? []) parts.push(`> ⚠️ **Warning:** ${esc(warning, 1000)}`)
  const list = stages(result, resource)
  if (settings.wait) parts.push(stageLine(list, result, verdict))

  const links = [`[Open the project in Atlas](${linkTarget(atlasProjectUrl(settings, resource))})`]
  if (settings.workflowRunUrl) links.push(`[Workflow run](${linkTarget(settings.workflowRunUrl)})`)
  parts.push(links.join(' · '))

  const noun = resource.noun.charAt(0).toUpperCase() + resource.noun.slice(1)
  parts.push(
    details(`${noun} details`, table([...resource.refRows(settings.ref), ...(doc ? resource.details(doc) : [])]))
  )
  const counts = [
    plural(result.polls, 'request'),
    ...(result.retries ? [plural(result.retries, 'retry', 'retries')] : []),
    ...(limits ? [`rate-limited ${plural(limits.count, 'time')}`] : [])
  ]
  const history = [gantt(list, startedAt, resource), timeline(result, startedAt, resource)].filter(Boolean).join('\n\n')
  parts.push(details(`Timeline: ${counts.join(', ')} over ${formatDuration(result.elapsedMs)}`, history))

  return `${parts.filter((p) => p !== '').join('\n\n')}\n`
}

/** The summary of a step that never started: which inputs are wrong, and that nothing was sent. */
export function renderInputSummary(problems: string[]): string {
  return (
    [
      '### ❌ Invalid inputs — nothing was sent to Atlas',
      problems.map((problem) => `- ${esc(problem, 1000)}`).join('\n'),
      'Fix the inputs of this step in the workflow file; the table of inputs in the README says what each one takes.'
    ].join('\n\n') + '\n'
  )
}
