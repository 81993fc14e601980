// What a restore job document says: the state table (a flag wins, a download is ready with its
// links and has no finishedAt), the creation time read from its ObjectId, its links and secrets.
import { describe, expect, it } from '@jest/globals'
import {
  deliveryLinks,
  idTime,
  restoreCreatedAt,
  restoreSecrets,
  restoreState,
  shortTime,
  unfinished
} from '../../../../src/resources/backup-restore/job.js'

const LINK = 'https://restore-6a794733.ab1cd.mongodb.net:27017/t0k3n/restore-s.tar.gz'

describe('the state of a restore job', () => {
  it.each([
    ['automated, not finished', { deliveryType: 'automated' }, 'InProgress'],
    ['automated, finishedAt set', { deliveryType: 'automated', finishedAt: '2026-08-10T03:40:10Z' }, 'Successful'],
    ['pointInTime, finishedAt set', { deliveryType: 'pointInTime', finishedAt: '2026-08-10T03:40:10Z' }, 'Successful'],
    ['automated, finishedAt empty', { deliveryType: 'automated', finishedAt: '' }, 'InProgress'],
    ['a download without links', { deliveryType: 'download', deliveryUrl: [] }, 'InProgress'],
    ['a download with an empty link', { deliveryType: 'download', deliveryUrl: [''] }, 'InProgress'],
    ['a download with its link (no finishedAt)', { deliveryType: 'download', deliveryUrl: [LINK] }, 'Successful'],
    [
      'a sharded download with a link per shard',
      { deliveryType: 'download', deliveryUrl: [], components: [{ replicaSetName: 'rs0', downloadUrl: LINK }] },
      'Successful'
    ],
    ['a download with finishedAt only', { deliveryType: 'download', finishedAt: '2026-08-10T03:40:10Z' }, 'InProgress'],
    ['failed', { deliveryType: 'automated', failed: true }, 'Failed'],
    ['cancelled', { deliveryType: 'download', cancelled: true }, 'Cancelled'],
    ['expired, its link still listed', { deliveryType: 'download', expired: true, deliveryUrl: [LINK] }, 'Expired'],
    [
      'failed though finished',
      { deliveryType: 'automated', failed: true, finishedAt: '2026-08-10T03:40:10Z' },
      'Failed'
    ],
    ['failed and cancelled', { failed: true, cancelled: true }, 'Failed'],
    ['cancelled and expired', { cancelled: true, expired: true }, 'Cancelled'],
    [
      'a flag that is not true',
      { deliveryType: 'automated', failed: 'true', finishedAt: '2026-08-10T03:40:10Z' },
      'Successful'
    ],
    ['no delivery type, finished', { finishedAt: '2026-08-10T03:40:10Z' }, 'Successful']
  ])('%s: %s', (_case, doc, state) => {
    expect(restoreState(doc)).toBe(state)
    expect(unfinished(doc)).toBe(state === 'InProgress')
  })
})

describe('the time in an id', () => {
  it('reads the first 8 hex digits as seconds since the epoch (the recorded job: 03:36:19 for a POST answered at 03:36:18)', () => {
    expect(idTime('6a794733c0ffee0123456789')).toBe('2026-08-10T03:36:19Z')
    expect(restoreCreatedAt({ id: '6a794733c0ffee0123456789' })).toBe('2026-08-10T03:36:19Z')
  })

  it('reads nothing from what is not an ObjectId', () => {
    for (const id of [undefined, 42, '', '6a794733', '6A794733C0FFEE0123456789', `${'6a794733c0ffee0123456789'}0`])
      expect(idTime(id)).toBeUndefined()
  })
})

describe('links and secrets', () => {
  it('takes one link per shard when there are components, else the deliveryUrl list', () => {
    expect(deliveryLinks({ deliveryUrl: [LINK, 7, ''] })).toStrictEqual([{ url: LINK }])
    expect(
      deliveryLinks({
        deliveryUrl: ['ignored'],
        components: [{ replicaSetName: 'rs0', downloadUrl: 'a' }, { downloadUrl: 'b' }, { replicaSetName: 'rs2' }]
      })
    ).toStrictEqual([{ replicaSetName: 'rs0', url: 'a' }, { url: 'b' }])
    expect(deliveryLinks({})).toEqual([])
  })

  it('counts every link as a secret: deliveryUrl, each shard, and the private-endpoint ones at both levels', () => {
    const doc = {
      deliveryUrl: ['d1'],
      privateDownloadDeliveryUrls: [
        { deliveryUrl: 'p1', endpointId: 'vpce-0123456789abcdef0' },
        { deliveryUrl: '' },
        { endpointId: 'vpce-0123456789abcdef1' }
      ],
      components: [
        { downloadUrl: 'c1', privateDownloadDeliveryUrls: [{ deliveryUrl: 'p2' }] },
        { downloadUrl: '' },
        { privateDownloadDeliveryUrls: [{ deliveryUrl: 'p3' }] }
      ]
    }
    expect(restoreSecrets(doc)).toStrictEqual(['d1', 'p1', 'c1', 'p2', 'p3'])
    expect(restoreSecrets({})).toEqual([])
  })
})

describe('shortTime()', () => {
  it('writes a moment to the minute, in UTC', () => {
    expect(shortTime('2026-12-01T06:00:59.999Z')).toBe('2026-12-01 06:00 UTC')
    expect(shortTime('2026-12-01T07:00:00+01:00')).toBe('2026-12-01 06:00 UTC')
    expect(shortTime('soon')).toBeUndefined()
    expect(shortTime(undefined)).toBeUndefined()
  })
})
