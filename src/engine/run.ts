import * as core from '@actions/core'
import { inspect } from 'node:util'
import { abortAfter } from '../atlas/abort.js'
import { AtlasClient } from '../atlas/client.js'
import { AtlasError, errorMessage, isError } from '../atlas/errors.js'
import { createTransport } from '../atlas/transport.js'
import { formatDuration } from './units.js'
import {
  addRateLimits,
  pollUntilDone,
  rateLimitedLine,
  systemClock,
  type Clock,
  type PollResult,
  type RateLimits,
  type StepTime,
  type TimelineEntry
} from './poll.js'
import { logLine, MAX_LOG_LINE } from '../report/log-text.js'
import { publish, publishInputError } from '../report/publish.js'
import { commitState, statusReporter } from '../report/status.js'
import { StepError } from './step-error.js'
import { createSteps, stepFailureResult, type StepRecord, type Steps } from './steps.js'
import type { FollowUp, OnCancel, Prepared, Resource } from '../resources/resource.js'
import { createAuthenticator, maskDocumentSecrets, maskSecrets } from './credentials.js'
import { InputError, readSettings, type Settings } from './settings.js'
import { listenForCancellation, type Cancellation } from './signals.js'
import { judge, tooOld } from './verdict.js'
import { USER_AGENT } from './version.js'

// run(): inputs → settings → client → steps before the check → poll → verdict → report → clean-up.
// It wires those together, and is the only place that fails the step.

/**
 * How long clean-up (the token revoke, the last commit status) may take once the verdict is out.
 * The runner sends SIGTERM about 7.5 s after SIGINT, so this fits between the two.
 */
const CLEANUP_TIMEOUT_MS = 5000

/** An error with its stack and causes, for the debug log only: never the user's message. */
function describeForDebug(error: unknown): string {
  const parts: string[] = []
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    parts.push(isError(current) ? (current.stack ?? current.message) : inspect(current))
    current = isError(current) ? current.cause : undefined
  }
  return parts.join('\ncaused by: ')
}

/** The steps toolkit for the steps around the check, counting the requests they send and timing them. */
function stepsFor(
  { resource, settings, client, signal, clock, startedAt }: Check,
  deadline: number,
  tally: Tally,
  record?: (done: StepRecord) => void
): Steps {
  return createSteps({
    client,
    signal,
    deadline,
    clock,
    pollIntervalMs: settings.pollIntervalMs,
    env: process.env,
    log: (line) => core.info(logLine(line)),
    record,
    seen: (doc) => maskDocumentSecrets(resource, doc),
    onRequests: (sent, rateLimits) => {
      tally.requests += sent
      tally.rateLimits = addRateLimits(tally.rateLimits, rateLimits)
    },
    onStep: ({ what, began, ended, requests, seen }) =>
      tally.times.push({ what, at: began - startedAt, lasted: ended - began, requests, ...(seen ? { seen } : {}) })
  })
}

/** Runs the resource's prepare() (latest, start mode): the ref to check, or how it failed. */
async function prepareCheck<Ref>(
  check: Check<Ref>
): Promise<{ prepared: Prepared<Ref>; unprepared?: PollResult; before: Tally; done: StepRecord[] }> {
  const before: Tally = { requests: 0, times: [] }
  // The steps done, kept even when a later one fails: the summary shows how far it got.
  const done: StepRecord[] = []
  const { resource, settings, clock, startedAt } = check
  const steps = stepsFor(check, startedAt + settings.timeoutMs, before, (step) => done.push(step))
  try {
    return { prepared: await resource.prepare(settings.ref, steps), before, done }
  } catch (error) {
    if (!(error instanceof StepError)) throw error
    return {
      prepared: { ref: settings.ref },
      unprepared: stepFailureResult(error, before.requests, clock.now() - startedAt, before.rateLimits),
      before,
      done
    }
  }
}

/** What the steps of one check share. */
interface Check<Ref = unknown> {
  resource: Resource<Ref>
  settings: Settings<Ref>
  client: AtlasClient
  /** Aborts at the first cancel signal. */
  signal: AbortSignal
  clock: Clock
  /** clock.now() at the start: the deadline counts from here. */
  startedAt: number
}

/** The requests of steps around the check, the 429s among them, and when each step ran. */
interface Tally {
  requests: number
  rateLimits?: RateLimits
  times: StepTime[]
}

/** What followUp() found, and the requests it sent. */
interface FollowedUp {
  followUp?: FollowUp
  after: Tally
}

/**
 * What the resource reads once the check has its final answer (its followUp()): never
 * while polling, and not after a cancel or a timeout. It gets at least requestTimeout even when
 * the answer came at the deadline; its requests count as the check's.
 */
async function followUpOf<Ref>(check: Check<Ref>, polled: PollResult): Promise<FollowedUp> {
  const { resource, settings, clock, startedAt } = check
  const doc = polled.last?.document
  const after: Tally = { requests: 0, times: [] }
  if (!resource.followUp || !doc || polled.ending !== 'finished') return { after }
  // Whether the check passes does not hang on the requests that follow it: judged here once for followUp().
  const passed = judge(polled, settings, resource, clock.now()).ok
  const deadline = Math.max(startedAt + settings.timeoutMs, clock.now() + settings.requestTimeoutMs)
  const steps = stepsFor(check, deadline, after)
  const followUp = await resource.followUp(settings.ref, doc, steps, { passed })
  for (const warning of followUp.warnings) core.warning(logLine(warning))
  return { followUp, after }
}

/**
 * Polls the resource at ref (once, or with wait until a terminal state), within what is left of the
 * deadline, logging each change, retry and long quiet stretch at info level so a wait never looks hung.
 */
async function pollResource<Ref>(check: Check<Ref>): Promise<PollResult> {
  const { resource, settings, client, signal, clock, startedAt } = check
  const segments = resource.path(settings.ref)
  const stageName = resource.stageName
  const describe = (entry: TimelineEntry): string =>
    `state ${entry.state ?? '(none)'}${stageName ? `, ${stageName} ${entry.stage ?? '(none)'}` : ''}`
  let seen: Record<string, unknown> = {}
  return pollUntilDone({
    fetch: (requestSignal) => client.get(segments, resource.noun, requestSignal),
    observe: (doc) => {
      maskDocumentSecrets(resource, doc)
      seen = doc
      return { state: resource.state(doc), stage: resource.stage(doc) }
    },
    // A resource older than maxAge can never pass, whatever it becomes: no use waiting for it.
    isTerminal: (state) =>
      // Stryker disable next-line ConditionalExpression: includes(undefined) is false, as the guard says
      (state !== undefined && resource.terminalStates.includes(state)) || tooOld(seen, settings, resource, clock.now()),
    wait: settings.wait,
    timeoutMs: Math.max(0, startedAt + settings.timeoutMs - clock.now()),
    pollIntervalMs: settings.pollIntervalMs,
    signal,
    clock,
    onChange: (entry) => {
      // Retries announce themselves (onRetry); a one-shot check says its verdict instead.
      if (settings.wait && entry.retrying === undefined)
        core.info(logLine(`[+${formatDuration(entry.at)}] ${describe(entry)}`))
    },
    onPoll: (message) => core.debug(logLine(message)),
    // At info level, so that a step backing off never looks hung.
    onRetry: ({ error, retry, of, delayMs }) =>
      core.info(logLine(`${error.message}; retry ${retry} of ${of} in ${formatDuration(delayMs)}`)),
    onRateLimited: (limited) => core.info(logLine(rateLimitedLine(limited))),
    onHeartbeat: ({ current, sinceMs, nextPollMs }) =>
      core.info(
        logLine(
          `Still waiting: ${describe(current)} for ${formatDuration(sinceMs)}; next poll in ${formatDuration(nextPollMs)}.`
        )
      )
  })
}

/**
 * A check the workflow cancelled while it waited: the resource's word for what goes on in Atlas,
 * and its undo of what the step started (a download it prepared), before the report and within
 * the clean-up bound, so the summary says what was undone.
 */
async function onCancelled<Ref>(
  check: Check<Ref>,
  onCancel: OnCancel | undefined,
  cleanup: AbortSignal,
  done: StepRecord[]
): Promise<{ hint?: string; tally?: Tally }> {
  if (!onCancel) return {}
  const tally: Tally = { requests: 0, times: [] }
  if (onCancel.undo) {
    const bounded = { ...check, signal: cleanupBound(check.clock, cleanup) }
    const steps = stepsFor(bounded, check.clock.now() + CLEANUP_TIMEOUT_MS, tally, (step) => done.push(step))
    try {
      await onCancel.undo(steps)
    } catch (error) {
      if (!(error instanceof StepError)) throw error
      core.warning(logLine(`Could not ${error.step.what} after the cancel (${error.message}).`))
    }
  }
  return { hint: onCancel.hint, tally }
}

/**
 * The result of the whole check: the poll's, with the requests, 429s and times of the steps around
 * it, and its timeline on the check's clock (shifted by when polling began).
 */
function wholeCheck(
  polled: PollResult,
  parts: {
    counted: (Tally | undefined)[]
    timed: { before: (Tally | undefined)[]; after: (Tally | undefined)[] }
    shiftMs: number
    elapsedMs: number
    atlasAnswered: boolean
  }
): PollResult {
  const counted = parts.counted.filter((tally): tally is Tally => tally !== undefined)
  const requests = counted.reduce((sum, tally) => sum + tally.requests, 0)
  const rateLimits = counted.reduce((sum, tally) => addRateLimits(sum, tally.rateLimits), polled.rateLimits)
  const steps = [
    ...parts.timed.before.flatMap((tally) => tally?.times ?? []),
    ...parts.timed.after.flatMap((tally) => (tally?.times ?? []).map((time) => ({ ...time, after: true as const })))
  ]
  return {
    ...polled,
    polls: polled.polls + requests,
    elapsedMs: parts.elapsedMs,
    timeline: polled.timeline.map((entry) => ({ ...entry, at: entry.at + parts.shiftMs })),
    ...(steps.length ? { steps } : {}),
    ...(rateLimits ? { rateLimits } : {}),
    atlasAnswered: parts.atlasAnswered
  }
}

/** Aborts when clean-up has had CLEANUP_TIMEOUT_MS on clock, or at once when cutShort aborts (a second signal). */
function cleanupBound(clock: Clock, cutShort: AbortSignal): AbortSignal {
  return abortAfter(
    CLEANUP_TIMEOUT_MS,
    // Stryker disable next-line ObjectLiteral: only the message reaches a warning
    new AtlasError(`clean-up took longer than ${CLEANUP_TIMEOUT_MS / 1000}s`, { kind: 'timeout' }),
    [cutShort],
    (ms, callback) => clock.timer(ms, callback)
  )
}

/** Check (or wait for) the resource, report it, then clean up within CLEANUP_TIMEOUT_MS. */
async function check<Ref>(
  resource: Resource<Ref>,
  settings: Settings<Ref>,
  cancel: Cancellation,
  clock: Clock
): Promise<void> {
  const transport = createTransport({
    requestTimeoutMs: settings.requestTimeoutMs,
    maxBodyBytes: resource.largestAnswerBytes,
    env: process.env
  })
  const auth = createAuthenticator(settings, transport)
  const client = new AtlasClient({ ...settings, userAgent: USER_AGENT, transport, auth })
  const status = settings.status ? statusReporter(settings.status) : undefined
  try {
    const described = resource.describe(settings.ref)
    if (settings.wait) status?.post('pending', `Waiting for ${described.charAt(0).toLowerCase()}${described.slice(1)}`)
    const startedAt = clock.now()
    const context = { resource, settings, client, signal: cancel.work, clock, startedAt }
    // First the steps that find or start the resource ("latest", start mode), within the same deadline.
    const { prepared, unprepared, before, done } = await prepareCheck(context)
    const checked = { ...settings, ref: prepared.ref }
    const checking = { ...context, settings: checked }
    const polledFrom = clock.now()
    const polled = unprepared ?? (await pollResource(checking))
    const cancelled =
      polled.ending === 'cancelled' ? await onCancelled(checking, prepared.onCancel, cancel.cleanup, done) : undefined
    // The steps before the check are part of it: their requests and their time count too.
    const elapsedMs = unprepared ? polled.elapsedMs : clock.now() - startedAt
    const { followUp, after } = await followUpOf(checking, polled)
    const result = wholeCheck(polled, {
      // A failed step's result already holds the requests of the steps before it.
      counted: unprepared ? [after] : [before, after, cancelled?.tally],
      timed: { before: [before], after: [cancelled?.tally, after] },
      shiftMs: polledFrom - startedAt,
      elapsedMs,
      atlasAnswered: client.answers > 0
    })
    if (result.error) core.debug(logLine(`last error: ${describeForDebug(result.error)}`, 2 * MAX_LOG_LINE))
    const judged = judge(result, checked, resource, clock.now())
    const verdict = cancelled?.hint ? { ...judged, hint: cancelled.hint } : judged
    const stepOutputs = { ...prepared.outputs, ...followUp?.outputs }
    await publish({
      result,
      verdict,
      settings: checked,
      resource,
      startedAt,
      stepOutputs,
      extras: { ...followUp, done }
    })
    status?.post(commitState(verdict.ok, result.ending), verdict.message)
  } finally {
    // Best effort, bounded: the report is already out, and a hanging revoke must not hold the step.
    const bound = cleanupBound(clock, cancel.cleanup)
    const [statusWarnings, revokeWarning] = await Promise.all([status?.settle(bound) ?? [], auth.close(bound)])
    for (const warning of [...statusWarnings, ...(revokeWarning ? [revokeWarning] : [])]) core.warning(logLine(warning))
    await transport.close()
  }
}

/**
 * An action: check (or wait for) one Atlas resource and report it. Every wait and bound is on
 * clock (tests pass one on which waiting costs no time).
 */
export async function run<Ref>(resource: Resource<Ref>, clock: Clock = systemClock): Promise<void> {
  const cancel = listenForCancellation()
  try {
    maskSecrets()
    await check(
      resource,
      readSettings(resource, (name) => core.getInput(name), process.env),
      cancel,
      clock
    )
  } catch (error) {
    if (error instanceof InputError) {
      await publishInputError(error, () => cleanupBound(clock, cancel.cleanup))
      return
    }
    // A bug of ours: say so plainly, keep the stack for debug logs only.
    core.debug(logLine(describeForDebug(error), 2 * MAX_LOG_LINE))
    core.setFailed(
      logLine(
        `Unexpected error in ${resource.action}: ${errorMessage(error)}. Please report it with the debug log (re-run with debug logging enabled).`
      )
    )
  } finally {
    cancel.dispose()
  }
}
