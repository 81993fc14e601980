// The one list of actions, and the file in dist/ that each action.yml runs.
import { describe, expect, it } from '@jest/globals'
import { ACTIONS, entryFile } from '../../src/actions/registry.js'
import { backupExport } from '../../src/resources/backup-export.js'
import { pipelineRun } from '../../src/resources/pipeline-run.js'

describe('the registry', () => {
  it('lists the root action and backup-export, each with its resource', () => {
    expect(ACTIONS).toEqual([
      { folder: '.', resource: pipelineRun },
      { folder: 'backup-export', resource: backupExport }
    ])
  })

  it('runs dist/index.js for the root action and dist/<folder>.js for the others', () => {
    expect(entryFile('.')).toBe('index.js')
    expect(entryFile('backup-export')).toBe('backup-export.js')
    expect(entryFile('restore-job')).toBe('restore-job.js')
  })
})
