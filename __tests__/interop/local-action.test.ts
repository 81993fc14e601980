// The runner protocol as @github/local-action implements it: it runs the root action's run() with
// its own stand-in for @actions/core and reports outputs and failure its way.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { RUN_INPUTS, DIGEST_INPUTS, useSharedAtlas } from '../support/action.js'
import { runDocument } from '../support/fake-atlas.mjs'

const shared = useSharedAtlas()

/** Runs local-action as a child process; asynchronously, since the Atlas-like server lives in this process. */
async function localAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
  try {
    const envFile = join(dir, '.env')
    writeFileSync(
      envFile,
      Object.entries(inputs)
        .map(([name, value]) => `INPUT_${name.toUpperCase()}=${value}`)
        .join('\n') + '\n'
    )
    const bin = resolve('node_modules/.bin')
    const child = spawn(join(bin, 'local-action'), ['run', '.', '__tests__/fixtures/local-action-entry.ts', envFile], {
      env: {
        PATH: `${bin}:${process.env['PATH']}`,
        HOME: process.env['HOME'],
        LOCAL_ACTION_WORKSPACE: dir,
        GITHUB_STEP_SUMMARY: join(dir, 'summary')
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    const outputs = Object.fromEntries(
      [...stdout.matchAll(/^::set-output name=(\w+)::(.*)$/gm)].map((m) => [m[1], m[2]])
    )
    return { code, stdout, stderr, outputs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('through @github/local-action', () => {
  it('sets the outputs of a DONE run', async () => {
    const result = await localAction({ ...RUN_INPUTS, ...DIGEST_INPUTS, baseUrl: shared.atlas.url })
    expect(result.stderr).not.toMatch(/Error:/)
    expect(result.outputs).toMatchObject({ state: 'DONE', phase: 'INGESTION', numDocs: '1234567', succeeded: 'true' })
    expect(shared.atlas.requests.map((r) => r.authResult)).toEqual(['challenge', 'ok'])
  }, 120_000)

  it('reports the failure of a FAILED run', async () => {
    shared.atlas.script([{ run: runDocument({ state: 'FAILED', phase: 'EXPORT' }) }])
    const result = await localAction({ ...RUN_INPUTS, ...DIGEST_INPUTS, baseUrl: shared.atlas.url })
    expect(result.outputs).toMatchObject({ state: 'FAILED', succeeded: 'false' })
    expect(result.stdout).toMatch(/::error::Pipeline run \w+ of nightly-export FAILED in phase EXPORT/)
  }, 120_000)
})
