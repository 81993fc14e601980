// What the tests of the resource modules share: an export job's ref, a judging context, the
// problems a ref's inputs give, and steps that only list.
import { backupExport } from '../../src/resources/backup-export/index.js'
import { pipelineRun } from '../../src/resources/pipeline-run/index.js'
import type { Steps } from '../../src/engine/steps.js'
import type { RestoreStart } from '../../src/resources/backup-restore/inputs.js'

export const exportRef = {
  groupId: '32b6e34b3d91647abb20e7b8',
  clusterName: 'Cluster0',
  exportId: '6750a1b2c3d4e5f6a7b8c9d0'
}
export const context = (wait = false) => ({
  wait,
  successStates: ['Successful'],
  described: 'Export job X of cluster Cluster0'
})

/** The problems that reading a resource's ref from inputs reports. */
export function problemsFor(
  resource: typeof backupExport | typeof pipelineRun,
  inputs: Record<string, string>
): string[] {
  const problems: string[] = []
  ;(resource.readRef as (input: (name: string) => string, problems: string[]) => unknown)(
    (name) => inputs[name] ?? '',
    problems
  )
  return problems
}

/** Steps that list the items given and records the log; a step it was not meant to take fails the test. */
export function listing(items: Record<string, unknown>[]) {
  const lines: string[] = []
  const listed: string[][] = []
  const done: string[] = []
  const steps: Steps = {
    env: {},
    log: (line) => lines.push(line),
    record: ({ what, id, how }) => done.push(`${what} ${id}: ${how}`),
    listAll: async (_step, segments) => {
      listed.push(segments)
      return items
    },
    call: async () => {
      throw new Error('no call expected')
    },
    post: async () => {
      throw new Error('no POST expected')
    },
    waitFor: async () => {
      throw new Error('no wait expected')
    }
  }
  return { steps, lines, listed, done }
}

/** A restore start mode, automated into staging-1 of the demo project, with the inputs' defaults. */
export function restoreStart(extra: Partial<RestoreStart> = {}): RestoreStart {
  return {
    deliveryType: 'automated',
    targetClusterName: 'staging-1',
    targetGroupId: '32b6e34b3d91647abb20e7b8',
    takeSnapshot: false,
    snapshotRetentionDays: 1,
    allowOverwriteSource: false,
    ...extra
  }
}
