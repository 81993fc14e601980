// The inputs of backup-restore: check mode and start mode, and every rule that the inputs alone
// decide (each problem names the input and its rule), the pointInTime parser included.
import { describe, expect, it } from '@jest/globals'
import { parsePointInTime, readRestoreRef } from '../../../../src/resources/backup-restore/inputs.js'

const GROUP = '32b6e34b3d91647abb20e7b8'
const OTHER_GROUP = '5f4d3c2b1a09f8e7d6c5b4a3'
const JOB = '6a794733c0ffee0123456789'

function read(inputs: Record<string, string>) {
  const problems: string[] = []
  const ref = readRestoreRef((name) => ({ groupId: GROUP, clusterName: 'Cluster0', ...inputs })[name] ?? '', problems)
  return { ref, problems }
}

describe('check mode', () => {
  it('takes an id, or latest, and nothing of start mode', () => {
    expect(read({ restoreJobId: JOB })).toEqual({
      ref: { groupId: GROUP, clusterName: 'Cluster0', restoreJobId: JOB },
      problems: []
    })
    expect(read({ restoreJobId: 'latest' }).ref.restoreJobId).toBe('latest')
    expect(read({ restoreJobId: 'Latest ' }).problems).toEqual([
      'restoreJobId "Latest " is not latest: write latest in lower case, or give the restore job id (24 hexadecimal characters)'
    ])
  })

  it('takes latest into one target, whose project defaults to groupId', () => {
    expect(read({ restoreJobId: 'latest', targetClusterName: 'restore-drill' }).ref).toEqual({
      groupId: GROUP,
      clusterName: 'Cluster0',
      restoreJobId: 'latest',
      targetClusterName: 'restore-drill',
      targetGroupId: GROUP
    })
    expect(read({ restoreJobId: 'latest', targetClusterName: 'd', targetGroupId: OTHER_GROUP }).ref.targetGroupId).toBe(
      OTHER_GROUP
    )
    expect(read({ restoreJobId: 'latest', targetGroupId: OTHER_GROUP }).problems).toEqual([
      'targetGroupId is set without targetClusterName; give both to check the newest job to that target'
    ])
    expect(read({ restoreJobId: 'latest', targetClusterName: 'bad name' }).problems).toHaveLength(1)
  })

  it('refuses a target with one job named, and every input of start mode', () => {
    expect(
      read({
        restoreJobId: JOB,
        targetClusterName: 'x',
        targetGroupId: OTHER_GROUP,
        snapshotId: 'a'.repeat(24),
        pointInTime: '2026-01-01T00:00:00Z',
        takeSnapshot: 'true',
        allowOverwriteSource: 'true',
        deliveryType: 'download'
      }).problems
    ).toEqual([
      'snapshotId is set but restoreJobId is given (a check); snapshotId only applies when the step starts a restore',
      'pointInTime is set but restoreJobId is given (a check); pointInTime only applies when the step starts a restore',
      'takeSnapshot is true but restoreJobId is given (a check); takeSnapshot only applies when the step starts a restore',
      'allowOverwriteSource is true but restoreJobId is given (a check); allowOverwriteSource only applies when the step starts a restore',
      'deliveryType is download but restoreJobId is given (a check); deliveryType only applies when the step starts a restore',
      'targetClusterName is set but restoreJobId names one job; give it with restoreJobId: latest (the newest job to that target), or to start a restore',
      'targetGroupId is set but restoreJobId names one job; give it with restoreJobId: latest (the newest job to that target), or to start a restore'
    ])
    // One job named: nothing of a target in the ref, even when one was (wrongly) given.
    expect(read({ restoreJobId: JOB, targetClusterName: 'x' }).ref).toStrictEqual({
      groupId: GROUP,
      clusterName: 'Cluster0',
      restoreJobId: JOB
    })
    expect(read({ restoreJobId: 'latest' }).problems).toEqual([])
    // action.yml's defaults are no problem.
    expect(read({ restoreJobId: JOB, deliveryType: 'automated', takeSnapshot: 'false' }).problems).toEqual([])
  })
})

describe('start mode', () => {
  it('restores the newest snapshot into a target of the same project by default', () => {
    expect(read({ targetClusterName: 'staging-1' })).toStrictEqual({
      ref: {
        groupId: GROUP,
        clusterName: 'Cluster0',
        restoreJobId: '',
        start: {
          deliveryType: 'automated',
          targetClusterName: 'staging-1',
          targetGroupId: GROUP,
          takeSnapshot: false,
          snapshotRetentionDays: 1,
          allowOverwriteSource: false
        }
      },
      problems: []
    })
  })

  it('needs a target for automated and pointInTime, and takes none for a download', () => {
    expect(read({}).problems).toEqual([
      'targetClusterName is required with deliveryType automated: the cluster to restore into'
    ])
    expect(read({ deliveryType: 'download' }).problems).toEqual([])
    expect(read({ deliveryType: 'download' }).ref.start).toStrictEqual({
      deliveryType: 'download',
      takeSnapshot: false,
      snapshotRetentionDays: 1,
      allowOverwriteSource: false
    })
    expect(read({ deliveryType: 'download', targetClusterName: 'x', targetGroupId: OTHER_GROUP }).problems).toEqual([
      'targetClusterName is set but deliveryType is download; a download restores into no cluster, so give no targetClusterName',
      'targetGroupId is set but deliveryType is download; a download restores into no cluster, so give no targetGroupId'
    ])
    expect(read({ deliveryType: 'restore', targetClusterName: 'x' }).problems).toEqual([
      'deliveryType "restore" must be one of automated, download, pointInTime'
    ])
  })

  it('takes pointInTime exactly with deliveryType pointInTime, and neither snapshotId nor takeSnapshot then', () => {
    const pit = read({ deliveryType: 'pointInTime', targetClusterName: 'x', pointInTime: '2026-12-01T06:00:00Z' })
    expect([pit.problems, pit.ref.start?.pointInTimeSeconds]).toEqual([[], 1796104800])
    expect(read({ deliveryType: 'pointInTime', targetClusterName: 'x' }).problems).toEqual([
      'pointInTime is required with deliveryType pointInTime: the moment to restore to (UTC)'
    ])
    expect(read({ deliveryType: 'pointInTime', targetClusterName: 'x', pointInTime: 'yesterday' }).problems).toEqual([
      'pointInTime "yesterday": it must be an ISO 8601 date-time in UTC (like 2026-12-01T06:00:00Z) or seconds since the epoch (like 1796104800)'
    ])
    expect(read({ targetClusterName: 'x', pointInTime: '1796104800' }).problems).toEqual([
      'pointInTime is set but deliveryType is automated; set deliveryType: pointInTime to restore to a moment'
    ])
    expect(
      read({ deliveryType: 'pointInTime', targetClusterName: 'x', pointInTime: '1796104800', takeSnapshot: 'true' })
        .problems
    ).toEqual([
      'snapshotId and takeSnapshot do not apply with deliveryType pointInTime: Atlas restores to the moment from its continuous backup'
    ])
    expect(
      read({
        deliveryType: 'pointInTime',
        targetClusterName: 'x',
        pointInTime: '1796104800',
        snapshotId: 'a'.repeat(24)
      }).problems
    ).toHaveLength(1)
  })

  it('refuses the source as its own target unless allowOverwriteSource: true', () => {
    expect(read({ targetClusterName: 'Cluster0' }).problems).toEqual([
      'targetClusterName is Cluster0, the source cluster itself: the restore would delete its data and replace it with the snapshot. ' +
        'Restore into another cluster, or set allowOverwriteSource: true if that is what you mean'
    ])
    expect(read({ targetClusterName: 'Cluster0', allowOverwriteSource: 'true' }).problems).toEqual([])
    // A cluster of the same name in another project is another cluster.
    expect(read({ targetClusterName: 'Cluster0', targetGroupId: OTHER_GROUP }).problems).toEqual([])
    expect(read({ targetClusterName: 'x', allowOverwriteSource: 'yes' }).problems).toEqual([
      'allowOverwriteSource is "yes"; it must be true or false'
    ])
  })

  it('checks the target project and the snapshot inputs as backup-export does', () => {
    expect(
      read({ targetClusterName: 'x', targetGroupId: 'nope', snapshotId: 'a'.repeat(24), takeSnapshot: 'true' }).problems
    ).toEqual([
      'targetGroupId "nope" must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8',
      'snapshotId and takeSnapshot: true exclude each other; give one, or neither for the newest completed snapshot'
    ])
    expect(read({ groupId: '', targetClusterName: 'x' }).problems).toEqual([
      'groupId is required: the Atlas project id, 24 hexadecimal characters like 32b6e34b3d91647abb20e7b8'
    ])
    expect(read({ clusterName: '' }).problems[0]).toBe(
      'clusterName is required: the source cluster, whose snapshots are restored, like Cluster0'
    )
  })
})

describe('parsePointInTime()', () => {
  const NOW = Date.parse('2026-12-02T12:00:00Z')
  it.each([
    ['1796104800', 1796104800],
    ['2026-12-01T06:00:00Z', 1796104800],
    ['2026-12-01T06:00Z', 1796104800],
    ['2026-12-01T06:00:00.999Z', 1796104800],
    ['2026-12-01T06:00:00+00:00', 1796104800],
    ['1199145600', 1199145600]
  ])('reads %s', (value, seconds) => {
    expect(parsePointInTime(value, NOW)).toEqual({ seconds })
  })

  it.each([
    ['a2026-12-01T06:00:00Z', 'it must be an ISO 8601 date-time in UTC'],
    ['2026-12-01T06:00:00Zjunk', 'it must be an ISO 8601 date-time in UTC'],
    ['2026-12-01T06:00:00+01:00', 'it must be an ISO 8601 date-time in UTC'],
    ['2026-12-01 06:00:00Z', 'it must be an ISO 8601 date-time in UTC'],
    ['yesterday', 'it must be an ISO 8601 date-time in UTC'],
    ['-5', 'it must be an ISO 8601 date-time in UTC'],
    ['2026-02-30T06:00:00Z', 'is not a real date'],
    ['1199145599', 'is before 2008-01-01, the earliest Atlas takes'],
    ['2026-12-02T12:00:01Z', 'is in the future'],
    ['1796212801', 'is in the future']
  ])('refuses %s', (value, words) => {
    expect(parsePointInTime(value, NOW).problem).toContain(words)
    expect(parsePointInTime(value, NOW).seconds).toBeUndefined()
  })

  it('takes the present moment itself', () => {
    expect(parsePointInTime('2026-12-02T12:00:00Z', NOW)).toEqual({ seconds: NOW / 1000 })
  })
})
