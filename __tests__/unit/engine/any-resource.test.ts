// The engine with a resource defined only in the tests (a "widget build", __tests__/fixtures/):
// inputs, the check and the wait, the verdict, outputs and the summary all come from the resource's
// data, so a new resource needs no change to the engine. run() in-process, with typed fakes of
// @actions/core and a loopback server that plays the widget's states.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import * as core from '../../fixtures/core.js'
import * as github from '../../fixtures/github.js'
import { widgetBuild } from '../../fixtures/widget-resource.js'
import { skippingClock } from '../../support/clock.js'

jest.unstable_mockModule('@actions/core', () => core)
jest.unstable_mockModule('@actions/github', () => github)
const { run } = await import('../../../src/engine/run.js')
const { runAction } = await import('../../../src/index.js')

const GROUP = '32b6e34b3d91647abb20e7b8'
const WIDGET = 'a'.repeat(24)
let server: Server
let baseUrl: string
let answers: Record<string, unknown>[] = []
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['accept']}`)
    const doc = answers.length > 1 ? answers.shift() : answers[0]
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

let inputs: Record<string, string>
beforeEach(() => {
  jest.clearAllMocks()
  core.summary.write.mockImplementation(async () => core.summary)
  process.env['GITHUB_STEP_SUMMARY'] = '/dev/null'
  seen.length = 0
  inputs = { groupId: GROUP, widgetId: WIDGET, baseUrl, accessToken: 'token' }
  core.getInput.mockImplementation((name) => inputs[name] ?? '')
})

const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
const summaryText = () => core.summary.addRaw.mock.calls.map(([text]) => String(text)).join('')

describe('a resource the engine has never heard of', () => {
  it('is checked at its own path, and passes in its success state with its outputs and summary', async () => {
    answers = [{ status: 'READY', size: 42 }]
    await run(widgetBuild)
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(seen).toEqual([`GET /api/atlas/v2/groups/${GROUP}/widgets/${WIDGET} application/vnd.atlas.2023-01-01+json`])
    expect(outputs()).toMatchObject({
      state: 'READY',
      size: '42',
      widget: '{"status":"READY","size":42}',
      succeeded: 'true',
      polls: '1'
    })
    expect(summaryText().split('\n')[0]).toBe('### ✅ widgets: READY · 42 parts')
    expect(summaryText()).toContain('<details><summary>Widget build details</summary>')
  })

  it('is waited for through its states, and judged by its own words when it fails', async () => {
    answers = [{ status: 'QUEUED' }, { status: 'BUILDING' }, { status: 'BROKEN' }]
    inputs = { ...inputs, wait: 'true', pollInterval: '1s', timeout: '30s' }
    await run(widgetBuild, skippingClock())
    expect(core.setFailed.mock.calls.map(([message]) => String(message))).toEqual([
      `Widget build ${WIDGET} is BROKEN.\nBuild the widget again.`
    ])
    expect(seen).toHaveLength(3)
    expect(summaryText()).toContain('✅ Queued 1s → ✅ Building 1s → ❌ Broken')
  })

  it('takes its inputs, its states and their defaults from the resource', async () => {
    inputs = { ...inputs, widgetId: 'nope', successStates: 'DONE' }
    await run(widgetBuild)
    expect(String(core.setFailed.mock.calls[0]![0])).toBe(
      [
        'Invalid inputs:',
        '- widgetId "nope" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8',
        '- successStates "DONE" must list states of the widget build, separated by commas: QUEUED, BUILDING, READY, BROKEN (unknown: DONE)'
      ].join('\n')
    )
    expect(seen).toEqual([])
  })
  it('is not in the registry, so the bundle entry refuses to run it by name', async () => {
    await expect(runAction('widget')).rejects.toThrow('No action in folder widget; the actions are ., backup-export')
  })
})
