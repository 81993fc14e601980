import { parseBoolean, readBoolean, readHexId, type InputReader } from '../../engine/inputs.js'
import { newest, stepError, type Steps } from '../../engine/steps.js'
import type { Step } from '../../engine/step-error.js'
import { text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'
import { isSharded, readClusterStep } from './cluster.js'

// Choosing the snapshot that a Cloud Backup action uses (an export, or one that writes a snapshot
// into a cluster): the one given (snapshotId), the newest completed one that is not a fallback
// (across every page, through the sharded endpoints on a sharded cluster), or one taken now
// (takeSnapshot), waited for until it is completed. A re-run of the same workflow run uses the
// snapshot it took before; an on-demand snapshot under way is waited for, since Atlas allows one
// at a time.

export interface SnapshotChoice {
  snapshotId?: string
  takeSnapshot: boolean
  snapshotRetentionDays: number
}

/** Defaults of the snapshot inputs (a test keeps them equal to each action.yml's). */
export const SNAPSHOT_DEFAULTS = { takeSnapshot: 'false', snapshotRetentionDays: '1' } as const

/** snapshotId, takeSnapshot and snapshotRetentionDays, validated. */
export function readSnapshotChoice(input: InputReader, problems: string[]): SnapshotChoice {
  const snapshotId =
    // Stryker disable next-line StringLiteral: the words name an empty id, and an empty snapshotId is not read
    input('snapshotId') === '' ? undefined : readHexId(input, 'snapshotId', 'the snapshot id', problems)
  const takeSnapshot = readBoolean(
    input,
    'takeSnapshot',
    problems,
    // Stryker disable next-line ConditionalExpression: the default is false, as the mutant makes it
    parseBoolean(SNAPSHOT_DEFAULTS.takeSnapshot) === true
  )
  if (snapshotId && takeSnapshot)
    problems.push(
      'snapshotId and takeSnapshot: true exclude each other; give one, or neither for the newest completed snapshot'
    )
  const days = input('snapshotRetentionDays') || SNAPSHOT_DEFAULTS.snapshotRetentionDays
  if (!/^[1-9]\d{0,4}$/.test(days))
    problems.push(`snapshotRetentionDays is "${days}"; it must be a whole number of days, at least 1`)
  return { ...(snapshotId ? { snapshotId } : {}), takeSnapshot, snapshotRetentionDays: Number(days) }
}

/** The steps of choosing a snapshot, with what a failure of each leaves (the resource's words). */
export interface SnapshotSteps {
  clusterKind: Step
  listSnapshots: Step
  takeSnapshot: Step
  waitSnapshot: Step
}

export function snapshotSteps({ note, rerun }: { note: string; rerun: string }): SnapshotSteps {
  return {
    clusterKind: readClusterStep('read the cluster (is it sharded?)', { note, rerun }),
    listSnapshots: { what: 'list the snapshots of the cluster', role: 'Project Read Only', note, rerun },
    takeSnapshot: {
      what: 'take an on-demand snapshot',
      role: 'Project Backup Creator',
      note,
      rerun,
      conflict:
        "Atlas allows one queued or running on-demand snapshot per cluster: wait for the one under way (its id is in Atlas's detail above), or run this step again later."
    },
    waitSnapshot: {
      what: 'wait for the snapshot',
      role: 'Project Read Only',
      note,
      rerun: `it uses the snapshot this run took instead of taking another, and ${rerun}`
    }
  }
}

/** How one resource chooses: where, with which steps, and in whose words. */
export interface Choosing {
  /** groups/{groupId}/clusters/{clusterName}/backup */
  base: string[]
  /** The cluster's document, read at most once per run (its kind says where its snapshots are). */
  cluster: () => Promise<AtlasDocument>
  steps: SnapshotSteps
  /** What the snapshot is for, as a verb and done: "export" and "exported". */
  use: string
  used: string
  /** The action, for the description of a snapshot it takes. */
  action: string
  /** What a failure leaves: "No export was started." */
  note: string
}

const id = (doc: AtlasDocument | undefined): string | undefined => text(doc?.['id'])

/** Snapshot states in which an on-demand snapshot blocks another: Atlas allows one queued or running at a time. */
const RUNNING = new Set(['queued', 'inProgress'])

/** An on-demand snapshot (a recorded answer had frequencyType "ondemand", outside the spec's enum). */
const onDemand = (s: AtlasDocument): boolean => s['snapshotType'] === 'onDemand' || s['frequencyType'] === 'ondemand'

/** What Atlas can use: a completed snapshot that is not a fallback one. */
const usable = (s: AtlasDocument): boolean => s['status'] === 'completed' && s['snapshotType'] !== 'fallback'

/** Where a cluster's snapshots are read: sharded clusters keep theirs under their own paths. */
interface SnapshotPaths {
  list: string[]
  one: (snapshotId: string) => string[]
  /** The list endpoint of a sharded cluster has no paging parameters. */
  paged: boolean
}

/** The cluster's kind (its one read), then the paths of its snapshots. */
async function snapshotPaths(how: Choosing, steps: Steps): Promise<SnapshotPaths> {
  const { base } = how
  const cluster = await how.cluster()
  if (isSharded(cluster)) {
    steps.log(`The cluster is ${text(cluster['clusterType'])}: reading its snapshots as a sharded cluster's.`)
    return {
      list: [...base, 'snapshots', 'shardedClusters'],
      one: (snapshotId) => [...base, 'snapshots', 'shardedCluster', snapshotId],
      paged: false
    }
  }
  return { list: [...base, 'snapshots'], one: (snapshotId) => [...base, 'snapshots', snapshotId], paged: true }
}

const snapshotStatus = (s: AtlasDocument, snapshotId: string): string =>
  `snapshot ${snapshotId} is ${text(s['status']) ?? 'without a status'}`

/** The snapshot to use: its id, once it is completed. Records how it was chosen for the summary. */
export async function chooseSnapshot(choice: SnapshotChoice, how: Choosing, steps: Steps): Promise<string> {
  if (choice.snapshotId) {
    steps.record({ what: 'Snapshot', id: choice.snapshotId, how: 'as given (snapshotId)' })
    return choice.snapshotId
  }
  const paths = await snapshotPaths(how, steps)
  const snapshots = await steps.listAll(how.steps.listSnapshots, paths.list, { paged: paths.paged })
  if (!choice.takeSnapshot) return newestUsable(snapshots, how, steps)
  const runId = steps.env['GITHUB_RUN_ID']
  // Ends with ':' so that run 42 does not take run 4242's snapshot for its own.
  const marker = runId ? `GitHub run ${steps.env['GITHUB_REPOSITORY'] ?? ''}#${runId}:` : undefined
  const { snapshotId, how: came } = await snapshotToWaitFor(choice, how, paths, snapshots, steps, marker)
  const done = await steps.waitFor(
    how.steps.waitSnapshot,
    paths.one(snapshotId),
    (s) => s['status'] === 'completed' || s['status'] === 'failed',
    (s) => snapshotStatus(s, snapshotId)
  )
  if (done['status'] === 'failed')
    throw stepError(how.steps.waitSnapshot, 'failed', `Atlas could not take snapshot ${snapshotId}: it failed`, {
      headline: `snapshot ${snapshotId} failed; no ${how.use} was started`,
      hint:
        'Atlas could not take the snapshot: look at Backup, Snapshots of the cluster in the Atlas UI for the cause, then run the job again. ' +
        `It takes a new snapshot (a failed one is never reused) and starts the ${how.use} once.`
    })
  steps.record({ what: 'Snapshot', id: snapshotId, how: `${came}, completed` })
  return snapshotId
}

function newestUsable(snapshots: AtlasDocument[], how: Choosing, steps: Steps): string {
  const chosen = newest(
    snapshots.filter((s) => usable(s) && id(s) !== undefined),
    'createdAt'
  )
  const snapshotId = id(chosen)
  if (!snapshotId)
    throw stepError(
      how.steps.listSnapshots,
      'empty',
      `Atlas lists no completed snapshot of the cluster that can be ${how.used}`,
      {
        headline: `no snapshot to ${how.use}: none is completed (fallback snapshots cannot be ${how.used})`,
        hint:
          'Set takeSnapshot: true to take one now, or give snapshotId. Is Cloud Backup enabled on the cluster (M10 or larger)? ' +
          how.note
      }
    )
  const created = text((chosen as AtlasDocument)['createdAt']) ?? 'at an unknown time'
  steps.log(`Newest completed snapshot: ${snapshotId}, created ${created} (1 of ${snapshots.length}).`)
  steps.record({ what: 'Snapshot', id: snapshotId, how: `the newest completed one, created ${created}` })
  return snapshotId
}

/** The on-demand snapshot to wait for: the one this run took before, the on-demand one in progress, or a new one. */
async function snapshotToWaitFor(
  choice: SnapshotChoice,
  how: Choosing,
  paths: SnapshotPaths,
  snapshots: AtlasDocument[],
  steps: Steps,
  marker: string | undefined
): Promise<{ snapshotId: string; how: string }> {
  const mine = (list: AtlasDocument[]): AtlasDocument | undefined =>
    marker
      ? // One in progress has no createdAt yet, and is younger than any that has one.
        newest(
          list.filter((s) => text(s['description'])?.includes(marker) && s['status'] !== 'failed' && id(s)),
          'createdAt',
          'newest'
        )
      : undefined
  const mineId = id(mine(snapshots))
  if (mineId) {
    steps.log(`This workflow run took snapshot ${mineId} before; using it.`)
    return { snapshotId: mineId, how: 'taken by this workflow run before' }
  }
  // Only an on-demand snapshot under way stops another; a scheduled one does not.
  const runningId = id(snapshots.find((s) => onDemand(s) && RUNNING.has(String(s['status'])) && id(s)))
  if (runningId) {
    steps.log(
      `An on-demand snapshot is already in progress (${runningId}); Atlas allows one at a time, so waiting for it instead of taking another.`
    )
    return { snapshotId: runningId, how: 'an on-demand one already in progress, waited for' }
  }
  const description = `${marker ?? 'GitHub Actions:'} taken by ${how.action}`
  const taken = id(
    await steps.post(
      how.steps.takeSnapshot,
      [...how.base, 'snapshots'],
      { description, retentionInDays: choice.snapshotRetentionDays },
      async () => mine(await steps.listAll(how.steps.listSnapshots, paths.list, { paged: paths.paged }))
    )
  )
  if (!taken) throw stepError(how.steps.takeSnapshot, 'protocol', 'Atlas took the snapshot but answered without its id')
  steps.log(`Took on-demand snapshot ${taken}; waiting until it is completed.`)
  return { snapshotId: taken, how: 'taken by this step' }
}
