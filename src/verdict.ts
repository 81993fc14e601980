import type { AtlasError } from './atlas/errors.js'
import { formatDuration } from './duration.js'
import type { PollResult } from './poll.js'
import { describeState } from './resources/fields.js'
import type { Resource } from './resources/resource.js'
import type { Settings } from './settings.js'

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

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

function clipped(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ')
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** "IN_PROGRESS (EXPORT)": a state for a headline. */
function briefState(state: string | undefined, stage: string | undefined): string {
  if (state === undefined) return 'unknown'
  return stage === undefined ? state : `${state} (${stage})`
}

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
      return `Atlas denied access (403)${error.step ? ` to ${error.step}` : ''}: needs ${error.role ?? resource.readRole}`
    case 409:
      return `Atlas refused to ${error.step ?? 'do that'} (409 conflict)`
    case 404:
    case 410:
      return resource.notFound(error.status).headline
    case 406:
      return `Atlas does not accept apiVersion ${settings.apiVersion} (406)`
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
      return `${error.step ? `To ${error.step}, the` : 'The'} credentials need the ${error.role ?? resource.readRole} role on project ${resource.groupId(settings.ref)}, and the runner's IP address must be on the API access list of the key or service account.`
    case 409:
      return `Atlas allows one export of a snapshot at a time, and one queued or running on-demand snapshot per cluster: wait for the one under way (its id is in Atlas's detail above), or run this step again later.`
    case 404:
    case 410:
      return resource.notFound(error.status).hint
    case 406:
      return `apiVersion ${settings.apiVersion} is not a version of this resource; use 2023-01-01 (the default).`
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
    return `Check baseUrl (${settings.baseUrl.origin}) and the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY).`
  }
  if (error.kind === 'empty') return `Check ${inputs}, or start one first.`
  if (error.kind === 'protocol')
    return `Check that baseUrl (${settings.baseUrl.origin}) is the Atlas Admin API and that no proxy or gateway answered in its place.`
  return undefined
}

/** The verdict for a finished poll: pass only when the state is one of successStates. */
export function judge(result: PollResult, settings: Settings, resource: Resource): Verdict {
  const subject = clipped(resource.subject(settings.ref), 64)
  const described = resource.describe(settings.ref)
  const verdict = (ok: boolean, headline: string, message: string, hint?: string): Verdict => ({
    ok,
    headline: clipped(`${subject}: ${headline}`, MAX_HEADLINE),
    message,
    ...(hint ? { hint } : {})
  })
  const doc = result.last?.document
  const state = doc ? resource.state(doc) : undefined
  const stage = doc ? resource.stage(doc) : undefined
  const elapsed = formatDuration(result.elapsedMs)
  const polls = plural(result.polls, 'poll')

  if (result.ending === 'cancelled') {
    if (doc || !result.error) {
      return verdict(
        false,
        `cancelled after ${elapsed}, ${doc ? `still ${briefState(state, stage)}` : 'no answer yet'}`,
        `Cancelled ${doc ? `while the ${resource.noun} was ${describeState(state, stage, resource.stageName)}` : 'before Atlas answered'} after ${elapsed} (${polls}).`,
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
      `Timed out after ${elapsed} and ${polls}: ${described} is still ${doc ? describeState(state, stage, resource.stageName) : 'unknown (Atlas never answered)'}.${lastError}`,
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
    const facts = resource.headlineFacts(doc)
    return verdict(
      true,
      [state, ...facts].join(' · '),
      `${described} is ${describeState(state, stage, resource.stageName)}.`
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
