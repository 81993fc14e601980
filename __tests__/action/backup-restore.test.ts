// The backup-restore action, action-level: dist/backup-restore.js (what backup-restore/action.yml
// runs) against the Atlas-like server on 127.0.0.1, which answers restore jobs as Atlas does: POST
// answers 200, no document has a state, ids are ObjectIds with real times, a download has no
// finishedAt, a sharded download has one link per shard. No secret, and no download link, shows
// anywhere a person can see (runRestoreWithoutLeaksOrCrash() asserts it, with the links as secrets).
import { beforeEach, describe, expect, it } from '@jest/globals'
import { errorAnnotation, runRestoreWithoutLeaksOrCrash, useSharedAtlas, visibleText } from '../support/action.js'
import { DEMO } from '../support/fake-atlas.mjs'
import { renderGfm } from '../../scripts/render-markdown.mjs'

const shared = useSharedAtlas()
const atlas = () => shared.atlas
const hex = (c: string) => c.repeat(24)
const STAGING = 'staging-1'
/** The kinds of requests sent, in order, without the polls' repeats folded. */
const kinds = () => atlas().requests.map((r) => r.kind as string)
const START = { targetClusterName: STAGING, pollInterval: '1s', timeout: '1m' }

beforeEach(() => {
  const state = atlas().state
  state.lists.restoreJobs = []
  state.lists.snapshots = [
    { id: hex('a'), status: 'completed', createdAt: '2026-11-30T06:00:00Z', snapshotType: 'scheduled' },
    { id: hex('b'), status: 'completed', createdAt: '2026-12-01T06:00:00Z', snapshotType: 'scheduled' },
    { id: hex('c'), status: 'completed', createdAt: '2026-12-01T07:00:00Z', snapshotType: 'fallback' }
  ]
  state.clusters = {}
  state.clusterType = 'REPLICASET'
  state.restoreOutcome = undefined
  state.postScripts.restoreJobs = []
  state.restorePolls = 1
  state.forbidden = {}
})

/** Runs start mode and sends SIGINT (as the runner cancels a job) once the restore was requested. */
async function cancelledOnceStarted(inputs: Record<string, string>) {
  atlas().state.restorePolls = 1000
  return runRestoreWithoutLeaksOrCrash(atlas().url, { ...START, ...inputs, timeout: '10m' }, [], {
    onStart: (child) => {
      const poll = setInterval(() => {
        if (atlas().requests.some((r) => r.kind === 'restore')) {
          clearInterval(poll)
          child.kill('SIGINT')
        }
      }, 50)
      child.once('exit', () => clearInterval(poll))
    }
  })
}

describe('backup-restore: start mode, automated', () => {
  it('checks both clusters, starts one restore of the newest completed snapshot, waits for it, and sets its outputs', async () => {
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(0)
    expect(kinds()).toEqual([
      'cluster',
      'cluster',
      'list-restoreJobs',
      'list-snapshots',
      'post-restoreJobs',
      'restore',
      'restore'
    ])
    const posted = atlas().requests.find((r) => r.kind === 'post-restoreJobs')!
    expect(JSON.parse(posted['body'])).toEqual({
      deliveryType: 'automated',
      snapshotId: hex('b'),
      targetClusterName: STAGING,
      targetGroupId: DEMO.groupId
    })
    expect(posted.headers['content-type']).toBe('application/vnd.atlas.2023-01-01+json')
    const clusterReads = atlas().requests.filter((r) => r.kind === 'cluster')
    expect(clusterReads.map((r) => [r.rawPath.split('/').pop(), r.headers['accept']])).toEqual([
      ['Cluster0', 'application/vnd.atlas.2024-08-05+json'],
      [STAGING, 'application/vnd.atlas.2024-08-05+json']
    ])
    const o = result.outputs
    expect(o).toMatchObject({
      state: 'Successful',
      started: 'true',
      deliveryType: 'automated',
      snapshotId: hex('b'),
      snapshotTimestamp: '2026-12-01T06:00:00Z',
      targetClusterName: STAGING,
      targetGroupId: DEMO.groupId,
      targetConnectionString: 'mongodb+srv://staging-1.ab1cd.mongodb.net',
      succeeded: 'true',
      polls: '7'
    })
    expect(o['restoreJobId']).toMatch(/^[0-9a-f]{24}$/)
    // The id's time, within seconds of now; restoreSeconds from it to finishedAt.
    expect(Math.abs(Date.parse(o['createdAt']) - Date.now())).toBeLessThan(60_000)
    expect(Number(o['restoreSeconds'])).toBeGreaterThanOrEqual(0)
    expect(o['deliveryUrl']).toBeUndefined()
    const html = renderGfm(result.summary)
    expect(html).toMatch(
      /<h3>✅ Cluster0 into staging-1: Successful · snapshot of 2026-12-01 06:00 UTC · in \d+s<\/h3>/
    )
    expect(html).toContain(
      `Restore job <code>${o['restoreJobId']}</code>: started by this step, into staging-1 (project <code>${DEMO.groupId}</code>)`
    )
    expect(html).toContain(`Snapshot <code>${hex('b')}</code>: the newest completed one`)
    expect(html).toContain('Connect to the target at <code>mongodb+srv://staging-1.ab1cd.mongodb.net</code>')
  })

  it('waits for a restore already under way into the same target instead of starting another', async () => {
    const id = `${Math.floor(Date.now() / 1000).toString(16)}${'0'.repeat(16)}`
    const underWay = {
      id,
      deliveryType: 'automated',
      snapshotId: hex('a'),
      targetClusterName: STAGING,
      targetGroupId: DEMO.groupId,
      cancelled: false,
      failed: false,
      expired: false
    }
    atlas().state.lists.restoreJobs = [underWay]
    atlas().state.scripts.set(`restore:${id}`, [
      { run: underWay },
      { run: { ...underWay, finishedAt: new Date().toISOString() } }
    ])
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(0)
    expect(kinds()).not.toContain('post-restoreJobs')
    expect(kinds()).not.toContain('list-snapshots')
    expect(result.outputs).toMatchObject({ started: 'false', restoreJobId: id, state: 'Successful' })
    expect(result.stdout).toContain(
      `A restore into staging-1 is already under way (${id}); waiting for it instead of starting another.`
    )
  })

  it('finds the restore whose POST answer was lost instead of starting a second one', async () => {
    atlas().state.postScripts.restoreJobs = [{ afterCreate: true, reset: true }]
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(0)
    expect(kinds().filter((k) => k === 'post-restoreJobs')).toHaveLength(1)
    expect(atlas().state.lists.restoreJobs).toHaveLength(1)
    expect(result.stdout).toMatch(
      /Atlas has it already \([0-9a-f]{24}\): the request to start the restore is not sent again\./
    )
  })

  it('fails a restore that failed, and says the target lost its data', async () => {
    atlas().state.restoreOutcome = 'failed'
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(1)
    expect(result.outputs['state']).toBe('Failed')
    expect(errorAnnotation(result)).toContain('Atlas deleted the data of staging-1 before the restore began')
    expect(renderGfm(result.summary)).toContain(
      '<h3>❌ Cluster0 into staging-1: Failed: staging-1 holds neither its old data nor the snapshot</h3>'
    )
    expect(kinds().filter((k) => k === 'cluster')).toHaveLength(2)
  })
})

describe('backup-restore: refusals before any restore is requested', () => {
  it.each([
    ['paused', { paused: true }, 'The target cluster staging-1 is paused'],
    [
      'a replica set for a sharded source',
      {},
      'The source cluster is SHARDED and the target cluster staging-1 is a replica set'
    ],
    [
      'of an older version',
      { mongoDBMajorVersion: '7.0' },
      "The target cluster staging-1 runs MongoDB 7.0, older than the source's 8.0"
    ]
  ])('a target that is %s', async (_case, target, words) => {
    if (_case.startsWith('a replica set')) {
      atlas().state.clusterType = 'SHARDED'
      atlas().state.clusters[`${DEMO.groupId}/${STAGING}`] = { clusterType: 'REPLICASET' }
    } else atlas().state.clusters[`${DEMO.groupId}/${STAGING}`] = target
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(1)
    expect(kinds()).toEqual(['cluster', 'cluster'])
    expect(errorAnnotation(result)).toContain(`${words}. No restore was started, and the target cluster is untouched.`)
    expect(renderGfm(result.summary)).toContain('refused before restoring')
  })

  it('a target that does not exist, named with its project', async () => {
    atlas().state.clusters[`${DEMO.groupId}/${STAGING}`] = null
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain(`The target cluster staging-1 does not exist in project ${DEMO.groupId}.`)
    expect(kinds()).not.toContain('post-restoreJobs')
  })

  it('a point in time on a source without Continuous Cloud Backup', async () => {
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      ...START,
      deliveryType: 'pointInTime',
      pointInTime: '2026-12-01T05:00:00Z'
    })
    expect(result.code).toBe(1)
    expect(kinds()).toEqual(['cluster'])
    expect(errorAnnotation(result)).toContain('Continuous Cloud Backup is off on the source cluster Cluster0')
  })

  it('the source itself as the target, as an input error before any request', async () => {
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, { ...START, targetClusterName: 'Cluster0' })
    expect(result.code).toBe(1)
    expect(atlas().requests).toEqual([])
    expect(errorAnnotation(result)).toContain('targetClusterName is Cluster0, the source cluster itself')
  })
})

describe('backup-restore: a download, whose links are credentials', () => {
  it('hands the link only to deliveryUrl and deliveryUrls: never to the log, the summary or the job output', async () => {
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      deliveryType: 'download',
      pollInterval: '1s',
      timeout: '1m'
    })
    expect(result.code).toBe(0)
    const link = result.outputs['deliveryUrl']!
    expect(link).toMatch(
      /^https:\/\/restore-[0-9a-f]{24}\.ab1cd\.mongodb\.net:27017\/[0-9a-f]{32}\/restore-b{24}\.tar\.gz$/
    )
    expect(JSON.parse(result.outputs['deliveryUrls'])).toEqual([{ replicaSetName: null, url: link }])
    expect(result.stdout).toContain(`::add-mask::${link}`)
    const elsewhere = visibleText({
      ...result,
      outputText: result.outputText.split(link).join('')
    })
    expect(elsewhere).not.toContain(link.split('/')[3])
    expect(JSON.parse(result.outputs['job'])['deliveryUrl']).toEqual(['***'])
    expect(result.outputs['finishedAt']).toBeUndefined()
    expect(result.outputs['expiresAt']).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    expect(renderGfm(result.summary)).toContain('Cluster0 download: Successful')
  })

  it('gives one link per shard of a sharded cluster', async () => {
    atlas().state.clusterType = 'SHARDED'
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      deliveryType: 'download',
      pollInterval: '1s',
      timeout: '1m'
    })
    expect(result.code).toBe(0)
    const urls = JSON.parse(result.outputs['deliveryUrls']) as { replicaSetName: string; url: string }[]
    expect(urls.map((u) => u.replicaSetName)).toEqual(['atlas-rs0-shard-0', 'atlas-rs0-shard-1'])
    expect(result.outputs['deliveryUrl']).toBe(urls[0]!.url)
    for (const { url } of urls) expect(result.summary).not.toContain(url)
  })
})

describe('backup-restore: check mode', () => {
  // One moment for every id of a test, so that at(1) names the same job each time it is called.
  const now = Date.now()
  const at = (daysAgo: number) => Math.floor((now - daysAgo * 86_400_000) / 1000).toString(16) + '0'.repeat(16)
  const job = (id: string, target: string) => ({
    id,
    deliveryType: 'automated',
    snapshotId: hex('a'),
    targetClusterName: target,
    targetGroupId: DEMO.groupId,
    cancelled: false,
    failed: false,
    expired: false,
    finishedAt: new Date().toISOString()
  })

  it('passes the gate "a drill succeeded in the last 8 days" on the newest job into the drill cluster', async () => {
    atlas().state.lists.restoreJobs = [job(at(1), 'restore-drill'), job(at(3), 'restore-drill'), job(at(0), 'other')]
    atlas().state.scripts.set(`restore:${at(1)}`, [{ run: job(at(1), 'restore-drill') }])
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      restoreJobId: 'latest',
      targetClusterName: 'restore-drill',
      maxAge: '8d'
    })
    expect(result.code).toBe(0)
    expect(result.outputs['restoreJobId']).toBe(at(1))
    // The job, then the target's connection string: at most two requests besides the list.
    expect(kinds()).toEqual(['list-restoreJobs', 'restore', 'cluster'])
  })

  it('fails the gate when the newest drill is older than maxAge (by the time in its id), and says what to look at', async () => {
    atlas().state.lists.restoreJobs = [job(at(9), 'restore-drill'), job(at(12), 'restore-drill')]
    atlas().state.scripts.set(`restore:${at(9)}`, [{ run: job(at(9), 'restore-drill') }])
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      restoreJobId: 'latest',
      targetClusterName: 'restore-drill',
      maxAge: '8d'
    })
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ state: 'Successful', succeeded: 'false', restoreJobId: at(9) })
    const annotation = errorAnnotation(result)
    expect(annotation).toMatch(/older than maxAge \(8d\)/)
    expect(annotation).toContain('has the scheduled restore drill stopped running?')
    // A stale job is not worth a look at its target.
    expect(kinds()).not.toContain('cluster')
  })
})

describe('backup-restore: when the workflow is cancelled', () => {
  it('leaves an automated restore going, and says that Atlas cannot cancel one', async () => {
    const result = await cancelledOnceStarted({})
    expect(result.code).toBe(1)
    expect(kinds()).not.toContain('cancel-restore')
    expect(errorAnnotation(result)).toMatch(
      /^Cancelled while the restore job was InProgress .*\nThe restore goes on in Atlas: Atlas cannot cancel an automated or point-in-time restore once it has begun\. /s
    )
  })

  it('cancels the download it started (DELETE), and says so in the summary', async () => {
    const result = await cancelledOnceStarted({ deliveryType: 'download', targetClusterName: '' })
    expect(result.code).toBe(1)
    const cancel = atlas().requests.filter((r) => r.kind === 'cancel-restore')
    expect(cancel).toHaveLength(1)
    expect(cancel[0]!.method).toBe('DELETE')
    expect(errorAnnotation(result)).toContain('This step started the download, so it asked Atlas to cancel it')
    expect(renderGfm(result.summary)).toContain(
      `<code>${cancel[0]!['restoreJobId']}</code>: cancelled (DELETE), as the workflow was cancelled`
    )
  })
})

describe('backup-restore: what Atlas refuses', () => {
  it('a 403 on the POST names the roles of the spec and Project Owner', async () => {
    atlas().state.forbidden = { 'post-restoreJobs': 'Insufficient privileges.' }
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(1)
    const annotation = errorAnnotation(result)
    expect(annotation).toContain('Project Backup Recovery Operator or Project Backup Export Operator')
    expect(annotation).toContain('Project Owner')
    expect(renderGfm(result.summary)).toContain('Atlas denied access (403) to start the restore')
  })

  it('a 409 says that Atlas is already restoring into that cluster', async () => {
    atlas().state.postScripts.restoreJobs = [
      { status: 409, body: { error: 409, errorCode: 'CANNOT_RESTORE', detail: 'A restore is in progress.' } }
    ]
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, START)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas is already restoring into that cluster')
    expect(kinds().filter((k) => k === 'post-restoreJobs')).toHaveLength(1)
  })

  it('a download that expires while the step waits fails it', async () => {
    atlas().state.restoreOutcome = 'expired'
    const result = await runRestoreWithoutLeaksOrCrash(atlas().url, {
      deliveryType: 'download',
      pollInterval: '1s',
      timeout: '1m'
    })
    expect(result.code).toBe(1)
    expect(result.outputs['state']).toBe('Expired')
    expect(errorAnnotation(result)).toContain('Expired: its download link no longer works.')
  })
})
