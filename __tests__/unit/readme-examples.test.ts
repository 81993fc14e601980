// Every workflow example in the README runs as written: a complete workflow passes actionlint
// (which resolves its steps.<id> and needs.<job>.outputs.<name>), a fragment names the step it
// continues, and every input and output of our actions that an example uses is one that the
// action's action.yml declares.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { ACTIONS as REGISTRY } from '../../src/actions.js'

const README = readFileSync('README.md', 'utf8')
const EXAMPLES = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
/** Each action of the registry, by the name a workflow uses it under. */
const ACTIONS: Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }> =
  Object.fromEntries(
    REGISTRY.map(({ folder }) => [
      folder === '.' ? 'OWNER/atlas-pipeline-run-action@v1' : `OWNER/atlas-pipeline-run-action/${folder}@v1`,
      parse(readFileSync(join(folder, 'action.yml'), 'utf8'))
    ])
  )
const isWorkflow = (text: string): boolean => /^on:/m.test(text) && /^jobs:/m.test(text)

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}

/** The steps of an example: every job's steps for a workflow, the listed steps for a fragment. */
function stepsOf(text: string): Step[][] {
  // A fragment is indented as it would be inside a job: take the common indentation away.
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const indent = Math.min(...lines.map((line) => line.length - line.trimStart().length))
  const doc = parse(text.replace(new RegExp(`^ {${indent}}`, 'gm'), '')) as unknown
  if (Array.isArray(doc)) return [doc as Step[]]
  const jobs = (doc as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {}
  return Object.values(jobs).map((job) => job.steps ?? [])
}

/** actionlint's findings for a whole workflow, as its CLI prints them ([] when it is clean). */
function actionlint(workflow: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'readme-workflow-'))
  try {
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true })
    writeFileSync(join(dir, '.github', 'workflows', 'example.yml'), workflow)
    const cli = join(process.cwd(), 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js')
    const run = spawnSync(process.execPath, [cli], { cwd: dir, encoding: 'utf8' })
    return run.status === 0 ? [] : run.stdout.split('\n').filter((line) => /example\.yml:\d+/.test(line))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the README examples', () => {
  it('are there: complete workflows and fragments', () => {
    expect(EXAMPLES.filter(isWorkflow).length).toBeGreaterThanOrEqual(3)
    expect(EXAMPLES.filter((e) => !isWorkflow(e)).length).toBeGreaterThanOrEqual(3)
  })

  it.each(EXAMPLES.filter(isWorkflow).map((e, i) => [i + 1, e] as [number, string]))(
    'complete workflow %i passes actionlint, steps and needs resolved',
    (_i, workflow) => {
      expect(actionlint(workflow)).toEqual([])
    }
  )

  it('actionlint does catch an unresolved step or job output', () => {
    const broken = EXAMPLES.find((e) => isWorkflow(e) && e.includes('needs.export.outputs.exportUri'))!
    expect(actionlint(broken.replace('needs.export.outputs.exportUri', 'needs.export.outputs.location'))).toEqual([
      expect.stringContaining('location')
    ])
  })

  it.each(EXAMPLES.filter((e) => !isWorkflow(e)).map((e, i) => [i + 1, e] as [number, string]))(
    'fragment %i defines or names every step it reads',
    (_i, fragment) => {
      const defined = new Set(stepsOf(fragment).flatMap((steps) => steps.map((s) => s.id)))
      const read = [...fragment.matchAll(/steps\.([\w-]+)\.outputs/g)].map((m) => m[1]!)
      // A step read but not in the fragment must be named in a comment: "# set by your step with id: start".
      const unnamed = read.filter((id) => !defined.has(id) && !new RegExp(`#.*\\bid: ${id}\\b`).test(fragment))
      expect(unnamed).toEqual([])
    }
  )

  it('use only inputs and outputs our action.yml files declare', () => {
    const problems: string[] = []
    for (const example of EXAMPLES) {
      const steps = stepsOf(example).flat()
      for (const step of steps) {
        const action = step.uses ? ACTIONS[step.uses] : undefined
        if (!action) continue
        for (const input of Object.keys(step.with ?? {}))
          if (!(input in action.inputs)) problems.push(`${step.uses} has no input ${input}`)
        for (const m of example.matchAll(new RegExp(`steps\\.${step.id}\\.outputs\\.(\\w+)`, 'g')))
          if (!(m[1]! in action.outputs)) problems.push(`${step.uses} has no output ${m[1]}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('grant in each permissions block what the workflow needs: id-token for OIDC, statuses for a commit status', () => {
    const problems: string[] = []
    for (const [i, workflow] of EXAMPLES.filter(isWorkflow).entries()) {
      const doc = parse(workflow) as {
        permissions?: Record<string, string>
        jobs: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>
      }
      for (const [name, job] of Object.entries(doc.jobs)) {
        const granted = job.permissions ?? doc.permissions ?? {}
        const text = JSON.stringify(job.steps ?? [])
        if (/role-to-assume|OIDC/i.test(text) && granted['id-token'] !== 'write')
          problems.push(`workflow ${i + 1}, job ${name}: assumes a role with OIDC without id-token: write`)
        if (/statusContext/.test(text) && granted['statuses'] !== 'write')
          problems.push(`workflow ${i + 1}, job ${name}: posts a commit status without statuses: write`)
      }
    }
    expect(problems).toEqual([])
  })

  it('explain OWNER once, near the top', () => {
    const explained = README.split('\n').filter((line) => /\*\*`OWNER`\*\*/.test(line))
    expect(explained).toHaveLength(1)
    expect(README.indexOf('**`OWNER`**')).toBeLessThan(README.indexOf('## Try it locally'))
  })

  it('use the statusContext that each action.yml gives as its example', () => {
    for (const [uses, action] of Object.entries(ACTIONS)) {
      const described = (action.inputs['statusContext'] as { description: string }).description
      const example = /e\.g\. ([\w/.-]+)\)/.exec(described)?.[1]
      const used = EXAMPLES.flatMap((e) => stepsOf(e).flat())
        .filter((step) => step.uses === uses && step.with?.['statusContext'] !== undefined)
        .map((step) => step.with!['statusContext'])
      for (const context of used) expect([uses, context]).toEqual([uses, example])
    }
  })
})

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')

describe('the links between the documents', () => {
  const anchors = (file: string): Set<string> =>
    new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)))

  it.each([
    'README.md',
    'REFERENCE.md',
    'CONTRIBUTING.md',
    ...REGISTRY.filter((a) => a.folder !== '.').map((a) => `${a.folder}/README.md`)
  ])('%s links only to headings that exist', (file) => {
    const text = readFileSync(file, 'utf8')
    const broken: string[] = []
    for (const [, target, anchor] of text.matchAll(/\]\(((?:\.\.\/)?[\w./-]*?)#([\w-]+)\)/g)) {
      const doc = target === '' ? file : join(dirname(file), target!)
      if (!anchors(doc).has(anchor!)) broken.push(`${target}#${anchor}`)
    }
    expect(broken).toEqual([])
  })
})
