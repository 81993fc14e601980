// Where an export job's files are: the address made of its bucket and prefix, for all three
// clouds and the slashes Atlas may or may not send, and the one read of the bucket.
import { describe, expect, it } from '@jest/globals'
import { AtlasError } from '../../../../src/atlas/errors.js'
import type { Steps } from '../../../../src/engine/steps.js'
import { StepError, type Step } from '../../../../src/engine/step-error.js'
import { during } from '../../../support/step-errors.js'
import { exportUri, locateFiles, READ_BUCKET } from '../../../../src/resources/backup-export/location.js'

const PREFIX = 'exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200'
const aws = { _id: 'b'.repeat(24), bucketName: 'export-bucket', cloudProvider: 'AWS', region: 'us-east-1' }
const gcp = { _id: 'b'.repeat(24), bucketName: 'export-bucket', cloudProvider: 'GCP' }
const azure = {
  _id: 'b'.repeat(24),
  bucketName: 'examplecontainer',
  cloudProvider: 'AZURE',
  serviceUrl: 'https://examplestorageaccount.blob.core.windows.net/examplecontainer'
}

describe('the address of the files', () => {
  it.each([
    [aws, `s3://export-bucket/${PREFIX}`],
    [gcp, `gs://export-bucket/${PREFIX}`],
    [azure, `https://examplestorageaccount.blob.core.windows.net/examplecontainer/${PREFIX}`]
  ])('for %j', (bucket, uri) => {
    // Atlas's recorded answers have no leading slash, the spec's example has one: the same address.
    expect(exportUri(bucket, PREFIX)).toBe(uri)
    expect(exportUri(bucket, `/${PREFIX}`)).toBe(uri)
    expect(exportUri(bucket, `//${PREFIX}/`)).toBe(uri)
  })

  it('has no "//" after the scheme, whatever the slashes of serviceUrl and prefix', () => {
    const uris = ['', '/', '//'].flatMap((end) =>
      ['', '/'].map((lead) => exportUri({ ...azure, serviceUrl: `${azure.serviceUrl}${end}` }, `${lead}${PREFIX}`))
    )
    for (const uri of uris) {
      expect(uri).toBe(`https://examplestorageaccount.blob.core.windows.net/examplecontainer/${PREFIX}`)
      expect(uri!.replace(/^[a-z0-9]+:\/\//, '')).not.toContain('//')
    }
    expect(exportUri(aws, 'a//b')).toBe('s3://export-bucket/a/b')
  })

  it('takes an Azure serviceUrl with spaces around, or plain http, as it is', () => {
    expect(exportUri({ ...azure, serviceUrl: `  ${azure.serviceUrl}  ` }, PREFIX)).toBe(
      `https://examplestorageaccount.blob.core.windows.net/examplecontainer/${PREFIX}`
    )
    expect(exportUri({ ...azure, serviceUrl: 'http://127.0.0.1:10000/devstoreaccount1/c' }, PREFIX)).toBe(
      `http://127.0.0.1:10000/devstoreaccount1/c/${PREFIX}`
    )
  })

  it('makes no address of a serviceUrl that is not one whole http(s) URL', () => {
    expect(exportUri({ ...azure, serviceUrl: `see ${azure.serviceUrl}` }, PREFIX)).toBeUndefined()
    expect(exportUri({ ...azure, serviceUrl: `${azure.serviceUrl}\nx` }, PREFIX)).toBeUndefined()
  })

  it('is unknown without a prefix, a bucket name, an Azure serviceUrl, or a cloud it knows', () => {
    expect(exportUri(aws, undefined)).toBeUndefined()
    expect(exportUri(aws, '/')).toBeUndefined()
    expect(exportUri({ ...aws, bucketName: undefined }, PREFIX)).toBeUndefined()
    expect(exportUri({ ...gcp, bucketName: '' }, PREFIX)).toBeUndefined()
    expect(exportUri({ ...azure, serviceUrl: undefined }, PREFIX)).toBeUndefined()
    expect(exportUri({ ...azure, serviceUrl: 'examplestorageaccount.blob.core.windows.net/c' }, PREFIX)).toBeUndefined()
    expect(exportUri({ ...aws, cloudProvider: 'OCI' }, PREFIX)).toBeUndefined()
  })
})

/** Steps whose one call answers the bucket (or fails), recording what was asked. */
function bucketSteps(answer: Record<string, unknown> | AtlasError | StepError) {
  const calls: { step: Step; segments: string[] }[] = []
  const steps: Steps = {
    env: {},
    log: () => undefined,
    record: () => undefined,
    async call(step, segments) {
      calls.push({ step, segments })
      if (answer instanceof AtlasError || answer instanceof StepError) throw answer
      return answer
    },
    listAll: async () => {
      throw new Error('no list expected')
    },
    post: async () => {
      throw new Error('no POST expected')
    },
    waitFor: async () => {
      throw new Error('no wait expected')
    }
  }
  return { steps, calls }
}

describe('reading the bucket', () => {
  const GROUP = '32b6e34b3d91647abb20e7b8'
  const job = { id: 'a'.repeat(24), exportBucketId: 'b'.repeat(24), prefix: PREFIX }

  it('once, at version 2024-05-30, with the role Project Read Only', async () => {
    const { steps, calls } = bucketSteps(gcp)
    expect(await locateFiles(GROUP, job, steps)).toEqual({
      outputs: { bucketName: 'export-bucket', cloudProvider: 'GCP', exportUri: `gs://export-bucket/${PREFIX}` },
      uri: `gs://export-bucket/${PREFIX}`
    })
    expect(calls).toEqual([
      { step: READ_BUCKET, segments: ['groups', GROUP, 'backup', 'exportBuckets', 'b'.repeat(24)] }
    ])
    expect([READ_BUCKET.apiVersion, READ_BUCKET.role]).toEqual(['2024-05-30', 'Project Read Only'])
  })

  it('sets what it knows when the address cannot be made', async () => {
    const { steps } = bucketSteps({ cloudProvider: 'AZURE', bucketName: 'c' })
    expect(await locateFiles(GROUP, job, steps)).toStrictEqual({
      outputs: { bucketName: 'c', cloudProvider: 'AZURE' }
    })
  })

  it('asks nothing for a job without a bucket id that can be sent', async () => {
    for (const exportBucketId of [undefined, '../x', 42, `x${'a'.repeat(24)}`, `${'a'.repeat(24)}x`]) {
      const { steps, calls } = bucketSteps(aws)
      expect(await locateFiles(GROUP, { ...job, exportBucketId }, steps)).toEqual({ outputs: {} })
      expect(calls).toEqual([])
    }
  })

  it('turns a bucket it cannot read into a warning that names the role', async () => {
    const { steps } = bucketSteps(
      during(new AtlasError('Atlas API 403 FORBIDDEN: no', { kind: 'api', status: 403 }), READ_BUCKET)
    )
    expect(await locateFiles(GROUP, job, steps)).toEqual({
      outputs: {},
      warning:
        `Could not read the export bucket ${'b'.repeat(24)} (Atlas API 403 FORBIDDEN: no), so bucketName, cloudProvider and exportUri are not set; ` +
        'the export job is judged as before. Reading the bucket needs the Project Read Only role on the project.'
    })
  })

  it('lets a bug of its own through, not as a warning', async () => {
    const steps = bucketSteps(aws).steps
    steps.call = async () => {
      throw new TypeError('bug')
    }
    await expect(locateFiles(GROUP, job, steps)).rejects.toThrow('bug')
  })
})
