// Each action.yml against the code that runs it: its entry, its inputs with their defaults, its
// outputs, and the README that documents them. These read the code's own lists (the registry, the
// resources, the settings), so a mutant that changes one of them fails here; project.test.ts
// holds the checks that read src/ as text.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { parse } from 'yaml'
import { AtlasError } from '../../src/atlas/errors.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { ACTIONS as REGISTRY, entryFile } from '../../src/actions.js'
import type { Resource } from '../../src/resources/resource.js'
import { DEFAULTS, readSettings } from '../../src/engine/settings.js'
import { readmeIsCurrent, renderActionYml, staleActionYmls } from '../../scripts/docs.mjs'
import { FULL_DOCUMENTS } from '../fixtures/documents.js'
import SHARED_INPUTS from '../../src/engine/shared-inputs.json' with { type: 'json' }

/** Each action of the registry, with its action.yml (where the runner finds it) read. */
const ACTIONS = REGISTRY.map(({ folder, resource }) => {
  const file = join(folder, 'action.yml')
  // Where the runner looks for the entry: relative to the folder of action.yml.
  const main = relative(folder, join('dist', entryFile(folder)))
  return { folder, file, main, resource: resource as Resource, yaml: parse(readFileSync(file, 'utf8')) }
})

/** Every input that reading the settings of resource asks for, with the inputs given as each of values. */
function inputsRead(resource: Resource): Set<string> {
  const read = new Set<string>()
  // Some inputs are read only when others are set (start mode, a commit status): every input gets
  // each of these values in turn.
  for (const value of ['', 'true', 'latest', '32b6e34b3d91647abb20e7b8', 'x']) {
    try {
      readSettings(resource, (name) => (read.add(name), value), {})
    } catch {
      // Invalid inputs are the point of most of these passes.
    }
  }
  return read
}

describe('each action.yml', () => {
  it.each(ACTIONS)('$file runs node24 with its entry in the shared dist/, which exists', ({ file, main, yaml }) => {
    expect(yaml.runs).toEqual({ using: 'node24', main })
    expect(existsSync(join(dirname(file), main))).toBe(true)
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
    expect(declared).toEqual({
      ...resource.inputDefaults,
      ...rest,
      ...(resource.waitByDefault ? {} : { wait }),
      successStates: resource.defaultSuccessStates
    })
  })

  it('has the shared inputs of src/engine/shared-inputs.json, written by npm run docs', () => {
    expect(staleActionYmls(ACTIONS.map(({ folder }) => folder))).toEqual([])
    for (const { yaml } of ACTIONS)
      for (const [name, { description, default: value }] of Object.entries(SHARED_INPUTS))
        expect(yaml.inputs[name]).toEqual({ description, required: false, default: value })
    // The check does see a block that differs, and an action.yml without the markers.
    const text = readFileSync('action.yml', 'utf8')
    expect(renderActionYml(text, '  x: {}\n')).not.toBe(text)
    expect(() => renderActionYml('inputs:\n')).toThrow(/lacks the shared inputs markers/)
  })

  it.each(ACTIONS.filter(({ folder }) => folder !== '.'))(
    '$folder has a README.md that links to its sections of the README',
    ({ folder }) => {
      const readme = readFileSync(join(folder, 'README.md'), 'utf8')
      expect(readme).toContain(`uses: OWNER/atlas-pipeline-run-action/${folder}@v1`)
      expect(readme).toContain(`](../README.md#inputs-of-${folder})`)
      expect(readme).toContain(`](../README.md#outputs-of-${folder})`)
    }
  )

  it("runs every action of the registry through the runner in CI's action job", () => {
    const ci = parse(readFileSync('.github/workflows/ci.yml', 'utf8'))
    const used = ci.jobs.action.steps
      .map((step: { uses?: string }) => step.uses)
      .filter((u?: string) => u?.startsWith('./'))
    expect(used).toEqual(ACTIONS.map(({ folder }) => (folder === '.' ? './' : `./${folder}`)))
  })

  it('documents every input and output of each action.yml in the README', () => {
    expect(readmeIsCurrent(ACTIONS.map(({ folder }) => folder))).toBe(true)
  })

  it('has an action.yml for each action of the registry, and no action.yml outside it', () => {
    const found = [
      'action.yml',
      ...readdirSync('.', { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(entry.name, 'action.yml')))
        .map((entry) => `${entry.name}/action.yml`)
    ]
    expect(found.sort()).toEqual(ACTIONS.map(({ file }) => file).sort())
  })

  it.each(ACTIONS)('$file declares every input the code reads, with a description', ({ yaml, resource }) => {
    const read = inputsRead(resource)
    expect(read.size).toBeGreaterThanOrEqual(15)
    expect([...read, ...resource.refInputs].filter((name) => !(name in yaml.inputs))).toEqual([])
    for (const [name, spec] of Object.entries<{ description?: string }>(yaml.inputs)) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*$/)
      expect(spec.description?.length).toBeGreaterThan(10)
    }
    // And nothing declared that the code never reads.
    expect(Object.keys(yaml.inputs).filter((name) => !read.has(name))).toEqual([])
  })

  it.each(ACTIONS)('$file declares every output the action sets', ({ folder, yaml, resource }) => {
    const error = new AtlasError('e', { kind: 'api', status: 503, errorCode: 'E' })
    const outputs = buildOutputs(
      {
        ending: 'timeout',
        last: { document: FULL_DOCUMENTS[folder]!, rateLimit: {} },
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
    expect([...new Set([...Object.keys(outputs), ...resource.stepOutputs])].sort()).toEqual(
      Object.keys(yaml.outputs).sort()
    )
  })
})
