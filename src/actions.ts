import { backupExport } from './resources/backup-export/index.js'
import { backupRestore } from './resources/backup-restore/index.js'
import { pipelineRun } from './resources/pipeline-run/index.js'
import type { Resource } from './resources/resource.js'

// The one list of this repository's actions. The bundle's entry runs an action from it; the build
// writes an entry file in dist/ for each; the docs generator writes each action.yml's tables into
// the README; the project tests hold each action.yml to its resource. A new action is a resource
// folder in src/resources/, a folder with its action.yml, and one line here.

/** An action: the folder of its action.yml ('.' for the root one) and the Atlas resource it checks. */
export interface ActionSpec {
  folder: string
  // Each action's own Ref type; the engine takes any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  resource: Resource<any>
}

export const ACTIONS: readonly ActionSpec[] = [
  { folder: '.', resource: pipelineRun },
  { folder: 'backup-export', resource: backupExport },
  { folder: 'backup-restore', resource: backupRestore }
]

/** The file in dist/ that an action's action.yml runs: index.js for the root one, <folder>.js for the others. */
export function entryFile(folder: string): string {
  return folder === '.' ? 'index.js' : `${folder}.js`
}
