import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { AtlasError } from '../../src/atlas/errors.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { DEFAULTS } from '../../src/settings.js'
import { ACTION_VERSION } from '../../src/version.js'
import { readmeIsCurrent } from '../../src/misc/docs.mjs'
import { releaseNotes } from '../../src/misc/release-notes.mjs'

const action = parse(readFileSync('action.yml', 'utf8'))

describe('the project', () => {
  it('runs its tests on Node 24, the runtime of the action', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('sends the version of package.json in its User-Agent', () => {
    expect(ACTION_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })

  it('has the same defaults in the code as in action.yml', () => {
    const declared = Object.fromEntries(
      Object.entries<{ default?: unknown }>(action.inputs)
        .filter(
          ([, spec]) => ![undefined, ''].includes(spec.default as string) && !String(spec.default).startsWith('${{')
        )
        .map(([name, spec]) => [name, String(spec.default)])
    )
    expect(declared).toEqual({ ...DEFAULTS })
  })

  it('documents every input and output of action.yml in the README', () => {
    expect(readmeIsCurrent()).toBe(true)
  })

  it('declares every input the code reads, with a description', () => {
    const source = readFileSync('src/settings.ts', 'utf8') + readFileSync('src/main.ts', 'utf8')
    const patterns =
      /input\('([a-zA-Z]+)'\)|\b(?:readBoolean|readDuration)\(input, '([a-zA-Z]+)'|\b(?:id|secret): '([a-zA-Z]+)'/g
    const read = new Set([...source.matchAll(patterns)].map((m) => m[1] ?? m[2] ?? m[3]))
    expect(read.size).toBeGreaterThanOrEqual(15)
    for (const name of read) expect(Object.keys(action.inputs)).toContain(name)
    for (const [name, spec] of Object.entries<{ description?: string }>(action.inputs)) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*$/)
      expect(spec.description?.length).toBeGreaterThan(10)
    }
  })

  it('declares every output the action sets', () => {
    const run = {
      state: 'DONE',
      phase: 'EXPORT',
      datasetName: 'd',
      snapshotId: 's',
      pipelineId: 'p',
      backupFrequencyType: 'DAILY',
      createdDate: 'c',
      lastUpdatedDate: 'l',
      scheduledDeletionDate: 'x',
      stats: { bytesExported: 1, numDocs: 2 }
    }
    const error = new AtlasError('e', { kind: 'api', status: 503, errorCode: 'E' })
    const outputs = buildOutputs(
      { ending: 'timeout', last: { run, rateLimit: {} }, error, polls: 1, httpStatus: 503, elapsedMs: 1, timeline: [] },
      { ok: false, message: '' },
      'https://github.com/o/r/actions/runs/1'
    )
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it('pins every third-party action in its workflows by commit, with the version in a comment', () => {
    const uses = readdirSync('.github/workflows').flatMap((file) =>
      [...readFileSync(`.github/workflows/${file}`, 'utf8').matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/gm)].map(
        ([, target, rest]) => ({ file, target: target!, rest: rest! })
      )
    )
    const thirdParty = uses.filter(({ target }) => !target.startsWith('./'))
    expect(thirdParty.length).toBeGreaterThan(0)
    for (const { target, rest } of thirdParty)
      expect(`${target}${rest}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
  })

  it('runs the same checks on GitHub as in CI: the workflow calls .ci/run', () => {
    const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8'))
    expect(ci.jobs.test.steps.map((step: { run?: string }) => step.run).filter(Boolean)).toEqual(['bash .ci/run'])
  })

  it('has release notes in CHANGELOG.md for the version of package.json', () => {
    const changelog = readFileSync('CHANGELOG.md', 'utf8')
    expect(releaseNotes(changelog, `v${ACTION_VERSION}`)).toMatch(/^### Added\n- /)
    expect(releaseNotes(changelog, 'v0.0.1')).toBeUndefined()
  })
})
