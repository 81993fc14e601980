import type { AtlasError, StepInfo } from './atlas/errors.js'
import { isTlsCode } from './atlas/transport-errors.js'
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

/** What a kind of failure is called and what to do about it. */
interface Explanation {
  headline: string
  hint?: string
}

/**
 * The one table of failures: each kind of error, in order, with its headline (what went wrong, in
 * words a user knows) and its hint (what the user can change). The first row that applies wins.
 */
function explain(error: AtlasError, settings: Settings, resource: Resource, result: PollResult): Explanation {
  const step = error.step
  const inputs = resource.refInputs.join(', ').replace(/, ([^,]+)$/, ' and $1')
  const credentials = {
    oauth: ['the service account', 'clientId and clientSecret (is the service account secret expired?)'],
    digest: ['the API key', 'publicKey and privateKey (is the API key deleted or disabled?)'],
    bearer: ['the access token', 'accessToken (tokens expire after an hour)']
  }[settings.credentials.kind]
  const rows: [applies: boolean, explanation: () => Explanation][] = [
    [
      error.redirectHost !== undefined,
      () => ({
        headline: `Atlas redirected to ${error.redirectHost}; not followed`,
        hint: `If Atlas really lives at ${error.redirectHost}, set baseUrl to that address.`
      })
    ],
    [
      error.kind === 'auth' || error.status === 401,
      () => ({
        headline: `Atlas refused ${credentials[0]} (${error.status ?? 'auth'})`,
        hint: `Check ${credentials[1]}.`
      })
    ],
    [
      error.kind === 'empty',
      () => ({ headline: error.headline ?? 'nothing to check', hint: `Check ${inputs}, or start one first.` })
    ],
    [
      error.status === 400,
      () => {
        const fields = error.body?.badRequestDetail?.fields?.map((f) => `${f.field}: ${f.description}`).join('; ')
        return {
          headline: 'Atlas rejected the request (400)',
          hint: `Atlas rejected the request${fields ? ` (${fields})` : ''}; check ${inputs}.`
        }
      }
    ],
    [
      error.status === 403,
      () => ({
        headline: `Atlas denied access (403)${step ? ` to ${step.what}` : ''}: needs ${step?.role ?? resource.readRole}`,
        hint: `${step ? `To ${step.what}, the` : 'The'} credentials need the ${step?.role ?? resource.readRole} role on project ${resource.groupId(settings.ref)}, and the runner's IP address must be on the API access list of the key or service account.`
      })
    ],
    [
      error.status === 409,
      () => ({
        headline: `Atlas refused to ${step?.what ?? 'do that'} (409 conflict)`,
        hint:
          step?.conflict ??
          'Atlas refused because of something under way (its detail above says what): wait for it, or run this step again later.'
      })
    ],
    [error.status === 404 || error.status === 410, () => resource.notFound(error.status as 404 | 410, step?.what)],
    [
      error.status === 406,
      () => ({
        headline: `Atlas does not accept apiVersion ${step?.apiVersion ?? settings.apiVersion} (406)${step ? ` to ${step.what}` : ''}`,
        hint: step?.apiVersion
          ? `This action sends version ${step.apiVersion} to ${step.what}; Atlas's detail above says what it accepts.`
          : `apiVersion ${settings.apiVersion} is not a version of this resource; use ${DEFAULTS.apiVersion} (the default).`
      })
    ],
    [
      error.status === 429,
      () => ({
        headline:
          result.unwaitedRetryAfterMs !== undefined
            ? `rate-limited by Atlas (429), asked to wait ${formatDuration(result.unwaitedRetryAfterMs)}`
            : `rate-limited by Atlas (429)${tries(result)}`,
        hint: `Atlas rate-limited the requests even after waiting as asked; run the check later${settings.wait ? ' or raise pollInterval' : ''}.`
      })
    ],
    [
      // Stryker disable next-line ConditionalExpression: undefined >= 500 is false, as the guard says
      error.status !== undefined && error.status >= 500,
      () => ({
        headline: `Atlas failed (${error.status})${tries(result)}`,
        hint: 'Atlas (or a proxy in front of it) failed even after retries; try again later.'
      })
    ],
    [
      error.proxy !== undefined,
      () => ({
        headline: `could not reach the proxy (${error.errorCode ?? 'no answer'})${tries(result)}`,
        hint: `Check the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): the proxy ${error.proxy} did not take the connection.`
      })
    ],
    [
      error.kind === 'timeout',
      () => ({
        headline: `Atlas did not answer in time${tries(result)}`,
        hint: 'Atlas did not answer in time; raise requestTimeout or check the network between the runner and Atlas.'
      })
    ],
    [
      error.kind === 'network' && error.errorCode?.startsWith('PROXY_') === true,
      () => ({
        headline: `the proxy refused the connection (${error.errorCode?.slice(6)})`,
        hint:
          error.errorCode === 'PROXY_407'
            ? 'The proxy asks for credentials: put them in the proxy URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128.'
            : 'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and that the proxy may reach Atlas.'
      })
    ],
    [
      error.kind === 'network',
      () => ({
        headline: `could not reach Atlas (${error.errorCode ?? 'network'})${tries(result)}`,
        hint: isTlsCode(error.errorCode)
          ? 'If a corporate proxy or CA signs this certificate, give the CA file to the runner with NODE_EXTRA_CA_CERTS.'
          : result.atlasAnswered
            ? 'Atlas answered earlier in this run, so the network between the runner and Atlas failed for a while: run the job again.'
            : `Check baseUrl (${settings.baseUrl.origin}) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY).`
      })
    ],
    // Stryker disable next-line ConditionalExpression: an api error always has its status
    [error.kind === 'api' && error.status !== undefined, () => ({ headline: `Atlas answered ${error.status}` })],
    [
      error.kind === 'protocol',
      () => ({
        headline:
          error.status === 200 ? 'Atlas answered, but not with a usable document' : 'unusable answer from Atlas',
        hint: `Check that baseUrl (${settings.baseUrl.origin}) is the Atlas Admin API and that no proxy or gateway answered in its place.`
      })
    ]
  ]
  const found = rows.find(([applies]) => applies)?.[1]() ?? {
    headline: error.status === 200 ? 'Atlas answered, but not with a usable document' : 'unusable answer from Atlas'
  }
  // Atlas asked for more patience than the deadline had left, whatever it answered.
  if (result.unwaitedRetryAfterMs !== undefined && error.redirectHost === undefined)
    return {
      headline: found.headline,
      hint:
        `Atlas asked to wait ${formatDuration(result.unwaitedRetryAfterMs)} before trying again (Retry-After), which is past the deadline (timeout ${formatDuration(settings.timeoutMs)}), ` +
        'so the action stopped without waiting. Run the check later, or raise timeout.'
    }
  return found
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
      : `${explain(error, settings, resource, result).hint ?? 'Try again later.'}${rerunSentence(error)}`
    return {
      headline: `could not ${step}: ${faults.length} faults in a row (${met.join(', ')})`,
      message: `Gave up trying to ${step} after ${faults.length} faults in a row (${faults.join(', ')}); the last: ${error.message}.${note}`,
      hint: advice
    }
  }
  const explained = explain(error, settings, resource, result)
  const hint = error.hint ?? explained.hint
  return {
    headline: explained.headline,
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
    const explained = explain(error, settings, resource, result)
    return verdict(false, explained.headline, error.message, explained.hint)
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
