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
import { text } from '../../../src/resources/fields.js'
import type { Resource } from '../../../src/resources/resource.js'
import type { WidgetRef } from '../../fixtures/widget-resource.js'

jest.unstable_mockModule('@actions/core', () => core)
jest.unstable_mockModule('@actions/github', () => github)
const { run } = await import('../../../src/engine/run.js')
const { runAction } = await import('../../../src/index.js')
const { systemClock } = await import('../../../src/engine/poll.js')

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

describe('a resource whose documents hold credentials (secrets)', () => {
  const LINK = 'https://dl.widgets.test/widget-1/t0k3n-abc/parts.tar.gz'
  const OTHER = 'https://dl.widgets.test/widget-0/t0k3n-old/parts.tar.gz'
  /** A widget whose download link is a credential, and whose prepare() lists the widgets first. */
  const linkedWidget: Resource<WidgetRef> = {
    ...widgetBuild,
    secrets: (doc) => [text(doc['link'])].filter((link): link is string => link !== undefined),
    outputs: (doc) => ({ ...widgetBuild.outputs(doc), link: text(doc['link']) }),
    prepare: async (ref, steps) => {
      await steps.listAll({ what: 'list the widgets', role: 'Project Widget Viewer' }, [
        'groups',
        ref.groupId,
        'widgets'
      ])
      return { ref }
    }
  }

  it('masks each one as it arrives, in a list and in the document, before any output', async () => {
    answers = [
      { results: [{ status: 'READY', link: OTHER }] },
      { status: 'READY', link: LINK, parts: [{ link: LINK }] }
    ]
    await run(linkedWidget)
    expect(core.setFailed).not.toHaveBeenCalled()
    const masked = core.setSecret.mock.calls.map(([value]) => value)
    expect(masked).toEqual(expect.arrayContaining([OTHER, LINK]))
    const maskedAt = Math.min(...core.setSecret.mock.calls.map((_, i) => core.setSecret.mock.invocationCallOrder[i]!))
    expect(Math.min(...core.setOutput.mock.invocationCallOrder)).toBeGreaterThan(maskedAt)
  })

  it('keeps them out of the document output, at any depth, and hands them only to the outputs the resource names', async () => {
    answers = [{ results: [] }, { status: 'READY', link: LINK, parts: [{ link: LINK }, 'kept'] }]
    await run(linkedWidget)
    expect(outputs()['widget']).toBe('{"status":"READY","link":"***","parts":[{"link":"***"},"kept"]}')
    expect(outputs()['link']).toBe(LINK)
    expect(summaryText()).not.toContain('t0k3n')
  })
})

describe('a resource that undoes what it started when the workflow is cancelled (onCancel)', () => {
  const undone: string[] = []
  const undoingWidget = (undo: boolean): Resource<WidgetRef> => ({
    ...widgetBuild,
    prepare: async (ref) => ({
      ref,
      onCancel: {
        hint: 'The widget build goes on in Atlas, which cannot stop one.',
        ...(undo
          ? {
              undo: async (steps) => {
                undone.push('undo')
                await steps.call(
                  { what: 'cancel the widget build', role: 'Project Widget Owner' },
                  ref.widgetId.split(''),
                  {
                    method: 'DELETE'
                  }
                )
                steps.record({ what: 'Widget build', id: ref.widgetId, how: 'cancelled (the workflow was cancelled)' })
              }
            }
          : {})
      }
    })
  })

  async function cancelledWhileWaiting(resource: Resource<WidgetRef>): Promise<void> {
    answers = [{ status: 'BUILDING' }]
    inputs = { ...inputs, wait: 'true', pollInterval: '1s', timeout: '1m' }
    const checking = run(resource, systemClock)
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.emit('SIGINT', 'SIGINT')
    await checking
  }

  it('undoes it within the clean-up bound, says so in the summary, and puts the hint of the resource in the annotation', async () => {
    undone.length = 0
    await cancelledWhileWaiting(undoingWidget(true))
    expect(undone).toEqual(['undo'])
    expect(seen.filter((line) => line.startsWith('DELETE '))).toHaveLength(1)
    expect(summaryText()).toContain(`- Widget build \`${WIDGET}\`: cancelled (the workflow was cancelled)`)
    const [message] = core.setFailed.mock.calls.map(([m]) => String(m))
    expect(message).toMatch(
      /^Cancelled while the widget build was BUILDING .*\nThe widget build goes on in Atlas, which cannot stop one\.$/
    )
    expect(outputs()['polls']).toBe('2')
  })

  it('only says what goes on when there is nothing to undo', async () => {
    await cancelledWhileWaiting(undoingWidget(false))
    expect(seen.filter((line) => line.startsWith('DELETE '))).toEqual([])
    expect(String(core.setFailed.mock.calls[0]![0])).toMatch(
      /\nThe widget build goes on in Atlas, which cannot stop one\.$/
    )
  })
})
