// The project's shape, read from its files as text: imports that point one way, an engine that
// names no resource, short functions, pinned workflow actions, release notes. Stryker leaves this
// file out (it would read the mutated src/); action-metadata.test.ts holds what it can run.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'
import { parse } from 'yaml'
import { ACTION_VERSION } from '../../src/engine/version.js'
import { releaseNotes } from '../../scripts/release-notes.mjs'

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

describe('the project', () => {
  it('runs its tests on Node 24, the runtime of the actions', () => {
    expect(process.versions.node.split('.')[0]).toBe('24')
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

  it('src/ is exactly the bundle: nothing in it imports the tests or scripts/, and no tooling lives in it', () => {
    const outside = [...importGraph()].flatMap(([file, targets]) =>
      targets.filter((target) => !target.startsWith('src/')).map((target) => `${file} -> ${target}`)
    )
    // The one exception: the version, which is package.json's.
    expect(outside).toEqual(['src/engine/version.ts -> package.json'])
    expect([...importGraph().keys()].filter((file) => !file.endsWith('.ts'))).toEqual([])
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

  it('has an engine that knows no resource: outside resources/ and the registry, src/ names none', () => {
    const words = /snapshot|pipeline|bucket|cluster|export job|exportId|runId|backup/i
    const mentions = [...importGraph().keys()]
      .filter((file) => !/^src\/(resources\/|actions\.ts$)/.test(file))
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

  it('keeps each resource in its folder: "restore" appears only in backup-restore/ and the registry', () => {
    const mentions = [...importGraph().keys()]
      .filter((file) => !/^src\/(resources\/backup-restore\/|actions\.ts$)/.test(file))
      .filter((file) => /restore/i.test(readFileSync(file, 'utf8')))
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
