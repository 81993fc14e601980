import { objects, text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'

// What a restore job document (DiskBackupSnapshotRestoreJob) says, read strictly: it has no state
// and no creation time, so both are derived (the state from its flags and links, the time from its
// ObjectId), and its download links are credentials.

export const RESTORE_STATES = ['InProgress', 'Successful', 'Failed', 'Cancelled', 'Expired'] as const
export const TERMINAL_RESTORE_STATES = ['Successful', 'Failed', 'Cancelled', 'Expired'] as const
export const DELIVERY_TYPES = ['automated', 'download', 'pointInTime'] as const
export type DeliveryType = (typeof DELIVERY_TYPES)[number]

/** One link of a download: the replica set it is of (a shard of a sharded cluster), and its URL. */
export interface DeliveryLink {
  replicaSetName?: string
  url: string
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : []

/**
 * The download links: one per shard (components[].downloadUrl) on a sharded cluster, else the
 * deliveryUrl list. Private-endpoint links are not among them (they are secrets all the same).
 */
export function deliveryLinks(doc: AtlasDocument): DeliveryLink[] {
  const perShard = objects(doc['components']).flatMap((c): DeliveryLink[] => {
    const url = text(c['downloadUrl'])
    const replicaSetName = text(c['replicaSetName'])
    return url ? [{ ...(replicaSetName === undefined ? {} : { replicaSetName }), url }] : []
  })
  if (perShard.length > 0) return perShard
  return strings(doc['deliveryUrl']).map((url) => ({ url }))
}

/** Every value of the document that downloads the snapshot: the links, per shard, and the private ones. */
export function restoreSecrets(doc: AtlasDocument): string[] {
  const privateLinks = (holder: AtlasDocument): string[] =>
    objects(holder['privateDownloadDeliveryUrls'])
      .map((p) => text(p['deliveryUrl']))
      .filter((url): url is string => url !== undefined && url !== '')
  const components = objects(doc['components'])
  return [
    ...strings(doc['deliveryUrl']),
    ...privateLinks(doc),
    ...components.flatMap((c) => [text(c['downloadUrl']) ?? '', ...privateLinks(c)])
  ].filter((url) => url !== '')
}

/** The job's state, from its flags first (a flag wins over anything else it holds), then its end. */
export function restoreState(doc: AtlasDocument): string {
  if (doc['failed'] === true) return 'Failed'
  if (doc['cancelled'] === true) return 'Cancelled'
  if (doc['expired'] === true) return 'Expired'
  // A download is ready when its link is there (Atlas sets no finishedAt then); any other restore when it finished.
  if (doc['deliveryType'] === 'download') return deliveryLinks(doc).length > 0 ? 'Successful' : 'InProgress'
  return text(doc['finishedAt']) ? 'Successful' : 'InProgress'
}

/** When the job was created: the first 8 hex digits of its ObjectId are seconds since the epoch. */
export function idTime(id: unknown): string | undefined {
  // Stryker disable next-line ConditionalExpression: a value that is no string reads as one that fails the pattern
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/.test(id)) return undefined
  return new Date(parseInt(id.slice(0, 8), 16) * 1000).toISOString().replace('.000Z', 'Z')
}

export const restoreCreatedAt = (doc: AtlasDocument): string | undefined => idTime(doc['id'])

/** The target of a job, as "staging-1 of project 32b6…", or undefined for a download. */
export function targetOf(doc: AtlasDocument): { clusterName?: string; groupId?: string } {
  return { clusterName: text(doc['targetClusterName']), groupId: text(doc['targetGroupId']) }
}

/** "2026-12-01 06:00 UTC", for the headline. */
export function shortTime(iso: unknown): string | undefined {
  // Stryker disable next-line ConditionalExpression: Date.parse of what is no string is NaN for every value Atlas sends
  const at = typeof iso === 'string' ? Date.parse(iso) : NaN
  if (Number.isNaN(at)) return undefined
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** True when the job has not ended: it still restores into its target, or prepares its download. */
export const unfinished = (doc: AtlasDocument): boolean => restoreState(doc) === 'InProgress'
