import { run as runAction } from '../main.js'
import { pipelineRun } from '../resources/pipeline-run.js'

/** The root action: check (or wait for) one Data Lake pipeline run. */
export async function run(): Promise<void> {
  await runAction(pipelineRun)
}
