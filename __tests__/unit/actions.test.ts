// The one list of actions, and the file in dist/ that each action.yml runs.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTIONS, entryFile } from '../../src/actions.js'
import { registryFolders } from '../../scripts/docs.mjs'

describe('the registry', () => {
  it('has the root action first, then one folder per sibling action, each with an action.yml', () => {
    expect(ACTIONS[0]?.folder).toBe('.')
    expect(new Set(ACTIONS.map((a) => a.folder)).size).toBe(ACTIONS.length)
    for (const { folder } of ACTIONS) expect(existsSync(join(folder, 'action.yml'))).toBe(true)
  })

  it('gives each action its own resource', () => {
    expect(new Set(ACTIONS.map((a) => a.resource)).size).toBe(ACTIONS.length)
  })

  it('is read from its source by the docs generator, folder for folder', () => {
    // Under mutation testing src/actions.ts is Stryker's instrumented copy, not the text the docs generator reads.
    const source = readFileSync(join('src', 'actions.ts'), 'utf8')
    if (!source.includes('stryMutAct_')) expect(registryFolders()).toEqual(ACTIONS.map((a) => a.folder))
    expect(registryFolders("  { folder: '.', resource: a },\n  { folder: 'x-y', resource: b }")).toEqual(['.', 'x-y'])
  })

  it('runs dist/index.js for the root action and dist/<folder>.js for the others', () => {
    expect(entryFile('.')).toBe('index.js')
    expect(entryFile('backup-export')).toBe('backup-export.js')
    expect(entryFile('restore-job')).toBe('restore-job.js')
  })
})
