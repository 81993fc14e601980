// Commit statuses in-process: the reporter posts through @actions/github's octokit to a loopback
// stand-in for the GitHub API (GITHUB_API_URL), as the action-level suite does with dist/.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { getEventListeners } from 'node:events'
import { createServer, type Server } from 'node:http'
import { commitState, statusReporter } from '../../../src/report/status.js'

const SHA = 'c'.repeat(40)
const settings = { context: 'atlas/nightly-export', token: 'ghs_unitTestToken' }

/** What the loopback GitHub does next: answer as GitHub does, refuse with 403, or never answer. */
let mode: 'ok' | 'forbidden' | 'not found' | 'failing' | 'silent' = 'ok'
const requests: { method: string; path: string; authorization?: string; body: Record<string, string> }[] = []
let github: Server

beforeAll(async () => {
  github = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>
      })
      if (mode === 'silent') return
      res.setHeader('content-type', 'application/json')
      if (mode === 'forbidden') res.writeHead(403).end('{"message":"Resource not accessible by integration"}')
      else if (mode === 'not found') res.writeHead(404).end('{"message":"Resource not accessible by integration"}')
      else if (mode === 'failing') res.writeHead(500).end('{"message":"Server Error"}')
      else res.writeHead(201).end('{"id":1}')
    })
  })
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.1', resolve))
  // @actions/github reads these when it is first imported, which the reporter does on its first post.
  Object.assign(process.env, {
    GITHUB_API_URL: `http://127.0.0.1:${(github.address() as { port: number }).port}`,
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_SHA: SHA,
    GITHUB_EVENT_PATH: ''
  })
})
beforeEach(() => {
  mode = 'ok'
  requests.length = 0
})
afterAll(async () => {
  github.closeAllConnections()
  await new Promise((resolve) => github.close(resolve))
})

describe('the final commit state', () => {
  it('is success on a pass, failure on a bad state, error when the check could not tell', () => {
    expect(commitState(true, 'finished')).toBe('success')
    expect(commitState(false, 'finished')).toBe('failure')
    expect(['timeout', 'error', 'cancelled'].map((e) => commitState(false, e as 'error'))).toEqual([
      'error',
      'error',
      'error'
    ])
  })
})

describe('the status reporter', () => {
  it('posts in order, with the description on one line and clipped at 140 characters', async () => {
    const reporter = statusReporter({ ...settings, targetUrl: 'https://github.com/acme/warehouse/actions/runs/1' })
    reporter.post('pending', '  Waiting for\n  the run\n')
    reporter.post('failure', `nightly-export: ${'x'.repeat(200)}`)
    expect(await reporter.settle(new AbortController().signal)).toEqual([])
    const bodies = requests.map((r) => r.body)
    expect(requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['POST', `/repos/acme/warehouse/statuses/${SHA}`, 'token ghs_unitTestToken'],
      ['POST', `/repos/acme/warehouse/statuses/${SHA}`, 'token ghs_unitTestToken']
    ])
    expect(bodies[0]).toEqual({
      state: 'pending',
      context: 'atlas/nightly-export',
      description: 'Waiting for the run',
      target_url: 'https://github.com/acme/warehouse/actions/runs/1'
    })
    expect(bodies[1]!.state).toBe('failure')
    expect(bodies[1]!.description).toHaveLength(140)
    expect(bodies[1]!.description).toBe(`nightly-export: ${'x'.repeat(123)}…`)
  })

  it('keeps a description of exactly 140 characters whole, and sends no target_url when there is none', async () => {
    const reporter = statusReporter(settings)
    reporter.post('success', 'y'.repeat(140))
    await reporter.settle(new AbortController().signal)
    expect(requests[0]?.body).toEqual({
      state: 'success',
      context: 'atlas/nightly-export',
      description: 'y'.repeat(140)
    })
  })

  it.each(['forbidden', 'not found'] as const)(
    'turns a refusal (%s) into a warning that names the permission, and the verdict stands',
    async (refusal) => {
      mode = refusal
      const reporter = statusReporter(settings)
      reporter.post('success', 'ok')
      expect(await reporter.settle(new AbortController().signal)).toEqual([
        'Could not post the success commit status "atlas/nightly-export": Resource not accessible by integration (the token needs the statuses: write permission). The check\'s verdict stands.'
      ])
    }
  )

  it('names no permission when GitHub itself failed', async () => {
    mode = 'failing'
    const reporter = statusReporter(settings)
    reporter.post('failure', 'x')
    expect(await reporter.settle(new AbortController().signal)).toEqual([
      'Could not post the failure commit status "atlas/nightly-export": Server Error. The check\'s verdict stands.'
    ])
  })

  it('leaves no listener on the clean-up bound once settled', async () => {
    const reporter = statusReporter(settings)
    reporter.post('success', 'ok')
    const bound = new AbortController()
    await reporter.settle(bound.signal)
    expect(getEventListeners(bound.signal, 'abort')).toHaveLength(0)
  })

  it('stops waiting for GitHub when the clean-up bound is reached, and says so', async () => {
    mode = 'silent'
    const reporter = statusReporter(settings)
    reporter.post('pending', 'waiting')
    const bound = new AbortController()
    const settled = reporter.settle(bound.signal)
    setTimeout(() => bound.abort(), 50)
    expect(await settled).toEqual([
      'Could not post the pending commit status "atlas/nightly-export": GitHub did not answer in time. The check\'s verdict stands.'
    ])
  })

  it('cuts GitHub short at once when the bound has already passed', async () => {
    mode = 'silent'
    const reporter = statusReporter(settings)
    reporter.post('success', 'done')
    const warnings = await reporter.settle(AbortSignal.abort())
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('GitHub did not answer in time')
  })
})
