import * as core from '@actions/core'
import { inspect } from 'node:util'
import type { Authenticator } from './atlas/auth/authenticator.js'
import { bearerAuthenticator } from './atlas/auth/authenticator.js'
import { digestAuthenticator } from './atlas/auth/digest.js'
import { oauthAuthenticator } from './atlas/auth/oauth.js'
import { AtlasClient } from './atlas/client.js'
import { createTransport, DEFAULT_MAX_BODY_BYTES, type Transport } from './atlas/transport.js'
import { formatDuration } from './duration.js'
import { MAX_ATTEMPTS_ONE_SHOT, MAX_CONSECUTIVE_FAILURES_WAIT, pollRun, type PollResult } from './poll.js'
import { buildOutputs } from './report/outputs.js'
import { statusReporter } from './report/status.js'
import { renderSummary } from './report/summary.js'
import { InputError, readSettings, type Settings } from './settings.js'
import { judge } from './verdict.js'
import { USER_AGENT } from './version.js'

// run(): inputs → settings → client → poll → report. The only place that fails the step.

/** Text from the API on one log line: a newline could start a workflow command (::set-output::…). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}

/** An error with its stack and causes, for the debug log only: never the user's message. */
function describeForDebug(error: unknown): string {
  const parts: string[] = []
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : inspect(current))
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join('\ncaused by: ')
}

/** Inputs and variables that may hold a secret: masked before anything else happens. */
const SECRET_SOURCES = {
  inputs: ['clientId', 'clientSecret', 'publicKey', 'privateKey', 'accessToken', 'githubToken'],
  env: ['MONGODB_ATLAS_CLIENT_ID', 'MONGODB_ATLAS_CLIENT_SECRET', 'MONGODB_ATLAS_PUBLIC_API_KEY', 'MONGODB_ATLAS_PRIVATE_API_KEY']
}

function maskSecrets(): void {
  const values = [...SECRET_SOURCES.inputs.map((name) => core.getInput(name)), ...SECRET_SOURCES.env.map((name) => process.env[name]?.trim() ?? '')]
  for (const value of values) if (value !== '') core.setSecret(value)
}

function createAuthenticator(settings: Settings, transport: Transport): Authenticator {
  const { credentials } = settings
  switch (credentials.kind) {
    case 'oauth':
      return oauthAuthenticator({
        baseUrl: settings.baseUrl,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        transport,
        userAgent: USER_AGENT,
        onSecret: (s) => core.setSecret(s)
      })
    case 'digest':
      return digestAuthenticator(credentials.publicKey, credentials.privateKey)
    case 'bearer':
      return bearerAuthenticator(credentials.accessToken)
  }
}

/** Aborts when the runner cancels the job (SIGINT, then SIGTERM). */
function cancellationSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const onSignal = (name: string): void => {
    core.info(`Received ${name}: stopping.`)
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

async function check(settings: Settings): Promise<{ result: PollResult; startedAt: number }> {
  const transport = createTransport({ requestTimeoutMs: settings.requestTimeoutMs, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, env: process.env })
  const auth = createAuthenticator(settings, transport)
  const client = new AtlasClient({ ...settings, userAgent: USER_AGENT, transport, auth })
  const cancel = cancellationSignal()
  const startedAt = Date.now()
  try {
    const result = await pollRun({
      fetch: (signal) => client.getPipelineRun(settings.run, signal),
      wait: settings.wait,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      maxConsecutiveFailures: settings.wait ? MAX_CONSECUTIVE_FAILURES_WAIT : MAX_ATTEMPTS_ONE_SHOT,
      signal: cancel.signal,
      onChange: (entry) => {
        if (settings.wait) core.info(oneLine(`[+${formatDuration(entry.at)}] state ${entry.state ?? '(none)'}, phase ${entry.phase ?? '(none)'}`))
      },
      onPoll: (message) => core.debug(message)
    })
    if (result.error) core.debug(`last error: ${describeForDebug(result.error)}`)
    return { result, startedAt }
  } finally {
    cancel.dispose()
    const warning = await auth.close()
    if (warning) core.warning(warning)
    await transport.close()
  }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.')
    return
  }
  try {
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The action: check (or wait for) one pipeline run and report it. */
export async function run(): Promise<void> {
  try {
    maskSecrets()
    const settings = readSettings((name) => core.getInput(name), process.env)
    const status = settings.status ? statusReporter(settings.status) : undefined
    if (settings.wait) status?.post('pending', `Waiting for pipeline run ${settings.run.runId} of ${settings.run.pipelineName}`)
    const { result, startedAt } = await check(settings)
    const verdict = judge(result, settings)
    for (const [name, value] of Object.entries(buildOutputs(result, verdict, settings.workflowRunUrl))) core.setOutput(name, value)
    if (settings.summary) await writeSummary(renderSummary(result, verdict, settings, startedAt))
    if (status) {
      // failure: the run ended badly; error: we could not tell (Atlas error, timeout, cancelled).
      status.post(verdict.ok ? 'success' : result.ending === 'finished' ? 'failure' : 'error', verdict.message)
      for (const warning of await status.settle()) core.warning(warning)
    }
    if (verdict.ok) core.info(oneLine(verdict.message))
    else core.setFailed(verdict.hint ? `${verdict.message}\n${verdict.hint}` : verdict.message)
  } catch (error) {
    if (error instanceof InputError) {
      core.setFailed(error.message)
      return
    }
    // A bug of ours: say so plainly, keep the stack for debug logs only.
    core.debug(describeForDebug(error))
    core.setFailed(
      `Unexpected error in atlas-pipeline-run-action: ${error instanceof Error ? error.message : String(error)}. Please report it with the debug log (re-run with debug logging enabled).`
    )
  }
}
