import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { parse } from 'yaml'
import { AtlasError } from '../../src/atlas/errors.js'
import { buildOutputs } from '../../src/report/outputs.js'
import { ACTIONS as REGISTRY, entryFile } from '../../src/actions/registry.js'
import type { Resource } from '../../src/resources/resource.js'
import { DEFAULTS, readSettings } from '../../src/settings.js'
import { ACTION_VERSION } from '../../src/version.js'
import { readmeIsCurrent } from '../../src/misc/docs.mjs'
import { releaseNotes } from '../../src/misc/release-notes.mjs'
import { FULL_DOCUMENTS } from '../fixtures/documents.js'

/** Each action of the registry, with its action.yml (where the runner finds it) read. */
const ACTIONS = REGISTRY.map(({ folder, resource }) => {
  const file = folder === '.' ? 'action.yml' : `${folder}/action.yml`
  const main = `${folder === '.' ? '' : '../'}dist/${entryFile(folder)}`
  return { folder, file, main, resource: resource as Resource, yaml: parse(readFileSync(file, 'utf8')) }
})

/** The import graph of src/: each module (path under src/) and the modules of src/ it imports, types included. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync('src', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const source = readFileSync(file, 'utf8')
    const targets = [...source.matchAll(/^(?:import|export)\b[^'"]*?from '([^']+)'/gm)]
      .map((m) => m[1]!)
      .filter((target) => target.startsWith('.'))
      .map((target) => join(dirname(file), target).replace(/\.js$/, '.ts'))
    graph.set(file, targets)
  }
  return graph
}

/** The cycles of a graph, each as the path that closes it ([] when there is none). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === 'done') return
    if (state.get(node) === 'open') return void found.push([...path.slice(path.indexOf(node)), node])
    state.set(node, 'open')
    for (const next of graph.get(node) ?? []) visit(next, [...path, node])
    state.set(node, 'done')
  }
  for (const node of graph.keys()) visit(node, [])
  return found
}

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

describe('the project', () => {
  it('runs its tests on Node 24, the runtime of the actions', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
  })

  it.each(ACTIONS)('$file runs node24 with its entry in the shared dist/, which exists', ({ file, main, yaml }) => {
    expect(yaml.runs).toEqual({ using: 'node24', main })
    expect(existsSync(join(dirname(file), main))).toBe(true)
  })

  it('imports point one way: no circles in src/, type-only imports included', () => {
    const graph = importGraph()
    expect(graph.size).toBeGreaterThan(30)
    expect(cycles(graph)).toEqual([])
    // The check itself sees one: a -> b -> a.
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']]
        ])
      )
    ).toEqual([['a', 'b', 'a']])
  })

  it('src/ is the bundle and its build tooling: nothing in it imports the tests or scripts/', () => {
    const outside = [...importGraph()].flatMap(([file, targets]) =>
      targets.filter((target) => !target.startsWith('src/')).map((target) => `${file} -> ${target}`)
    )
    expect(outside).toEqual([])
  })

  it('the Atlas layer knows nothing of GitHub or of the engine above it', () => {
    const atlas = [...importGraph()].filter(([file]) => file.startsWith('src/atlas/'))
    expect(
      atlas.flatMap(([file, targets]) =>
        targets.filter((t) => !t.startsWith('src/atlas/')).map((t) => `${file} -> ${t}`)
      )
    ).toEqual([])
    for (const [file] of atlas) expect(readFileSync(file, 'utf8')).not.toMatch(/from '@actions\//)
  })

  it('has an engine that knows no resource: outside resources/ and actions/, src/ names none', () => {
    const words = /snapshot|pipeline|bucket|cluster|export job|exportId|runId|backup/i
    const mentions = [...importGraph().keys()]
      .filter((file) => !/^src\/(resources|actions|misc)\//.test(file))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, where: `${file}:${i + 1}` }))
          // The product's name is the one exception: it is the action's, not a resource's.
          .filter(({ line }) =>
            words.test(
              line
                .replace(/atlas-pipeline-run-action/g, '')
                .replace(/GITHUB_RUN_ID|\brunId\b(?= =|\))|!runId|\$\{runId\}/g, '')
            )
          )
          .map(({ where }) => where)
      )
    expect(mentions).toEqual([])
  })

  it('has no function in src/ longer than 70 lines', () => {
    const long: string[] = []
    for (const file of importGraph().keys()) {
      if (!file.endsWith('.ts')) continue
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const lines =
            source.getLineAndCharacterOfPosition(node.getEnd()).line -
            source.getLineAndCharacterOfPosition(node.getStart()).line +
            1
          if (lines > 70)
            long.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} (${lines} lines)`)
        }
        ts.forEachChild(node, visit)
      }
      visit(source)
    }
    expect(long).toEqual([])
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
    expect(declared).toEqual({
      ...resource.inputDefaults,
      ...rest,
      ...(resource.waitByDefault ? {} : { wait }),
      successStates: resource.defaultSuccessStates
    })
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
