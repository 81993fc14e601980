import SHARED_INPUTS from './shared-inputs.json' with { type: 'json' }
import { unsendableReason } from '../atlas/header-text.js'
import { parseBoolean, readBoolean, readDuration, readList, type InputReader } from './inputs.js'
import { isLoopbackHost } from '../atlas/loopback.js'
import { proxyProblems } from '../atlas/proxy-env.js'
import type { Resource } from '../resources/resource.js'
import { workflowRunUrl } from './workflow-run.js'
import { parseDuration } from './units.js'

// Every input, and the environment fallbacks, become one validated Settings object here; nothing
// below this module reads an input. All problems are reported at once, before any request.

export type Credentials =
  | { kind: 'oauth'; clientId: string; clientSecret: string }
  | { kind: 'digest'; publicKey: string; privateKey: string }
  | { kind: 'bearer'; accessToken: string }

/** Where and how to post a commit status; absent when statusContext is empty. */
export interface StatusSettings {
  context: string
  token: string
  targetUrl?: string
}

export interface Settings<Ref = unknown> {
  /** The inputs that name the resource, validated. */
  ref: Ref
  credentials: Credentials
  /** Always ends with "/". */
  baseUrl: URL
  apiVersion: string
  envelope: boolean
  pretty: boolean
  successStates: string[]
  summary: boolean
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  requestTimeoutMs: number
  /** With latest only: the newest one fails the step when it was created longer ago than this. */
  maxAgeMs?: number
  /** The workflow run this step is part of, when the runner says (GITHUB_SERVER_URL, _REPOSITORY, _RUN_ID). */
  workflowRunUrl?: string
  status?: StatusSettings
}

/**
 * Bad inputs: the message lists each problem with the input's name and the rule. It also carries
 * what the report of those problems may still use: whether to write a summary, and the commit
 * status settings when they are sound on their own (so a required check turns red instead of
 * waiting forever at "Expected").
 */
export class InputError extends Error {
  constructor(
    readonly problems: string[],
    readonly report: { summary: boolean; status?: StatusSettings }
  ) {
    super(problems.length === 1 ? `Invalid input: ${problems[0]}` : `Invalid inputs:\n- ${problems.join('\n- ')}`)
    this.name = 'InputError'
  }
}

/**
 * The default of every engine input that has one: the shared inputs' from
 * src/engine/shared-inputs.json (which npm run docs also writes into each action.yml), and wait's
 * (a resource may decide it: waitByDefault). successStates' is the resource's.
 */
export const DEFAULTS = {
  baseUrl: SHARED_INPUTS.baseUrl.default,
  apiVersion: SHARED_INPUTS.apiVersion.default,
  envelope: SHARED_INPUTS.envelope.default,
  pretty: SHARED_INPUTS.pretty.default,
  summary: SHARED_INPUTS.summary.default,
  wait: 'false',
  timeout: SHARED_INPUTS.timeout.default,
  pollInterval: SHARED_INPUTS.pollInterval.default,
  requestTimeout: SHARED_INPUTS.requestTimeout.default
}

// Stryker disable next-line Regex: isValidDate() refuses anything around the date too; the anchors say what is meant
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/
const SECOND = 1000
const HOUR = 3600 * SECOND

/**
 * The range of each duration input. Node timers overflow past 2^31-1 ms (about 24.8 days) and
 * then fire at once, so every duration is bounded well below that: timeout by the longest a job
 * may run (5 days, on a self-hosted runner), pollInterval and requestTimeout by what is useful.
 */
export const DURATION_LIMITS = {
  timeout: { min: SECOND, max: 120 * HOUR },
  pollInterval: { min: SECOND, max: HOUR },
  requestTimeout: { min: SECOND, max: 10 * 60 * SECOND },
  // Not a timer: up to a year, for exports that run weekly or monthly.
  maxAge: { min: SECOND, max: 366 * 24 * HOUR }
} as const

const CREDENTIAL_PAIRS = [
  {
    kind: 'oauth',
    id: 'clientId',
    secret: 'clientSecret',
    idEnv: 'MONGODB_ATLAS_CLIENT_ID',
    secretEnv: 'MONGODB_ATLAS_CLIENT_SECRET',
    what: 'a service account'
  },
  {
    kind: 'digest',
    id: 'publicKey',
    secret: 'privateKey',
    idEnv: 'MONGODB_ATLAS_PUBLIC_API_KEY',
    secretEnv: 'MONGODB_ATLAS_PRIVATE_API_KEY',
    what: 'an API key'
  }
] as const

/** Inputs that may hold a secret: masked before anything else happens. */
export const SECRET_INPUTS = [...CREDENTIAL_PAIRS.flatMap((p) => [p.id, p.secret]), 'accessToken', 'githubToken']
/** Environment variables that may hold a secret (the credential fallbacks). */
export const SECRET_ENV = CREDENTIAL_PAIRS.flatMap((p) => [p.idEnv, p.secretEnv])

function readCredentials(
  input: InputReader,
  env: Record<string, string | undefined>,
  problems: string[]
): Credentials | undefined {
  const fromInputs = [...CREDENTIAL_PAIRS.flatMap((p) => [p.id, p.secret]), 'accessToken'].some(
    (name) => input(name) !== ''
  )
  // Inputs win as a whole: the environment is consulted only when no credential input is set, so a
  // variable left over from an earlier step cannot mix with what the step was given.
  const read = (inputName: string, envName?: string): string =>
    fromInputs ? input(inputName) : (envName && env[envName]?.trim()) || ''
  const source = (inputName: string, envName: string): string =>
    fromInputs ? `input ${inputName}` : `environment variable ${envName}`
  const complete: Credentials[] = []
  for (const pair of CREDENTIAL_PAIRS) {
    const id = read(pair.id, pair.idEnv)
    const secret = read(pair.secret, pair.secretEnv)
    if (id !== '' && secret !== '') {
      complete.push(
        pair.kind === 'oauth'
          ? { kind: 'oauth', clientId: id, clientSecret: secret }
          : { kind: 'digest', publicKey: id, privateKey: secret }
      )
    } else if (id !== '' || secret !== '') {
      const [given, missing] =
        id !== ''
          ? [source(pair.id, pair.idEnv), source(pair.secret, pair.secretEnv)]
          : [source(pair.secret, pair.secretEnv), source(pair.id, pair.idEnv)]
      problems.push(`${given} is set but ${missing} is missing; ${pair.what} needs both`)
      return undefined
    }
  }
  const accessToken = fromInputs ? input('accessToken') : ''
  if (accessToken !== '') complete.push({ kind: 'bearer', accessToken })
  if (complete.length > 1) {
    problems.push(
      `credentials of more than one kind were given (${complete.map((c) => c.kind).join(', ')}); give exactly one: clientId + clientSecret, publicKey + privateKey, or accessToken`
    )
    return undefined
  }
  if (complete.length === 0) {
    problems.push(
      'no credentials: set clientId + clientSecret (a service account), publicKey + privateKey (an API key) or accessToken, ' +
        'or the environment variables MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET or MONGODB_ATLAS_PUBLIC_API_KEY + MONGODB_ATLAS_PRIVATE_API_KEY'
    )
    return undefined
  }
  // A line break or a stray character in a credential is a paste error; undici would refuse it
  // only at send time, with a generic error.
  const envNames: Record<string, string> = Object.fromEntries(
    CREDENTIAL_PAIRS.flatMap((p) => [
      [p.id, p.idEnv],
      [p.secret, p.secretEnv]
    ])
  )
  const chosen = complete[0] as Credentials
  for (const [name, value] of Object.entries(chosen)) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: kind is a word of ours, always sendable
    const reason = name === 'kind' ? undefined : unsendableReason(value)
    if (reason) {
      problems.push(
        `${envNames[name] ? source(name, envNames[name]) : `input ${name}`} contains ${reason}; a credential is one line of printable characters that can be sent in an HTTP header: copy it again`
      )
    }
  }
  return chosen
}

function readBaseUrl(value: string, problems: string[]): URL {
  const fallback = new URL(`${DEFAULTS.baseUrl}/`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    problems.push(`baseUrl "${value}" is not a URL; use e.g. ${DEFAULTS.baseUrl}`)
    return fallback
  }
  if (url.username !== '' || url.password !== '') {
    problems.push('baseUrl must not contain a user name or password; pass credentials through their own inputs')
    return fallback
  }
  if (url.search !== '' || url.hash !== '') {
    problems.push(`baseUrl "${value}" must not have a query or fragment`)
    return fallback
  }
  const plainLoopback = url.protocol === 'http:' && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !plainLoopback) {
    problems.push(
      `baseUrl "${value}" must use https (plain http is allowed only to localhost/127.0.0.1/[::1]), so credentials never travel in clear text`
    )
    return fallback
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** A duration input of the engine, its default when not given or not valid (the problem is reported). */
function readEngineDuration(
  input: InputReader,
  name: Exclude<keyof typeof DURATION_LIMITS, 'maxAge'>,
  problems: string[]
): number {
  const ms = readDuration((n) => input(n) || DEFAULTS[name], name, DURATION_LIMITS[name], problems)
  return ms ?? (parseDuration(DEFAULTS[name]) as number)
}

/** maxAge: a duration, and only where there is a newest one to measure (the resource's latest). */
function readMaxAge<Ref>(
  input: InputReader,
  resource: Resource<Ref>,
  ref: Ref,
  problems: string[]
): number | undefined {
  const value = input('maxAge')
  if (value === '') return undefined
  const latest = resource.latestInput
  if (!resource.isLatest(ref)) {
    problems.push(
      latest
        ? `maxAge is set but ${latest} is not latest; maxAge only applies to the newest ${resource.noun} (${latest}: latest)`
        : `maxAge is set, but a ${resource.noun} has no newest one to measure`
    )
    return undefined
  }
  return readDuration(input, 'maxAge', DURATION_LIMITS.maxAge, problems, '26h, 90m or 8d')
}

/** successStates: a list of the resource's states, in any case and spacing, each once, written as the spec writes them. */
function readSuccessStates(input: InputReader, resource: Resource<unknown>, problems: string[]): string[] {
  const given = input('successStates')
  const tokens = readList((n) => input(n) || resource.defaultSuccessStates, 'successStates', /[,\s]/)
  const canonical = tokens.map((t) => resource.states.find((s) => s.toLowerCase() === t.toLowerCase()))
  const unknown = tokens.filter((_t, i) => canonical[i] === undefined)
  if (unknown.length > 0 || tokens.length === 0) {
    problems.push(
      `successStates "${given}" must list states of the ${resource.noun}, separated by commas: ${resource.states.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`
    )
    return []
  }
  return [...new Set(canonical as string[])]
}

function readStatus(
  input: InputReader,
  env: Record<string, string | undefined>,
  targetUrl: string | undefined,
  problems: string[]
): StatusSettings | undefined {
  const context = input('statusContext')
  if (context === '') return undefined
  if (context.length > 255) problems.push('statusContext must be at most 255 characters')
  const token = input('githubToken')
  if (token === '')
    problems.push(
      'statusContext is set but githubToken is empty; it defaults to the workflow token (github.token), which needs the statuses: write permission'
    )
  if (!env['GITHUB_REPOSITORY'])
    problems.push(
      'statusContext is set but GITHUB_REPOSITORY is not: commit statuses can only be posted from a workflow run'
    )
  return { context, token, targetUrl }
}

/** A boolean input's default, from action.yml's words (DEFAULTS). */
function isOnByDefault(name: 'envelope' | 'pretty' | 'summary' | 'wait'): boolean {
  return parseBoolean(DEFAULTS[name]) === true
}

function isValidDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}

/** Reads and validates every input for a resource; throws InputError listing all problems. */
export function readSettings<Ref>(
  resource: Resource<Ref>,
  input: InputReader,
  env: Record<string, string | undefined>
): Settings<Ref> {
  const problems: string[] = []
  const ref = resource.readRef(input, problems)
  const credentials = readCredentials(input, env, problems)
  const baseUrl = readBaseUrl(input('baseUrl') || DEFAULTS.baseUrl, problems)

  const apiVersion = input('apiVersion') || DEFAULTS.apiVersion
  if (!API_VERSION.test(apiVersion) || !isValidDate(apiVersion))
    problems.push(
      `apiVersion "${apiVersion}" must be a date written YYYY-MM-DD, like ${DEFAULTS.apiVersion} (the default)`
    )

  const successStates = readSuccessStates(input, resource, problems)

  const envelope = readBoolean(input, 'envelope', problems, isOnByDefault('envelope'))
  const pretty = readBoolean(input, 'pretty', problems, isOnByDefault('pretty'))
  const summary = readBoolean(input, 'summary', problems, isOnByDefault('summary'))
  // A step that starts an export waits for it unless told otherwise.
  const wait = readBoolean(input, 'wait', problems, resource.waitByDefault?.(ref) ?? isOnByDefault('wait'))
  const timeoutMs = readEngineDuration(input, 'timeout', problems)
  const pollIntervalMs = readEngineDuration(input, 'pollInterval', problems)
  const requestTimeoutMs = readEngineDuration(input, 'requestTimeout', problems)
  const maxAgeMs = readMaxAge(input, resource, ref, problems)
  // The runner's proxy variables are settings too: one that is no address would stop the action before any request.
  problems.push(...proxyProblems(env))
  const runUrl = workflowRunUrl(env)
  const statusProblems: string[] = []
  const status = readStatus(input, env, runUrl, statusProblems)
  problems.push(...statusProblems)
  if (wait && pollIntervalMs > timeoutMs)
    problems.push(
      `pollInterval (${input('pollInterval') || DEFAULTS.pollInterval}) must not exceed timeout (${input('timeout') || DEFAULTS.timeout})`
    )

  // Stryker disable next-line ConditionalExpression: no credentials always comes with a problem; the test narrows the type
  if (problems.length > 0 || credentials === undefined)
    throw new InputError(problems, { summary, ...(status && statusProblems.length === 0 ? { status } : {}) })
  return {
    ref,
    credentials,
    baseUrl,
    apiVersion,
    envelope,
    pretty,
    successStates,
    summary,
    wait,
    timeoutMs,
    pollIntervalMs,
    // No request outlives the overall deadline; a longer requestTimeout is harmless, so not an error.
    requestTimeoutMs: Math.min(requestTimeoutMs, timeoutMs),
    ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
    workflowRunUrl: runUrl,
    status
  }
}
