// Commit statuses for required checks, action-level: dist/index.js posts to a loopback fake of
// the GitHub REST API (octokit honours GITHUB_API_URL).
import { afterEach, describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BEARER_INPUTS,
  runWithoutLeaksOrCrash,
  errorAnnotation,
  OAUTH_INPUTS,
  RUN_INPUTS,
  useSharedAtlas
} from '../support/action.js'
import { runDocument } from '../support/fake-atlas.mjs'
import { startFakeGitHub } from '../support/fake-github.mjs'
import { spawnAction } from '../../scripts/run-action.mjs'

const shared = useSharedAtlas()
let github: Awaited<ReturnType<typeof startFakeGitHub>> | undefined
afterEach(async () => {
  await github?.close()
  github = undefined
})

const SHA = 'a'.repeat(40)
const HEAD_SHA = 'b'.repeat(40)
const GITHUB_TOKEN = 'ghs_fakeWorkflowToken0123456789abcdef'
const RUN_URL = 'https://github.com/acme/warehouse/actions/runs/4242'

const eventDirs: string[] = []
afterEach(() => {
  for (const dir of eventDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function workflowEnv(apiUrl: string, event: object = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'event-'))
  eventDirs.push(dir)
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(event))
  return {
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath
  }
}

const STATUS = { statusContext: 'atlas/nightly-export', githubToken: GITHUB_TOKEN }

describe('commit status', () => {
  it('posts success with the state, the context and a link to the workflow run', async () => {
    github = await startFakeGitHub()
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { ...BEARER_INPUTS, ...STATUS },
      workflowEnv(github.url),
      [GITHUB_TOKEN]
    )
    expect(result.code).toBe(0)
    expect(github.requests).toHaveLength(1)
    const [post] = github.requests
    expect(post!.method).toBe('POST')
    expect(post!.path).toBe(`/repos/acme/warehouse/statuses/${SHA}`)
    expect(post!.authorization).toBe(`token ${GITHUB_TOKEN}`)
    expect(post!.body).toEqual({
      state: 'success',
      context: 'atlas/nightly-export',
      description: expect.stringContaining('is DONE (phase INGESTION)'),
      target_url: RUN_URL
    })
    expect(result.outputs['url']).toBe(RUN_URL)
    expect(result.summary).toContain(`[Workflow run](${RUN_URL})`)
  })

  it('posts failure on invalid inputs, on the pull request head, before any request to Atlas', async () => {
    github = await startFakeGitHub()
    const event = { pull_request: { head: { sha: HEAD_SHA } } }
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { ...BEARER_INPUTS, ...STATUS, runId: 'latets', timeout: 'soon' },
      workflowEnv(github.url, event),
      [GITHUB_TOKEN]
    )
    expect(result.code).toBe(1)
    expect(shared.atlas.requests).toHaveLength(0)
    expect(github.requests.map((r) => [r.path, r.body['state'], r.body['context']])).toEqual([
      [`/repos/acme/warehouse/statuses/${HEAD_SHA}`, 'failure', 'atlas/nightly-export']
    ])
    expect(github.requests[0]!.body['description']).toMatch(/^Invalid inputs: runId "latets" must be 24 hexadecimal/)
    expect(errorAnnotation(result)).toMatch(/^Invalid inputs:\n- runId "latets"/)
  })

  it('posts pending while waiting, then failure, on the pull request head', async () => {
    github = await startFakeGitHub()
    shared.atlas.script([
      { run: runDocument({ state: 'IN_PROGRESS' }) },
      { run: runDocument({ state: 'FAILED', phase: 'EXPORT' }) }
    ])
    const event = { pull_request: { number: 7, head: { sha: HEAD_SHA } } }
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { ...BEARER_INPUTS, ...STATUS, wait: 'true', pollInterval: '1s' },
      { ...workflowEnv(github.url, event), GITHUB_EVENT_NAME: 'pull_request' },
      [GITHUB_TOKEN]
    )
    expect(result.code).toBe(1)
    expect(github.requests.map((r) => [r.path, r.body.state])).toEqual([
      [`/repos/acme/warehouse/statuses/${HEAD_SHA}`, 'pending'],
      [`/repos/acme/warehouse/statuses/${HEAD_SHA}`, 'failure']
    ])
    expect(github.requests[1]!.body.description).toContain('FAILED in phase EXPORT')
    expect(github.requests[1]!.body.description.length).toBeLessThanOrEqual(140)
  })

  it('posts error when Atlas could not be asked', async () => {
    github = await startFakeGitHub()
    shared.atlas.script([{ status: 404, body: { error: 404, errorCode: 'RESOURCE_NOT_FOUND', detail: 'gone' } }])
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { ...OAUTH_INPUTS, ...STATUS },
      workflowEnv(github.url),
      [GITHUB_TOKEN]
    )
    expect(result.code).toBe(1)
    expect(github.requests.map((r) => r.body.state)).toEqual(['error'])
  })

  it.each([
    [403, true],
    [500, false]
  ])('warns when GitHub answers %i, and the verdict stands (permission hint: %s)', async (status, hint) => {
    github = await startFakeGitHub({ failWith: status })
    const result = await runWithoutLeaksOrCrash(
      shared.atlas.url,
      { ...BEARER_INPUTS, ...STATUS },
      workflowEnv(github.url),
      [GITHUB_TOKEN]
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('::warning::Could not post the success commit status "atlas/nightly-export"')
    expect(result.stdout.includes('statuses: write permission')).toBe(hint)
  })

  it('asks for a token and a repository before any request', async () => {
    const result = await spawnAction({
      inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: shared.atlas.url, statusContext: 'atlas/x' }
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('statusContext is set but githubToken is empty')
    expect(errorAnnotation(result)).toContain('GITHUB_REPOSITORY is not')
    expect(shared.atlas.requests).toHaveLength(0)
  })

  it('a plain check never loads @actions/github: it runs without the octokit chunk', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'dist-without-octokit-'))
    // The root action's entry and the shared bundle, without the bundle's octokit chunk.
    mkdirSync(join(copy, 'engine'))
    for (const file of ['index.js', 'package.json', 'engine/index.js', 'engine/package.json'])
      copyFileSync(join('dist', file), join(copy, file))
    expect(readdirSync('dist/engine').some((f) => /^\d+\.index\.js$/.test(f))).toBe(true)
    try {
      const result = await spawnAction({
        inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, baseUrl: shared.atlas.url },
        entry: join(copy, 'index.js')
      })
      expect(result.code).toBe(0)
      const withStatus = await spawnAction({
        inputs: { ...RUN_INPUTS, ...BEARER_INPUTS, ...STATUS, baseUrl: shared.atlas.url },
        env: workflowEnv('http://127.0.0.1:9'),
        entry: join(copy, 'index.js')
      })
      // With a status to post, the missing chunk is needed: a warning, and still the Atlas verdict.
      expect(withStatus.code).toBe(0)
      expect(withStatus.stdout).toContain('::warning::Could not post the success commit status')
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
