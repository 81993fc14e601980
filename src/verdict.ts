import type { AtlasError, StepInfo } from './atlas/errors.js'
import { formatAge, formatDuration } from './units.js'
import type { PollResult } from './poll.js'
import { DEADLINE } from './resolve.js'
import { oneLine, plural, stateText } from './text.js'
import type { Resource } from './resources/resource.js'
import { DEFAULTS, type Settings } from './settings.js'

// Turns how polling ended into the step's verdict: pass or fail, a headline that says what
// happened in a few plain words, one sentence saying it fully, and one saying what to do. Pure,
// so every case is a unit test. What a state means is the resource's to say; the rest is here.

export interface Verdict {
  ok: boolean
  /** A few plain words with the key fact, bounded: "nightly-export: FAILED in EXPORT". */
  headline: string
  /** What happened, in one sentence. */
  message: string
  /** What to do about it; absent when there is nothing to do. */
  hint?: string
}

/** The longest headline: whatever Atlas sends, it stays one short line. */
export const MAX_HEADLINE = 160

/** "IN_PROGRESS (EXPORT)": a state for a headline. */
const briefState = (state: string | undefined, stage: string | undefined): string =>
  stateText(state, stage, { missing: 'unknown' })

function tries(result: PollResult): string {
  return result.failedInARow > 1 ? ` after ${result.failedInARow} tries` : ''
}

/** The headline of an error: what went wrong, in words a user knows. */
function errorHeadline(error: AtlasError, settings: Settings, resource: Resource, result: PollResult): string {
  const credentials = { oauth: 'the service account', digest: 'the API key', bearer: 'the access token' }[
    settings.credentials.kind
  ]
  if (error.redirectHost !== undefined) return `Atlas redirected to ${error.redirectHost}; not followed`
  if (error.kind === 'auth' || error.status === 401) return `Atlas refused ${credentials} (${error.status ?? 'auth'})`
  // Stryker disable next-line Regex: every empty-kind message starts with "Atlas lists "
  if (error.kind === 'empty') return `nothing to check: ${error.message.replace(/^Atlas lists /, '')}`
  switch (error.status) {
    case 400:
      return 'Atlas rejected the request (400)'
    case 403:
      return `Atlas denied access (403)${error.step ? ` to ${error.step.what}` : ''}: needs ${error.step?.role ?? resource.readRole}`
    case 409:
      return `Atlas refused to ${error.step?.what ?? 'do that'} (409 conflict)`
    case 404:
    case 410:
      return resource.notFound(error.status, error.step?.what).headline
    case 406:
      return `Atlas does not accept apiVersion ${error.step?.apiVersion ?? settings.apiVersion} (406)${error.step ? ` to ${error.step.what}` : ''}`
    case 429:
      return result.unwaitedRetryAfterMs !== undefined
        ? `rate-limited by Atlas (429), asked to wait ${formatDuration(result.unwaitedRetryAfterMs)}`
        : `rate-limited by Atlas (429)${tries(result)}`
  }
  // Stryker disable next-line ConditionalExpression: undefined >= 500 is false, as the guard says
  if (error.status !== undefined && error.status >= 500) return `Atlas failed (${error.status})${tries(result)}`
  if (error.proxy !== undefined) return `could not reach the proxy (${error.errorCode ?? 'no answer'})${tries(result)}`
  if (error.kind === 'timeout') return `Atlas did not answer in time${tries(result)}`
  if (error.kind === 'network') {
    if (error.errorCode?.startsWith('PROXY_')) return `the proxy refused the connection (${error.errorCode.slice(6)})`
    return `could not reach Atlas (${error.errorCode ?? 'network'})${tries(result)}`
  }
  // Stryker disable next-line ConditionalExpression: an api error always has its status
  if (error.kind === 'api' && error.status !== undefined) return `Atlas answered ${error.status}`
  return error.status === 200 ? 'Atlas answered, but not with a usable document' : 'unusable answer from Atlas'
}

/** Guidance for an error, by what the user can change. */
function errorHint(error: AtlasError, settings: Settings, resource: Resource, result: PollResult): string | undefined {
  if (error.redirectHost !== undefined)
    return `If Atlas really lives at ${error.redirectHost}, set baseUrl to that address.`
  if (result.unwaitedRetryAfterMs !== undefined) {
    return (
      `Atlas asked to wait ${formatDuration(result.unwaitedRetryAfterMs)} before trying again (Retry-After), which is past the deadline (timeout ${formatDuration(settings.timeoutMs)}), ` +
      'so the action stopped without waiting. Run the check later, or raise timeout.'
    )
  }
  if (error.proxy !== undefined)
    return `Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the proxy ${error.proxy} did not take the connection.`
  if (error.kind === 'auth' || error.status === 401) {
    const which = {
      oauth: 'clientId and clientSecret (is the service account secret expired?)',
      digest: 'publicKey and privateKey (is the API key deleted or disabled?)',
      bearer: 'accessToken (tokens expire after an hour)'
    }[settings.credentials.kind]
    return `Check ${which}.`
  }
  const inputs = resource.refInputs.join(', ').replace(/, ([^,]+)$/, ' and $1')
  switch (error.status) {
    case 400: {
      const fields = error.body?.badRequestDetail?.fields?.map((f) => `${f.field}: ${f.description}`).join('; ')
      return `Atlas rejected the request${fields ? ` (${fields})` : ''}; check ${inputs}.`
    }
    case 403:
      return `${error.step ? `To ${error.step.what}, the` : 'The'} credentials need the ${error.step?.role ?? resource.readRole} role on project ${resource.groupId(settings.ref)}, and the runner's IP address must be on the API access list of the key or service account.`
    case 409:
      return (
        error.step?.conflict ??
        'Atlas refused because of something under way (its detail above says what): wait for it, or run this step again later.'
      )
    case 404:
    case 410:
      return resource.notFound(error.status, error.step?.what).hint
    case 406:
      return error.step?.apiVersion
        ? `This action sends version ${error.step.apiVersion} to ${error.step.what}; Atlas's detail above says what it accepts.`
        : `apiVersion ${settings.apiVersion} is not a version of this resource; use ${DEFAULTS.apiVersion} (the default).`
    case 429:
      return settings.wait
        ? 'Atlas rate-limited the requests even after waiting as asked; run the check later or raise pollInterval.'
        : 'Atlas rate-limited the requests even after waiting as asked; run the check later.'
  }
  // Stryker disable next-line ConditionalExpression: undefined >= 500 is false, as the guard says
  if (error.status !== undefined && error.status >= 500)
    return 'Atlas (or a proxy in front of it) failed even after retries; try again later.'
  if (error.kind === 'timeout')
    return 'Atlas did not answer in time; raise requestTimeout or check the network between the runner and Atlas.'
  if (error.kind === 'network') {
    if (error.errorCode === 'PROXY_407')
      return 'The proxy asks for credentials: put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128.'
    if (error.errorCode?.startsWith('PROXY_'))
      return 'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and that the proxy may reach Atlas.'
    if (error.message.includes('TLS'))
      return 'If a corporate proxy or CA signs this certificate, give the CA file to the runner with NODE_EXTRA_CA_CERTS.'
    if (result.atlasAnswered)
      return 'Atlas answered earlier in this run, so the network between the runner and Atlas failed for a while: run the job again.'
    return `Check baseUrl (${settings.baseUrl.origin}) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY).`
  }
  if (error.kind === 'empty') return `Check ${inputs}, or start one first.`
  if (error.kind === 'protocol')
    return `Check that baseUrl (${settings.baseUrl.origin}) is the Atlas Admin API and that no proxy or gateway answered in its place.`
  return undefined
}

/** "it will not start a second export" as a sentence: running the job again is safe because of it. */
function rerunSentence(error: AtlasError): string {
  return error.step?.rerun ? ` Running the job again is safe: ${error.step.rerun}.` : ''
}

/** How a step before the check (a list, a POST, a wait) failed: named for that step. */
function stepVerdict(
  error: AtlasError,
  result: PollResult,
  settings: Settings,
  resource: Resource
): { headline: string; message: string; hint?: string } {
  const step = (error.step as StepInfo).what
  const elapsed = formatDuration(result.elapsedMs)
  const note = error.step?.note ? ` ${error.step.note}` : ''
  const seen = error.lastSeen ? `: ${error.lastSeen}` : ''
  if (error.kind === 'cancelled')
    return {
      headline: `cancelled while trying to ${step}`,
      message: `Cancelled after ${elapsed} while trying to ${step}${seen}.${note}`,
      hint: rerunSentence(error).trim() || undefined
    }
  if (error.errorCode === DEADLINE)
    return {
      headline: `timed out while trying to ${step}${error.lastSeen ? `; ${error.lastSeen}` : ''}`,
      message: `Timed out after ${elapsed} (${plural(result.polls, 'request')}) while trying to ${step}${seen}.${
        error.faults?.length ? ` The last requests failed: ${error.faults.join(', ')}.` : ''
      }${note}`,
      hint: `Raise timeout: one timeout covers every step and the check (now ${formatDuration(settings.timeoutMs)}).${rerunSentence(error)}`
    }
  const message = note ? `${error.message.replace(/\.$/, '')}.${note}` : error.message
  if (error.headline) return { headline: error.headline, message, hint: error.hint }
  // Transient faults the step rode out until it gave up: which ones, and that Atlas did answer.
  const faults = error.faults ?? []
  if (error.retryable && faults.length > 1) {
    const met = faults.length > 4 ? [...faults.slice(0, 3), '…', faults[faults.length - 1]] : faults
    const advice = result.atlasAnswered
      ? `Atlas answered earlier in this run, so these look like passing faults: run the job again later.${rerunSentence(error)}`
      : `${errorHint(error, settings, resource, result) ?? 'Try again later.'}${rerunSentence(error)}`
    return {
      headline: `could not ${step}: ${faults.length} faults in a row (${met.join(', ')})`,
      message: `Gave up trying to ${step} after ${faults.length} faults in a row (${faults.join(', ')}); the last: ${error.message}.${note}`,
      hint: advice
    }
  }
  const hint = error.hint ?? errorHint(error, settings, resource, result)
  return {
    headline: errorHeadline(error, settings, resource, result),
    message,
    hint: hint || error.step?.rerun ? `${hint ?? ''}${rerunSentence(error)}`.trim() : undefined
  }
}

/** The verdict on the age of the newest one, when maxAge asks for it and the state passed. */
function ageVerdict(
  doc: Record<string, unknown>,
  state: string,
  settings: Settings,
  resource: Resource,
  now: number
): { headline: string; message: string; hint: string } | undefined {
  if (settings.maxAgeMs === undefined) return undefined
  const described = resource.describe(settings.ref)
  const maxAge = formatDuration(settings.maxAgeMs)
  const created = resource.createdAt(doc)
  const at = created === undefined ? NaN : Date.parse(created)
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

/** The verdict for a finished poll: pass only when the state is one of successStates (and, with maxAge, young enough). */
export function judge(result: PollResult, settings: Settings, resource: Resource, now = Date.now()): Verdict {
  const subject = oneLine(resource.subject(settings.ref), 64)
  const described = resource.describe(settings.ref)
  const verdict = (ok: boolean, headline: string, message: string, hint?: string): Verdict => ({
    ok,
    headline: oneLine(`${subject}: ${headline}`, MAX_HEADLINE),
    message,
    ...(hint ? { hint } : {})
  })
  const doc = result.last?.document
  const state = doc ? resource.state(doc) : undefined
  const stage = doc ? resource.stage(doc) : undefined
  const elapsed = formatDuration(result.elapsedMs)
  const polls = plural(result.polls, 'poll')

  // A step before the check failed: the check never ran, so the verdict is about that step.
  if (!doc && result.error?.step !== undefined) {
    const failed = stepVerdict(result.error, result, settings, resource)
    return verdict(false, failed.headline, failed.message, failed.hint)
  }
  if (result.ending === 'cancelled') {
    if (doc || !result.error) {
      return verdict(
        false,
        `cancelled after ${elapsed}, ${doc ? `still ${briefState(state, stage)}` : 'no answer yet'}`,
        `Cancelled ${doc ? `while the ${resource.noun} was ${stateText(state, stage, { stageName: resource.stageName })}` : 'before Atlas answered'} after ${elapsed} (${polls}).`,
        doc
          ? `The ${resource.noun} goes on in Atlas; this check stopped while it was ${briefState(state, stage)}.`
          : undefined
      )
    }
    const last = result.error.status !== undefined ? 'the last answer was' : 'the last request failed'
    return verdict(
      false,
      `cancelled after ${elapsed} while retrying`,
      `Cancelled after ${elapsed} (${polls}) while retrying; ${last}: ${result.error.message}.`
    )
  }
  if (result.ending === 'timeout') {
    const lastError = result.error ? ` The last request failed: ${result.error.message}.` : ''
    return verdict(
      false,
      `timed out after ${elapsed}, still ${briefState(state, stage)}`,
      `Timed out after ${elapsed} and ${polls}: ${described} is still ${doc ? stateText(state, stage, { stageName: resource.stageName }) : 'unknown (Atlas never answered)'}.${lastError}`,
      `The ${resource.noun} goes on in Atlas; this check only stopped waiting. Raise timeout if it needs longer, or look at it in the Atlas UI.`
    )
  }
  if (result.ending === 'error' || !doc) {
    const error = result.error as AtlasError
    return verdict(
      false,
      errorHeadline(error, settings, resource, result),
      error.message,
      errorHint(error, settings, resource, result)
    )
  }
  if (state === undefined) {
    return verdict(
      false,
      'no state in the answer',
      `Atlas returned ${described} without a state.`,
      `The ${resource.noun} document is incomplete; check it in the Atlas UI.`
    )
  }
  if (settings.successStates.includes(state)) {
    const stale = ageVerdict(doc, state, settings, resource, now)
    if (stale) return verdict(false, stale.headline, stale.message, stale.hint)
    const facts = resource.headlineFacts(doc)
    return verdict(
      true,
      [state, ...facts].join(' · '),
      `${described} is ${stateText(state, stage, { stageName: resource.stageName })}.`
    )
  }
  const expected = `successStates is ${settings.successStates.join(', ')}`
  if (!resource.states.includes(state)) {
    return verdict(
      false,
      `unknown state "${state}"`,
      `${described} is in state "${state}", which this action does not know.`,
      `Atlas may have added a state; ${expected}.`
    )
  }
  const judged = resource.judgeState(state, doc, {
    wait: settings.wait,
    successStates: settings.successStates,
    described
  })
  if (!judged) return verdict(false, `${state}, but ${expected}`, `${described} is ${state}, but ${expected}.`)
  return verdict(false, judged.headline, judged.message, judged.hint)
}
