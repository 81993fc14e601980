import type { AtlasError } from '../atlas/errors.js'
import { DEADLINE, StepError, type Step } from './step-error.js'
import { isTlsCode } from '../atlas/transport-errors.js'
import { formatAge, formatDuration, formatLimit } from './units.js'
import { faultName, type PollResult } from './poll.js'
import { listed, oneLine, plural, stateText, type Explanation } from './text.js'
import type { Resource } from '../resources/resource.js'
import { DEFAULTS, type Settings } from './settings.js'

// Turns how polling ended into the step's verdict: pass or fail, a headline that says what
// happened in a few plain words, one sentence saying it fully, and one saying what to do. Pure,
// so every case is a unit test. What a state means is the resource's to say; the rest is here.

/** The step's verdict: pass or fail, and what happened in words (its headline bounded: "nightly-export: FAILED in EXPORT"). */
export interface Verdict extends Explanation {
  ok: boolean
}

/** The longest headline: whatever Atlas sends, it stays one short line. */
export const MAX_HEADLINE = 160

/** "IN_PROGRESS (EXPORT)": a state for a headline. */
const briefState = (state: string | undefined, stage: string | undefined): string =>
  stateText(state, stage, { missing: 'unknown' })

function tries(result: PollResult): string {
  return result.failedInARow > 1 ? ` after ${result.failedInARow} tries` : ''
}

/** What a kind of failure is called and what to do about it (its message is the error's own). */
type Named = Omit<Explanation, 'message'>

/** What the table of failures reads: the error, and what the step was checking and how. */
interface FailureContext {
  error: AtlasError
  step: Step | undefined
  settings: Settings
  resource: Resource
  result: PollResult
  /** The inputs that name the resource, in words: "a, b and c". */
  inputs: string
  /** The credentials in use: in a headline, and what to check. */
  credentials: [named: string, check: string]
}

/** A row of the table: when it applies, and what it says. */
type Failure = [applies: (c: FailureContext) => boolean, explain: (c: FailureContext) => Named]

const CREDENTIALS: Record<Settings['credentials']['kind'], [string, string]> = {
  oauth: ['the service account', 'clientId and clientSecret (is the service account secret expired?)'],
  digest: ['the API key', 'publicKey and privateKey (is the API key deleted or disabled?)'],
  bearer: ['the access token', 'accessToken (tokens expire after an hour)']
}

/**
 * The one table of failures: each kind of error, in order, with its headline (what went wrong, in
 * words a user knows) and its hint (what the user can change). The first row that applies wins.
 */
const FAILURES: Failure[] = [
  [
    (c) => c.error.redirectHost !== undefined,
    (c) => ({
      headline: `Atlas redirected to ${c.error.redirectHost}; not followed`,
      hint: `If Atlas really lives at ${c.error.redirectHost}, set baseUrl to that address.`
    })
  ],
  [
    (c) => c.error.kind === 'auth' || c.error.status === 401,
    (c) => ({
      headline: `Atlas refused ${c.credentials[0]} (${c.error.status ?? 'auth'})`,
      hint: `Check ${c.credentials[1]}.`
    })
  ],
  [
    (c) => c.error.status === 400,
    (c) => {
      const fields = c.error.body?.badRequestDetail?.fields?.map((f) => `${f.field}: ${f.description}`).join('; ')
      return {
        headline: 'Atlas rejected the request (400)',
        hint: `Atlas rejected the request${fields ? ` (${fields})` : ''}; check ${c.inputs}.`
      }
    }
  ],
  [
    (c) => c.error.status === 403,
    (c) => ({
      headline: `Atlas denied access (403)${c.step ? ` to ${c.step.what}` : ''}: needs ${c.step?.role ?? c.resource.readRole}`,
      hint: `${c.step ? `To ${c.step.what}, the` : 'The'} credentials need the ${c.step?.role ?? c.resource.readRole} role on project ${c.resource.groupId(c.settings.ref)}, and the runner's IP address must be on the API access list of the key or service account.`
    })
  ],
  [
    (c) => c.error.status === 409,
    (c) => ({
      headline: `Atlas refused to ${c.step?.what ?? 'do that'} (409 conflict)`,
      hint:
        c.step?.conflict ??
        'Atlas refused because of something under way (its detail above says what): wait for it, or run this step again later.'
    })
  ],
  [
    (c) => c.error.status === 404 || c.error.status === 410,
    (c) => c.resource.notFound(c.error.status as 404 | 410, c.step?.what)
  ],
  [
    (c) => c.error.status === 406,
    (c) => ({
      headline: `Atlas does not accept apiVersion ${c.step?.apiVersion ?? c.settings.apiVersion} (406)${c.step ? ` to ${c.step.what}` : ''}`,
      hint: c.step?.apiVersion
        ? `This action sends version ${c.step.apiVersion} to ${c.step.what}; Atlas's detail above says what it accepts.`
        : `apiVersion ${c.settings.apiVersion} is not a version of this resource; use ${DEFAULTS.apiVersion} (the default).`
    })
  ],
  [
    (c) => c.error.status === 429,
    (c) => ({
      headline: `rate-limited by Atlas (429)${c.result.rateLimits ? ` ${plural(c.result.rateLimits.count, 'time')}` : tries(c.result)}${
        c.result.unwaitedRetryAfterMs !== undefined
          ? `, asked to wait ${formatDuration(c.result.unwaitedRetryAfterMs)}`
          : ''
      }`,
      hint: `Atlas rate-limited the requests even after waiting as asked; run the check later${c.settings.wait ? ' or raise pollInterval' : ''}.`
    })
  ],
  [
    // Stryker disable next-line ConditionalExpression: undefined >= 500 is false, as the guard says
    (c) => c.error.status !== undefined && c.error.status >= 500,
    (c) => ({
      headline: `Atlas failed (${c.error.status})${tries(c.result)}`,
      hint: 'Atlas (or a proxy in front of it) failed even after retries; try again later.'
    })
  ],
  [
    (c) => c.error.proxy !== undefined,
    (c) => ({
      headline: `could not reach the proxy (${c.error.errorCode ?? 'no answer'})${tries(c.result)}`,
      hint: `Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the proxy ${c.error.proxy} did not take the connection.`
    })
  ],
  [
    (c) => c.error.kind === 'timeout',
    (c) => ({
      headline: `Atlas did not answer in time${tries(c.result)}`,
      hint: 'Atlas did not answer in time; raise requestTimeout or check the network between the runner and Atlas.'
    })
  ],
  [
    (c) => c.error.errorCode?.startsWith('PROXY_') === true,
    (c) => ({
      headline: `the proxy refused the connection (${(c.error.errorCode ?? '').slice(6)})`,
      hint:
        c.error.errorCode === 'PROXY_407'
          ? 'The proxy asks for credentials: put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128.'
          : 'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and that the proxy may reach Atlas.'
    })
  ],
  [
    (c) => c.error.kind === 'network',
    (c) => ({
      headline: `could not reach Atlas (${c.error.errorCode ?? 'network'})${tries(c.result)}`,
      hint: isTlsCode(c.error.errorCode)
        ? 'If a corporate proxy or CA signs this certificate, give the CA file to the runner with NODE_EXTRA_CA_CERTS.'
        : c.result.atlasAnswered
          ? 'Atlas answered earlier in this run, so the network between the runner and Atlas failed for a while: run the job again.'
          : `Check baseUrl (${c.settings.baseUrl.origin}) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY).`
    })
  ],
  [
    // Stryker disable next-line ConditionalExpression: an api error always has its status
    (c) => c.error.kind === 'api' && c.error.status !== undefined,
    (c) => ({ headline: `Atlas answered ${c.error.status}` })
  ]
]

/** What no row of the table names: an answer that was no usable document (kind protocol). */
function unusableAnswer(c: FailureContext): Named {
  return {
    headline: c.error.status === 200 ? 'Atlas answered, but not with a usable document' : 'unusable answer from Atlas',
    hint: `Check that baseUrl (${c.settings.baseUrl.origin}) is the Atlas Admin API and that no proxy or gateway answered in its place.`
  }
}

/** How a failure is called and what to do about it, from the table (and a Retry-After past the deadline). */
function explain(error: AtlasError, settings: Settings, resource: Resource, result: PollResult, step?: Step): Named {
  const context: FailureContext = {
    error,
    step,
    settings,
    resource,
    result,
    inputs: listed(resource.refInputs),
    credentials: CREDENTIALS[settings.credentials.kind]
  }
  const found = (FAILURES.find(([applies]) => applies(context))?.[1] ?? unusableAnswer)(context)
  // Atlas asked for more patience than the deadline had left, whatever it answered.
  if (result.unwaitedRetryAfterMs !== undefined && error.redirectHost === undefined) {
    const unwaited = `Atlas asked to wait ${formatDuration(result.unwaitedRetryAfterMs)} before trying again (Retry-After), which is past the deadline (timeout ${formatDuration(settings.timeoutMs)}), so the action stopped without waiting.`
    // After 429s, the rate limit is what to act on: how often Atlas refused, and what to change.
    const limited = rateLimited(result)
    return {
      headline: found.headline,
      hint: limited ? `${unwaited} ${limited.hint}` : `${unwaited} Run the check later, or raise timeout.`
    }
  }
  return found
}

/** "ECONNREFUSED ×4, Atlas API 503": faults in the order met, a run of the same one counted once. */
function faultRuns(faults: string[]): string {
  const runs: [fault: string, times: number][] = []
  for (const fault of faults) {
    const last = runs[runs.length - 1]
    if (last?.[0] === fault) last[1] += 1
    else runs.push([fault, 1])
  }
  return runs.map(([fault, times]) => (times > 1 ? `${fault} ×${times}` : fault)).join(', ')
}

/**
 * When the deadline ended a check in which Atlas never answered, after a fault: that, and what the
 * fault says to check (baseUrl and the network, a proxy, a certificate), never "raise timeout".
 */
function neverAnswered(
  result: PollResult,
  fault: AtlasError | undefined,
  settings: Settings,
  resource: Resource,
  step?: Step
): string | undefined {
  if (result.atlasAnswered || fault === undefined || fault.status !== undefined) return undefined
  const { hint } = explain(fault, settings, resource, result, step)
  return `Atlas never answered in this run (${faultName(fault)}). ${hint ?? ''}`.trim()
}

/** "it will not start a second export" as a sentence: running the job again is safe because of it. */
function rerunSentence(step: Step): string {
  return step.rerun ? ` Running the job again is safe: ${step.rerun}.` : ''
}

/** How a step before the check (a list, a POST, a wait) failed: named for that step. */
function stepVerdict(error: StepError, result: PollResult, settings: Settings, resource: Resource): Explanation {
  const info = error.step
  const step = info.what
  const rerun = rerunSentence(info)
  const elapsed = formatDuration(result.elapsedMs)
  const note = info.note ? ` ${info.note}` : ''
  const seen = error.lastSeen ? `: ${error.lastSeen}` : ''
  if (error.kind === 'cancelled')
    return {
      headline: `cancelled while trying to ${step}`,
      message: `Cancelled after ${elapsed} while trying to ${step}${seen}.${note}`,
      hint: rerun.trim() || undefined
    }
  if (error.errorCode === DEADLINE) {
    const limited = rateLimited(result)
    const unreached = neverAnswered(result, error.lastFault, settings, resource, info)
    return {
      headline: `timed out while trying to ${step}${error.lastSeen ? `; ${error.lastSeen}` : ''}${limited ? ` (${limited.brief})` : ''}`,
      message: `Timed out after ${elapsed} (${plural(result.polls, 'request')}) while trying to ${step}${seen}.${
        error.faults?.length ? ` The last requests failed: ${faultRuns(error.faults)}.` : ''
      }${limited ? ` ${limited.sentence}` : ''}${note}`,
      hint: limited
        ? `${limited.hint}${rerun}`
        : unreached
          ? `${unreached}${rerun}`
          : `Raise timeout: one timeout covers every step and the check (now ${formatDuration(settings.timeoutMs)}).${rerun}`
    }
  }
  const message = note ? `${error.message.replace(/\.$/, '')}.${note}` : error.message
  if (error.headline) return { headline: error.headline, message, hint: error.hint }
  // Without words of its own, a step ended on an HTTP error (stepError() asks for words otherwise).
  const http = error.http as AtlasError
  // Transient faults the step rode out until it gave up: which ones, and that Atlas did answer.
  const faults = error.faults
  if (error.retryable && faults !== undefined && faults.length > 1) {
    const met = faults.length > 4 ? [...faults.slice(0, 3), '…', faults[faults.length - 1]] : faults
    const advice = result.atlasAnswered
      ? `Atlas answered earlier in this run, so these look like passing faults: run the job again later.${rerun}`
      : `${explain(http, settings, resource, result, info).hint ?? 'Try again later.'}${rerun}`
    return {
      headline: `could not ${step}: ${faults.length} faults in a row (${met.join(', ')})`,
      message: `Gave up trying to ${step} after ${faults.length} faults in a row (${faults.join(', ')}); the last: ${error.message}.${note}`,
      hint: advice
    }
  }
  const explained = explain(http, settings, resource, result, info)
  return {
    headline: explained.headline,
    message,
    hint: `${explained.hint ?? ''}${rerun}`.trim() || undefined
  }
}

/** The verdict on the age of the newest one, when maxAge asks for it and the state passed. */
function ageVerdict(
  doc: Record<string, unknown>,
  state: string,
  settings: Settings,
  resource: Resource,
  now: number
): Explanation | undefined {
  if (settings.maxAgeMs === undefined) return undefined
  const described = resource.describe(settings.ref)
  // As the user would write it: 8d, not 192h.
  const maxAge = formatLimit(settings.maxAgeMs)
  const created = resource.createdAt(doc)
  const at = Date.parse(created ?? '')
  if (Number.isNaN(at))
    return {
      headline: `${state}, but its age is unknown (maxAge ${maxAge})`,
      message: `${described} is ${state}, but Atlas gave no creation time, so it cannot be shown to be younger than maxAge (${maxAge}).`,
      hint: 'Look at it in the Atlas UI, or leave maxAge out.'
    }
  const age = Math.max(0, now - at)
  if (age <= settings.maxAgeMs) return undefined
  return {
    headline: `${state}, but ${formatAge(age)} old (maxAge ${maxAge})`,
    message: `${described} is ${state}, but it was created at ${created}, ${formatAge(age)} ago: older than maxAge (${maxAge}).`,
    hint: resource.staleHint
  }
}

/** True when maxAge is set and the document is older than it, or its age cannot be told: it can never pass. */
export function tooOld(doc: Record<string, unknown>, settings: Settings, resource: Resource, now: number): boolean {
  // Stryker disable next-line StringLiteral: the state only words a verdict, which this discards
  return ageVerdict(doc, '', settings, resource, now) !== undefined
}

const failedWith = (headline: string, message: string, hint?: string): Verdict => ({
  ok: false,
  headline,
  message,
  ...(hint ? { hint } : {})
})

/** A check stopped by the runner (SIGINT, SIGTERM): what it had seen, and that the resource goes on. */
function judgeCancelled(result: PollResult, resource: Resource): Verdict {
  const doc = result.last?.document
  const state = doc ? resource.state(doc) : undefined
  const stage = doc ? resource.stage(doc) : undefined
  const elapsed = formatDuration(result.elapsedMs)
  const polls = plural(result.polls, 'poll')
  if (doc || !result.error)
    return failedWith(
      `cancelled after ${elapsed}, ${doc ? `still ${briefState(state, stage)}` : 'no answer yet'}`,
      `Cancelled ${doc ? `while the ${resource.noun} was ${stateText(state, stage, { stageName: resource.stageName })}` : 'before Atlas answered'} after ${elapsed} (${polls}).`,
      doc
        ? `The ${resource.noun} goes on in Atlas; this check stopped while it was ${briefState(state, stage)}.`
        : undefined
    )
  const last = result.error.status !== undefined ? 'the last answer was' : 'the last request failed'
  return failedWith(
    `cancelled after ${elapsed} while retrying`,
    `Cancelled after ${elapsed} (${polls}) while retrying; ${last}: ${result.error.message}.`
  )
}

/** A wait that reached the deadline: the state it last saw, and that the resource goes on. */
function judgeTimeout(result: PollResult, settings: Settings, resource: Resource, described: string): Verdict {
  const doc = result.last?.document
  const state = doc ? resource.state(doc) : undefined
  const stage = doc ? resource.stage(doc) : undefined
  const elapsed = formatDuration(result.elapsedMs)
  const limited = rateLimited(result)
  const unknown = limited ? 'unknown (Atlas answered only 429, rate limited)' : 'unknown (Atlas never answered)'
  // A 429 as the last answer is the rate limit, said once, never "a request failed".
  const lastError =
    result.error && result.error.status !== 429 ? ` The last request failed: ${result.error.message}.` : ''
  const unreached = doc ? undefined : neverAnswered(result, result.error as AtlasError | undefined, settings, resource)
  return failedWith(
    `timed out after ${elapsed}, still ${briefState(state, stage)}${limited ? `, ${limited.brief}` : ''}`,
    `Timed out after ${elapsed} and ${plural(result.polls, 'poll')}: ${described} is still ${doc ? stateText(state, stage, { stageName: resource.stageName }) : unknown}.${lastError}${limited ? ` ${limited.sentence}` : ''}`,
    limited
      ? `The ${resource.noun} goes on in Atlas; this check only stopped waiting. ${limited.hint}`
      : (unreached ??
          `The ${resource.noun} goes on in Atlas; this check only stopped waiting. Raise timeout if it needs longer, or look at it in the Atlas UI.`)
  )
}

/** The rate limit of a check that met 429s, in words: for a headline, a sentence, and what to do. */
function rateLimited(result: PollResult): { brief: string; sentence: string; hint: string } | undefined {
  const limits = result.rateLimits
  if (!limits) return undefined
  const times = plural(limits.count, 'time')
  return {
    brief: `rate-limited ${times}`,
    sentence: `Atlas rate-limited ${plural(limits.count, 'request')} (429), and the waits for it took ${formatDuration(limits.waitedMs)}.`,
    hint:
      `Atlas kept answering 429 (rate limited) ${times}: the jobs that use this project's rate limit at once ask more than it allows. ` +
      'Give the step a longer timeout or a larger pollInterval, or run fewer such jobs at once (max-parallel on a matrix).'
  }
}

/** The document Atlas answered: its state against successStates (and its age against maxAge). */
function judgeDocument(
  doc: Record<string, unknown>,
  settings: Settings,
  resource: Resource,
  described: string,
  now: number
): Verdict {
  const state = resource.state(doc)
  const stage = resource.stage(doc)
  if (state === undefined)
    return failedWith(
      'no state in the answer',
      `Atlas returned ${described} without a state.`,
      `The ${resource.noun} document is incomplete; check it in the Atlas UI.`
    )
  // Too old already: a state that passes, or one that may still change (its age only grows).
  const stale =
    settings.successStates.includes(state) || !resource.terminalStates.includes(state)
      ? ageVerdict(doc, state, settings, resource, now)
      : undefined
  if (stale) return failedWith(stale.headline, stale.message, stale.hint)
  if (settings.successStates.includes(state)) {
    return {
      ok: true,
      headline: [state, ...resource.headlineFacts(doc)].join(' · '),
      message: `${described} is ${stateText(state, stage, { stageName: resource.stageName })}.`
    }
  }
  const expected = `successStates is ${settings.successStates.join(', ')}`
  if (!resource.states.includes(state))
    return failedWith(
      `unknown state "${state}"`,
      `${described} is in state "${state}", which this action does not know.`,
      `Atlas may have added a state; ${expected}.`
    )
  const judged = resource.judgeState(state, doc, {
    wait: settings.wait,
    successStates: settings.successStates,
    described
  })
  if (!judged) return failedWith(`${state}, but ${expected}`, `${described} is ${state}, but ${expected}.`)
  return failedWith(judged.headline, judged.message, judged.hint)
}

/** How the check ended, judged (its headline without the subject in front). */
function judgeEnding(
  result: PollResult,
  settings: Settings,
  resource: Resource,
  described: string,
  now: number
): Verdict {
  const doc = result.last?.document
  // A step before the check failed: the check never ran, so the verdict is about that step.
  if (!doc && result.error instanceof StepError)
    return { ok: false, ...stepVerdict(result.error, result, settings, resource) }
  if (result.ending === 'cancelled') return judgeCancelled(result, resource)
  if (result.ending === 'timeout') return judgeTimeout(result, settings, resource, described)
  if (result.ending === 'error' || !doc) {
    const error = result.error as AtlasError
    return { ok: false, message: error.message, ...explain(error, settings, resource, result) }
  }
  return judgeDocument(doc, settings, resource, described, now)
}

/** The verdict for a finished poll: pass only when the state is one of successStates (and, with maxAge, young enough). */
export function judge(result: PollResult, settings: Settings, resource: Resource, now = Date.now()): Verdict {
  const judged = judgeEnding(result, settings, resource, resource.describe(settings.ref), now)
  const subject = oneLine(resource.subject(settings.ref), 64)
  return {
    ok: judged.ok,
    headline: oneLine(`${subject}: ${judged.headline}`, MAX_HEADLINE),
    message: judged.message,
    ...(judged.hint ? { hint: judged.hint } : {})
  }
}
