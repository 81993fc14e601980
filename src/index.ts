import { ACTIONS } from './actions.js'
import { run } from './engine/run.js'
import type { Clock } from './engine/poll.js'

// The bundle's entry (dist/engine/index.js). It runs nothing by itself: each action's entry file
// in dist/ (written by scripts/build.mjs from ACTIONS) imports runAction() and names its folder,
// so all actions share one bundle.

export { ACTIONS, entryFile } from './actions.js'

/** Runs the action whose action.yml is in folder ('.' for the root one); clock is for tests. */
export async function runAction(folder: string, clock?: Clock): Promise<void> {
  const action = ACTIONS.find((a) => a.folder === folder)
  if (!action)
    throw new Error(`No action in folder ${folder}; the actions are ${ACTIONS.map((a) => a.folder).join(', ')}`)
  await run(action.resource, clock)
}
