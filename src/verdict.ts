import type { AtlasError } from './atlas/errors.js'
import { formatDuration } from './duration.js'
import type { PollResult } from './poll.js'
import type { Settings } from './settings.js'

// Turns how polling ended into the step's verdict: pass or fail, one sentence saying what
// happened, and one saying what to do. Pure, so every case is a unit test.

export interface Verdict {
  ok: boolean
  /** What happened, in one sentence. */
  message: string
  /** What to do about it; absent when there is nothing to do. */
  hint?: string
}

export const DEPRECATION_GUIDE = 'https://dochub.mongodb.org/core/data-lake-deprecation'

function describeState(state: string | undefined, phase: string | undefined): string {
  if (state === undefined) return 'without a state'
  return phase === undefined ? state : `${state} (phase ${phase})`
}

/** Guidance for an error, by what the user can change. */
function errorHint(error: AtlasError, settings: Settings, result: PollResult): string | undefined {
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
  switch (error.status) {
    case 400: {
      const fields = error.body?.badRequestDetail?.fields?.map((f) => `${f.field}: ${f.description}`).join('; ')
      return `Atlas rejected the request${fields ? ` (${fields})` : ''}; check groupId, pipelineName and runId.`
    }
    case 403:
      return `The credentials need the Project Read Only role on project ${settings.run.groupId}, and the runner's IP address must be on the API access list of the key or service account.`
    case 404:
    case 410:
      return `Data Lake Pipelines were deprecated in September 2024 and sunset on 2025-09-30, so Atlas may no longer serve this run at all (see ${DEPRECATION_GUIDE}). If the pipeline still exists, check groupId, pipelineName and runId.`
    case 406:
      return `apiVersion ${settings.apiVersion} is not a version of this resource; use 2023-01-01 (the default).`
    case 429:
      return 'Atlas rate-limited the requests even after waiting as asked; run the check later or raise pollInterval.'
  }
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
  if (error.kind === 'protocol')
    return `Check that baseUrl (${settings.baseUrl.origin}) is the Atlas Admin API and that no proxy or gateway answered in its place.`
  return undefined
}

/** The verdict for a finished poll: pass only when the run's state is one of successStates. */
export function judge(result: PollResult, settings: Settings): Verdict {
  const runName = `Pipeline run ${settings.run.runId} of ${settings.run.pipelineName}`
  const run = result.last?.run
  const state = run?.state
  const phase = run?.phase
  const elapsed = formatDuration(result.elapsedMs)
  const lastError = result.error ? ` The last request failed: ${result.error.message}.` : ''

  if (result.ending === 'cancelled') {
    if (run || !result.error) {
      return {
        ok: false,
        message: `Cancelled ${run ? `while the run was ${describeState(state, phase)}` : 'before Atlas answered'} after ${elapsed} (${result.polls} polls).`
      }
    }
    const last = result.error.status !== undefined ? 'the last answer was' : 'the last request failed'
    return {
      ok: false,
      message: `Cancelled after ${elapsed} (${result.polls} polls) while retrying; ${last}: ${result.error.message}.`
    }
  }
  if (result.ending === 'timeout') {
    return {
      ok: false,
      message: `Timed out after ${elapsed} and ${result.polls} polls: ${runName} is still ${run ? describeState(state, phase) : 'unknown (Atlas never answered)'}.${lastError}`,
      hint: 'Raise timeout if the run needs longer, or look at the pipeline in the Atlas UI.'
    }
  }
  if (result.ending === 'error' || !run) {
    const error = result.error as AtlasError
    return { ok: false, message: error.message, hint: errorHint(error, settings, result) }
  }
  if (state !== undefined && settings.successStates.includes(state)) {
    return { ok: true, message: `${runName} is ${describeState(state, phase)}.` }
  }
  const expected = `successStates is ${settings.successStates.join(', ')}`
  switch (state) {
    case undefined:
      return {
        ok: false,
        message: `Atlas returned ${runName} without a state.`,
        hint: 'The run document is incomplete; check the run in the Atlas UI.'
      }
    case 'PENDING':
    case 'IN_PROGRESS':
      return {
        ok: false,
        message: `${runName} has not finished: it is ${describeState(state, phase)}.`,
        hint: settings.wait ? undefined : 'Set wait: true to block until the run finishes, or run this check later.'
      }
    case 'FAILED':
      return {
        ok: false,
        message: `${runName} FAILED${phase ? ` in phase ${phase}` : ''}.`,
        hint: 'Look at the pipeline run in the Atlas UI for the cause, then trigger a new run.'
      }
    case 'DATASET_DELETED':
      return {
        ok: false,
        message: `${runName} is DATASET_DELETED: its dataset has been deleted.`,
        hint: `Trigger a new run, or add DATASET_DELETED to successStates if that is expected (${expected}).`
      }
    case 'DONE':
      return { ok: false, message: `${runName} is DONE, but ${expected}.` }
    default:
      return {
        ok: false,
        message: `${runName} is in state "${state}", which this action does not know.`,
        hint: `Atlas may have added a state; ${expected}.`
      }
  }
}
