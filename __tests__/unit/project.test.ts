import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { AtlasError } from '../../src/atlas/errors.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { backupExport } from '../../src/resources/backup-export.js'
import { START_DEFAULTS } from '../../src/resources/export-start.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'
import type { Resource } from '../../src/resources/resource.js'
import { exportDocument } from '../../scripts/fake-atlas.mjs'
import { DEFAULTS } from '../../src/settings.js'
import { ACTION_VERSION } from '../../src/version.js'
import { readmeIsCurrent } from '../../src/misc/docs.mjs'
import { releaseNotes } from '../../src/misc/release-notes.mjs'

/** Each action of the repository: its action.yml, its resource, and its module. */
const ACTIONS = [
  {
    file: 'action.yml',
    main: 'dist/index.js',
    resource: pipelineRun as Resource,
    module: 'src/resources/pipeline-run.ts'
  },
  {
    file: 'backup-export/action.yml',
    main: '../dist/backup-export.js',
    resource: backupExport as Resource,
    module: 'src/resources/backup-export.ts src/resources/export-start.ts'
  }
].map((a) => ({ ...a, yaml: parse(readFileSync(a.file, 'utf8')) }))

describe('the project', () => {
  it('runs its tests on Node 24, the runtime of the actions', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
  })

  it.each(ACTIONS)('$file runs node24 with its entry in the shared dist/, which exists', ({ file, main, yaml }) => {
    expect(yaml.runs).toEqual({ using: 'node24', main })
    expect(existsSync(join(dirname(file), main))).toBe(true)
  })

  it('sends the version of package.json in its User-Agent', () => {
    expect(ACTION_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })

  it.each(ACTIONS)('$file has the same defaults as the code', ({ yaml, resource }) => {
    const declared = Object.fromEntries(
      Object.entries<{ default?: unknown }>(yaml.inputs)
        .filter(
          ([, spec]) => ![undefined, ''].includes(spec.default as string) && !String(spec.default).startsWith('${{')
        )
        .map(([name, spec]) => [name, String(spec.default)])
    )
    // A resource that decides wait's default (start mode waits) has none in its action.yml.
    const { wait, ...rest } = DEFAULTS
    const start = resource === (backupExport as Resource) ? START_DEFAULTS : {}
    expect(declared).toEqual({
      ...start,
      ...rest,
      ...(resource.waitByDefault ? {} : { wait }),
      successStates: resource.defaultSuccessStates
    })
  })

  it('documents every input and output of each action.yml in the README', () => {
    expect(readmeIsCurrent()).toBe(true)
  })

  it.each(ACTIONS)('$file declares every input the code reads, with a description', ({ yaml, module, resource }) => {
    const source = ['src/settings.ts', 'src/main.ts', 'src/resources/inputs.ts', ...module.split(' ')]
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    const patterns =
      /input\('([a-zA-Z]+)'\)|\b(?:readBoolean|readDuration)\(input, '([a-zA-Z]+)'|\b(?:id|secret): '([a-zA-Z]+)'|readHexId\(input, '([a-zA-Z]+)'/g
    const read = new Set([...source.matchAll(patterns)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]))
    expect(read.size).toBeGreaterThanOrEqual(15)
    for (const name of [...read, ...resource.refInputs]) expect(Object.keys(yaml.inputs)).toContain(name)
    for (const [name, spec] of Object.entries<{ description?: string }>(yaml.inputs)) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*$/)
      expect(spec.description?.length).toBeGreaterThan(10)
    }
  })

  it.each(ACTIONS)('$file declares every output the action sets', ({ yaml, resource }) => {
    const documents: Record<string, Record<string, unknown>> = {
      'pipeline run': {
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
      },
      'export job': exportDocument({ state: 'Failed', stateReason: { errorCode: 'E', message: 'm' } })
    }
    const error = new AtlasError('e', { kind: 'api', status: 503, errorCode: 'E' })
    const outputs = buildOutputs(
      {
        ending: 'timeout',
        last: { document: documents[resource.noun]!, rateLimit: {} },
        error,
        polls: 1,
        retries: 0,
        failedInARow: 1,
        httpStatus: 503,
        elapsedMs: 1,
        timeline: []
      },
      { ok: false, headline: '', message: '' },
      resource,
      'https://github.com/o/r/actions/runs/1'
    )
    // The outputs of the steps around the check are declared by the resource.
    expect([...Object.keys(outputs), ...resource.extraOutputs].sort()).toEqual(Object.keys(yaml.outputs).sort())
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
