import { isObject } from '../../atlas/json.js'
import type { InputReader } from '../../engine/inputs.js'
import type { Steps } from '../../engine/steps.js'
import type { Step } from '../../engine/step-error.js'
import { objects, text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'

// The cluster that a Cloud Backup resource belongs to (the cluster exported from, read from, or written to):
// its name as an input, and its document (GET /groups/{groupId}/clusters/{clusterName}), read at
// most once per run.

// The spec's pattern for clusterName. Atlas caps cluster names at 64 characters.
const CLUSTER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/

/** A cluster name input, validated (required unless optional). */
export function readClusterName(
  input: InputReader,
  problems: string[],
  name = 'clusterName',
  { optional = false, what = 'the name of the Atlas cluster' } = {}
): string {
  const value = input(name)
  if (value === '') {
    if (!optional) problems.push(`${name} is required: ${what}, like Cluster0`)
  } else if (!CLUSTER_NAME.test(value) || value.length > 64)
    problems.push(
      `${name} "${value}" must be up to 64 letters, digits and hyphens, starting with a letter or digit (like Cluster0)`
    )
  return value
}

/** The newest version of the cluster document: clusterType in every version, one replicationSpecs entry per shard. */
export const CLUSTER_VERSION = '2024-08-05'

/** The step that reads a cluster, with what its failure leaves (the resource's words). */
export function readClusterStep(what: string, words: Pick<Step, 'note' | 'rerun'>): Step {
  return { what, role: 'Project Read Only', apiVersion: CLUSTER_VERSION, ...words }
}

export const clusterPath = (groupId: string, clusterName: string): string[] => [
  'groups',
  groupId,
  'clusters',
  clusterName
]

/** SHARDED or GEOSHARDED: its snapshots live under their own paths, and its snapshots fit only a cluster of its kind. */
export function isSharded(cluster: AtlasDocument): boolean {
  const kind = text(cluster['clusterType'])
  return kind === 'SHARDED' || kind === 'GEOSHARDED'
}

/** An M0 cluster: a tenant of a shared one (a region of provider TENANT), with backup paths of its own. */
export const isTenant = (cluster: AtlasDocument): boolean =>
  objects(cluster['replicationSpecs']).some((spec) =>
    objects(spec['regionConfigs']).some((region) => region['providerName'] === 'TENANT')
  )

/** Its number of shards: one replicationSpecs entry per shard at CLUSTER_VERSION. */
export const shardCount = (cluster: AtlasDocument): number => objects(cluster['replicationSpecs']).length

/** Its SRV connection string: host names only, no credentials. */
export function standardSrv(cluster: AtlasDocument): string | undefined {
  const strings = cluster['connectionStrings']
  return isObject(strings) ? text(strings['standardSrv']) : undefined
}

/** A reader of one cluster that sends its request once, however often it is asked. */
export function clusterOnce(
  steps: Steps,
  step: Step,
  groupId: string,
  clusterName: string
): () => Promise<AtlasDocument> {
  let read: Promise<AtlasDocument> | undefined
  return () => (read ??= steps.call(step, clusterPath(groupId, clusterName)))
}
