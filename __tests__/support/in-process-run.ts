// What the in-process suites of run() share: typed fakes of @actions/core and @actions/github (the
// model of actions/typescript-action) mocked before src/ is imported, the Atlas-like server on
// 127.0.0.1, the inputs a test sets (given.inputs), and readers of what run() handed the runner.
// Import it first, before anything from src/.
import { afterAll, beforeEach, jest } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as core from '../fixtures/core.js'
import * as github from '../fixtures/github.js'
import { skippingClock } from './clock.js'
import { DEMO, exportDocument, runDocument, startFakeAtlas } from './fake-atlas.mjs'

jest.unstable_mockModule('@actions/core', () => core)
jest.unstable_mockModule('@actions/github', () => github)
const { runAction } = await import('../../src/index.js')
// Waits cost no time (skippingClock); the cancellation tests run on the real clock, as a signal
// has to land in a wait that lasts.
export const run = (clock = skippingClock()) => runAction('.', clock)
export const runBackupExport = (clock = skippingClock()) => runAction('backup-export', clock)
export const { systemClock: onRealClock } = await import('../../src/engine/poll.js')

export const atlas = await startFakeAtlas()
afterAll(async () => {
  await atlas.close()
})

/** A URL on 127.0.0.1 where nothing listens: a port just freed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

/** createCommitStatus as a GitHub that never answers: it settles only when the request is aborted. */
export const answerOnlyAnAbort = async (params: Record<string, unknown>) =>
  new Promise<never>((_, reject) => {
    const { signal } = params['request'] as { signal: AbortSignal }
    signal.addEventListener('abort', () => reject(new Error('This operation was aborted')))
  })

const RUNNER_ENV = ['GITHUB_STEP_SUMMARY', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_SERVER_URL']
/** The inputs of the step under test: each test starts from the demo run's and changes them. */
export const given: { inputs: Record<string, string> } = { inputs: {} }

beforeEach(() => {
  jest.clearAllMocks()
  core.summary.write.mockImplementation(async () => core.summary)
  github.createCommitStatus.mockImplementation(async () => ({ status: 201 }))
  for (const name of RUNNER_ENV) delete process.env[name]
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null' // only its presence is read; the fake writes
  atlas.requests.length = 0
  atlas.script([{ run: runDocument() }])
  atlas.scriptExport([{ run: exportDocument() }])
  given.inputs = {
    groupId: DEMO.groupId,
    pipelineName: DEMO.pipelineName,
    runId: DEMO.runId,
    baseUrl: atlas.url,
    accessToken: DEMO.accessToken
  }
  core.getInput.mockImplementation((name) => given.inputs[name] ?? '')
})

export const infoLines = () => core.info.mock.calls.map(([line]) => line)
export const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
/** The inputs of a backup-export check of the demo job. */
export const exportCheckInputs = () => ({
  groupId: DEMO.groupId,
  clusterName: DEMO.clusterName,
  exportId: DEMO.exportId,
  baseUrl: atlas.url,
  accessToken: DEMO.accessToken
})
export const failure = () => core.setFailed.mock.calls.map(([message]) => String(message))
export const summaryText = () => core.summary.addRaw.mock.calls.map(([text]) => String(text)).join('')

export { core, github }
