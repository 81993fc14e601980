import { isHexId } from '../../engine/inputs.js'
import type { Steps } from '../../engine/steps.js'
import { StepError, type Step } from '../../engine/step-error.js'
import { text } from '../fields.js'
import type { AtlasDocument } from '../resource.js'

// Where an export job's files are: its export bucket (GET …/backup/exportBuckets/{id}, version
// 2024-05-30, whose document is keyed _id) and the job's prefix make the address that a later step
// copies from: s3://bucket/prefix, gs://bucket/prefix, or Azure's serviceUrl/prefix.

export const READ_BUCKET: Step = {
  what: 'read the export bucket',
  role: 'Project Read Only',
  // 2023-01-01 describes AWS buckets only, and is sunset on 2027-07-01.
  apiVersion: '2024-05-30'
}

/** The path segments of a prefix or URL path, without empty ones (so no "//", whatever the slashes). */
const segments = (path: string): string[] => path.split('/').filter((part) => part !== '')

/**
 * The address of the files under prefix in the bucket, or undefined when the bucket document does
 * not say enough (no name, no Azure serviceUrl, a cloud this action does not know) or there is no
 * prefix. Atlas sends prefix with or without a leading slash; neither shows as "//".
 */
export function exportUri(bucket: AtlasDocument, prefix: string | undefined): string | undefined {
  const path = segments(prefix ?? '')
  if (path.length === 0) return undefined
  const name = text(bucket['bucketName'])
  switch (bucket['cloudProvider']) {
    case 'AWS':
      return name ? `s3://${[name, ...path].join('/')}` : undefined
    case 'GCP':
      return name ? `gs://${[name, ...path].join('/')}` : undefined
    case 'AZURE': {
      const serviceUrl = text(bucket['serviceUrl'])
      const match = serviceUrl === undefined ? null : /^(https?:\/\/)(.*)$/i.exec(serviceUrl.trim())
      return match ? `${match[1]}${[...segments(match[2] as string), ...path].join('/')}` : undefined
    }
    // Stryker disable next-line all: without this line the function returns undefined all the same
    default:
      return undefined
  }
}

/** The outputs that saying where the files are may set. */
export const LOCATION_OUTPUTS = ['bucketName', 'cloudProvider', 'exportUri'] as const
type LocationOutputs = Partial<Record<(typeof LOCATION_OUTPUTS)[number], string>>

/**
 * Reads the job's export bucket once and says where its files are: outputs bucketName,
 * cloudProvider and exportUri, and the summary's "Files at" line. A bucket that cannot be read
 * leaves the verdict alone: a warning names what failed and the role it needs.
 */
export async function locateFiles(
  groupId: string,
  job: AtlasDocument,
  steps: Steps
): Promise<{ outputs: LocationOutputs; uri?: string; warning?: string }> {
  const bucketId = text(job['exportBucketId'])
  // Stryker disable next-line ConditionalExpression: isHexId(undefined) reads "undefined", which is no id either
  if (bucketId === undefined || !isHexId(bucketId)) return { outputs: {} }
  let bucket: AtlasDocument
  try {
    bucket = await steps.call(READ_BUCKET, ['groups', groupId, 'backup', 'exportBuckets', bucketId])
  } catch (error) {
    if (!(error instanceof StepError)) throw error
    return {
      outputs: {},
      warning:
        `Could not ${READ_BUCKET.what} ${bucketId} (${error.message}), so bucketName, cloudProvider and exportUri are not set; ` +
        `the export job is judged as before. Reading the bucket needs the ${READ_BUCKET.role} role on the project.`
    }
  }
  const uri = exportUri(bucket, text(job['prefix']))
  const outputs: LocationOutputs = {}
  for (const [name, value] of [
    ['bucketName', text(bucket['bucketName'])],
    ['cloudProvider', text(bucket['cloudProvider'])],
    ['exportUri', uri]
  ] as const)
    if (value !== undefined) outputs[name] = value
  return { outputs, ...(uri ? { uri } : {}) }
}
