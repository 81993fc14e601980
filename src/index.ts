import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { run as runBackupExport } from './actions/backup-export.js'
import { run as runPipelineRun } from './actions/pipeline-run.js'

// The bundle's entry. `node dist/index.js` is the root action (a pipeline run). Each sibling
// action's dist/<name>.js (two lines, written by src/misc/build.mjs) imports its run() from here,
// so all actions share one bundle.

export { runBackupExport, runPipelineRun }

function isEntryPoint(): boolean {
  const script = process.argv[1]
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))
}

if (isEntryPoint()) await runPipelineRun()
