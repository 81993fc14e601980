// An Atlas-like server for tests and the local demo: the getPipelineRun path, the OAuth token and
// revoke endpoints, HTTP Digest (RFC 7616) and bearer checks, scripted answers per run, and a log
// of every request. Plain ESM JavaScript so `node` runs it as is.
//
//   node __tests__/support/fake-atlas.mjs [port]   starts it with the demo data and prints its URL

import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { pathToFileURL } from 'node:url'

export const DEMO = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  clusterName: 'Cluster0',
  exportId: '6750a1b2c3d4e5f6a7b8c9d0',
  exportBucketId: '6750f0e1d2c3b4a596877869',
  publicKey: 'demopubk',
  privateKey: 'demo-private-key-0000-1111',
  clientId: 'mdb_sa_id_demo0000000000000000',
  clientSecret: 'mdb_sa_sk_demo-secret-value-0000',
  accessToken: 'demo-static-bearer-token-0123456789'
}

/** A run document shaped like the spec's example, DONE by default. */
export function runDocument(overrides = {}) {
  return {
    _id: DEMO.runId,
    backupFrequencyType: 'DAILY',
    createdDate: '2026-11-27T02:00:00Z',
    datasetName: 'v1$atlas$snapshot$Cluster0$sales$orders$20261127T020000Z',
    datasetRetentionPolicy: { lastModifiedDate: '2026-01-10T09:42:00Z', units: 'DAYS', value: 7 },
    groupId: DEMO.groupId,
    lastUpdatedDate: '2026-11-27T02:41:17Z',
    phase: 'INGESTION',
    pipelineId: '65a0c1d2e3f4a5b6c7d8e9f0',
    scheduledDeletionDate: '2026-12-04T02:00:00Z',
    snapshotId: '6650e0a1b2c3d4e5f6a7b8c9',
    state: 'DONE',
    stats: { bytesExported: 1288490188, numDocs: 1234567 },
    ...overrides
  }
}

/** An export bucket as GET …/backup/exportBuckets/{id} answers it at version 2024-05-30: keyed _id, not id. */
export function bucketDocument(overrides = {}) {
  return {
    _id: DEMO.exportBucketId,
    bucketName: 'acme-atlas-exports',
    cloudProvider: 'AWS',
    iamRoleId: '668c5f0ed436263134491592',
    region: 'us-east-1',
    requirePrivateNetworking: false,
    links: [],
    ...overrides
  }
}

/** An export job shaped like the spec's DiskBackupExportJob, Successful by default. */
export function exportDocument(overrides = {}) {
  return {
    id: DEMO.exportId,
    snapshotId: '6750e0a1b2c3d4e5f6a7b8c9',
    exportBucketId: DEMO.exportBucketId,
    state: 'Successful',
    createdAt: '2026-11-28T02:00:00Z',
    finishedAt: '2026-11-28T02:14:52Z',
    prefix: '/exported_snapshots/acme/warehouse/Cluster0/2026-11-28T0100/1764295200',
    exportStatus: { exportedCollections: 12, totalCollections: 12 },
    customData: [{ key: 'release', value: 'v42' }],
    ...overrides
  }
}

export function apiError(status, errorCode, detail, reason = '') {
  return { status, body: { detail, error: status, errorCode, parameters: [], reason } }
}

const REALM = 'MMS Public API'
const HASHES = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' }

function parseAuthParams(text) {
  const params = {}
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g
  let m
  while ((m = re.exec(text))) params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]
  return params
}

function sendJson(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(text)
}

async function readBody(req) {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Starts the server on 127.0.0.1 (port 0 = any free port).
 * options.digest: { algorithm: 'MD5' | 'SHA-256' | 'MD5-sess' | ..., qop: 'auth' | null, nonceUses, nonceLifetimeMs, challenge }
 * options.tls: { key, cert } to serve https instead of http.
 * options.host: the loopback address to listen on (default 127.0.0.1; any of 127.0.0.0/8 works on Linux).
 * options.tokenExpiresIn: seconds in token answers (default 3600); options.tokenLifetimeMs: how long tokens really work.
 */
export async function startFakeAtlas(options = {}) {
  const digest = { algorithm: 'MD5', qop: 'auth', nonceUses: Infinity, nonceLifetimeMs: Infinity, ...options.digest }
  const state = {
    /** @type {Array<Record<string, any>>} */
    requests: [],
    /** @type {string[]} */
    revoked: [],
    scripts: new Map(),
    tokenScript: [],
    /**
     * What the list endpoints hold, oldest first unless a test says otherwise.
     * @type {{ runs: Record<string, any>[], exports: Record<string, any>[], snapshots: Record<string, any>[], restoreJobs: Record<string, any>[] }}
     */
    lists: { runs: [], exports: [], snapshots: [], restoreJobs: [] },
    /**
     * Clusters by "groupId/name" (GET …/clusters/{name}, 2024-08-05): a document to merge into the
     * default one (clusterDocument()), or null for a cluster that does not exist (404).
     * @type {Record<string, Record<string, any> | null>}
     */
    clusters: {},
    /** @type {string | undefined} How restores started here end: restored (default), failed or expired. */
    restoreOutcome: undefined,
    /** How many polls a restore started here answers unfinished before it ends (default 1). */
    restorePolls: 1,
    /** @type {string | undefined} How snapshots taken here end: completed (default) or failed. */
    snapshotOutcome: undefined,
    /** @type {string} The cluster's clusterType: REPLICASET (default), SHARDED or GEOSHARDED. */
    clusterType: 'REPLICASET',
    /** @type {Record<string, Record<string, any>>} The export buckets by id (GET …/backup/exportBuckets/{id}). */
    buckets: { [DEMO.exportBucketId]: bucketDocument() },
    /**
     * Steps played by the POST endpoints before they create normally: { status, body } or { afterCreate: true, reset | status… }.
     * @type {{ exports: Record<string, any>[], snapshots: Record<string, any>[], restoreJobs: Record<string, any>[] }}
     */
    postScripts: { exports: [], snapshots: [], restoreJobs: [] },
    /** @type {Record<string, string>} Request kinds answered 403 (e.g. 'post-exports', 'bucket'), with the detail. */
    forbidden: {},
    /** @type {Record<string, Record<string, any>[]>} Steps played by a request kind ('list-snapshots', 'cluster', 'bucket') before it answers normally. */
    listScripts: {},
    revokeScript: [],
    nonces: new Map(),
    tokens: new Map(),
    keys: { [DEMO.publicKey]: DEMO.privateKey },
    clients: { [DEMO.clientId]: DEMO.clientSecret },
    bearers: new Set([DEMO.accessToken]),
    tokenExpiresIn: options.tokenExpiresIn ?? 3600,
    // How long the server really honours a token; shorter than tokenExpiresIn simulates early revocation.
    tokenLifetimeMs: options.tokenLifetimeMs
  }
  const key = (groupId, pipelineName, runId) => `${groupId}/${pipelineName}/${runId}`
  const exportKey = (groupId, clusterName, exportId) => `export:${groupId}/${clusterName}/${exportId}`
  state.scripts.set(key(DEMO.groupId, DEMO.pipelineName, DEMO.runId), [{ run: runDocument() }])
  state.scripts.set(exportKey(DEMO.groupId, DEMO.clusterName, DEMO.exportId), [{ run: exportDocument() }])

  function newNonce() {
    // As Atlas's: 32 base64 characters, + and / included.
    const nonce = randomBytes(24).toString('base64')
    state.nonces.set(nonce, { created: Date.now(), lastNc: 0, uses: 0 })
    return nonce
  }

  const hex24 = () => randomBytes(12).toString('hex')
  /** An ObjectId as Atlas makes them: its first 8 hex digits are its creation time in seconds. */
  const objectId = () =>
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0') + randomBytes(8).toString('hex')

  /** A cluster document as GET cluster answers at 2024-08-05: one replicationSpecs entry per shard. */
  function clusterDocument(groupId, name) {
    const extra = state.clusters[`${groupId}/${name}`] ?? {}
    const clusterType = extra.clusterType ?? state.clusterType
    const shards = clusterType === 'REPLICASET' ? 1 : 2
    return {
      name,
      groupId,
      clusterType,
      stateName: 'IDLE',
      paused: false,
      mongoDBMajorVersion: '8.0',
      backupEnabled: true,
      pitEnabled: false,
      replicationSpecs: Array.from({ length: shards }, (_, i) => ({ id: hex24(), zoneName: `Zone ${i + 1}` })),
      connectionStrings: {
        standard: `mongodb://${name.toLowerCase()}-shard-00-00.ab1cd.mongodb.net:27017`,
        standardSrv: `mongodb+srv://${name.toLowerCase()}.ab1cd.mongodb.net`
      },
      ...extra
    }
  }

  /**
   * POST …/backup/restoreJobs: answered 200 with no state (as Atlas does), moving on as it is
   * polled. An automated or pointInTime restore gets finishedAt; a download gets its links (one
   * per shard on a sharded cluster) and expiresAt, never finishedAt.
   */
  function createRestore(groupId, clusterName, input) {
    const snapshot = state.lists.snapshots.find((s) => s.id === input.snapshotId)
    const job = {
      id: objectId(),
      deliveryType: input.deliveryType,
      snapshotId: input.snapshotId ?? hex24(),
      ...(input.targetClusterName
        ? { targetClusterName: input.targetClusterName, targetGroupId: input.targetGroupId }
        : {}),
      ...(input.pointInTimeUTCSeconds ? { pointInTimeUTCSeconds: input.pointInTimeUTCSeconds } : {}),
      timestamp: snapshot?.createdAt ?? new Date(Date.now() - 3600_000).toISOString(),
      cancelled: false,
      failed: false,
      expired: false,
      deliveryUrl: [],
      links: [
        {
          rel: 'self',
          href: `https://cloud.mongodb.com/api/atlas/v2/groups/${groupId}/clusters/${clusterName}/backup/restoreJobs`
        }
      ]
    }
    state.lists.restoreJobs.push(job)
    const outcome = state.restoreOutcome
    let last
    if (outcome === 'failed')
      last = { ...job, failed: true, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }
    else if (input.deliveryType === 'download') {
      const token = randomBytes(16).toString('hex')
      const url = (rs) =>
        `https://restore-${job.id}.ab1cd.mongodb.net:27017/${token}/restore-${job.snapshotId}${rs ? `-${rs}` : ''}.tar.gz`
      const sharded = state.clusterType !== 'REPLICASET'
      last = {
        ...job,
        deliveryUrl: sharded ? [] : [url()],
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        expired: outcome === 'expired',
        ...(sharded
          ? {
              components: ['atlas-rs0-shard-0', 'atlas-rs0-shard-1'].map((rs) => ({
                replicaSetName: rs,
                downloadUrl: url(rs),
                privateDownloadDeliveryUrls: []
              }))
            }
          : {})
      }
    }
    // An automated or point-in-time restore finishes when it is seen finished (Atlas writes whole seconds).
    const ending = last
      ? { run: last }
      : { run: () => ({ ...job, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }) }
    state.scripts.set(`restore:${job.id}`, [
      ...Array.from({ length: state.restorePolls }, () => ({ run: job })),
      ending
    ])
    return job
  }

  const job_date = () => new Date().toISOString().slice(0, 16).replace(/[-:]/g, '')

  /** POST …/backup/exports: a new job, Queued, that moves on by itself as it is polled. */
  function createExport(groupId, clusterName, input) {
    const job = exportDocument({
      id: hex24(),
      snapshotId: input.snapshotId,
      exportBucketId: input.exportBucketId,
      customData: input.customData ?? [],
      state: 'Queued',
      createdAt: new Date().toISOString(),
      finishedAt: undefined,
      // As Atlas's recorded answers have it: no leading slash (exportDocument() has the spec's one).
      prefix: `exported_snapshots/acme/warehouse/${clusterName}/${job_date()}`,
      exportStatus: { exportedCollections: 0, totalCollections: 0 }
    })
    state.lists.exports.push(job)
    const counts = { exportedCollections: 12, totalCollections: 12 }
    state.scripts.set(exportKey(groupId, clusterName, job.id), [
      { run: { ...job, state: 'InProgress', exportStatus: { ...counts, exportedCollections: 5 } } },
      // Finished when it is seen finished.
      { run: () => ({ ...job, state: 'Successful', exportStatus: counts, finishedAt: new Date().toISOString() }) }
    ])
    return job
  }

  /** POST …/backup/snapshots: a new on-demand snapshot, queued, completed by its second poll; no createdAt until then. */
  function createSnapshot(_groupId, _clusterName, input) {
    const snapshot = {
      id: hex24(),
      status: 'queued',
      snapshotType: 'onDemand',
      // Atlas has been recorded sending this, outside the spec's enum.
      frequencyType: 'ondemand',
      type: state.clusterType === 'REPLICASET' ? 'replicaSet' : 'shardedCluster',
      description: input.description,
      retentionInDays: input.retentionInDays
    }
    state.lists.snapshots.push(snapshot)
    const outcome = state.snapshotOutcome ?? 'completed'
    state.scripts.set(`snapshot:${snapshot.id}`, [
      { run: { ...snapshot, status: 'inProgress' } },
      {
        run: {
          ...snapshot,
          status: outcome,
          ...(outcome === 'completed' ? { createdAt: new Date().toISOString() } : {})
        }
      }
    ])
    return snapshot
  }

  function challenge(res, stale) {
    // As Atlas sends it (recorded): realm, an empty domain, the nonce, algorithm, qop, stale.
    const parts = [`realm="${REALM}"`, 'domain=""', `nonce="${newNonce()}"`, `algorithm=${digest.algorithm}`]
    if (digest.qop) parts.push(`qop="${digest.qop}"`)
    parts.push(`stale=${stale ? 'true' : 'false'}`)
    const header = digest.challenge ?? `Digest ${parts.join(', ')}`
    // Atlas's 401 body is pretty-printed JSON.
    const body = {
      detail: 'You are not authorized for this resource.',
      error: 401,
      errorCode: 'NOT_ORG_GROUP_CREATOR',
      parameters: [],
      reason: 'Unauthorized'
    }
    sendJson(res, 401, JSON.stringify(body, null, 2), { 'www-authenticate': header, 'x-error-code': body.errorCode })
  }

  /** 'ok' | 'challenge' | 'stale' | 'denied' for a Digest or Bearer Authorization header. */
  function checkAuth(req, entry) {
    const header = req.headers.authorization
    if (!header) return 'challenge'
    if (header.startsWith('Bearer ')) {
      entry.auth = 'bearer'
      const token = header.slice(7)
      const issued = state.tokens.get(token)
      if (state.bearers.has(token)) return 'ok'
      if (issued && !state.revoked.includes(token) && issued.expiresAt > Date.now()) return 'ok'
      return 'denied'
    }
    if (!header.startsWith('Digest ')) return 'challenge'
    entry.auth = 'digest'
    const p = parseAuthParams(header.slice(7))
    entry.digest = { nc: p.nc, nonce: p.nonce, algorithm: p.algorithm, qop: p.qop, uri: p.uri }
    const password = state.keys[p.username]
    const algorithm = (p.algorithm ?? 'MD5').toUpperCase()
    const hashName = HASHES[algorithm.replace(/-SESS$/, '')]
    if (password === undefined || !hashName || p.uri !== req.url) return 'denied'
    const H = (s) => createHash(hashName).update(s).digest('hex')
    let ha1 = H(`${p.username}:${REALM}:${password}`)
    if (algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${p.nonce}:${p.cnonce}`)
    const ha2 = H(`${req.method}:${p.uri}`)
    const expected = p.qop ? H(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : H(`${ha1}:${p.nonce}:${ha2}`)
    if (expected !== p.response) return 'denied'
    const nonce = state.nonces.get(p.nonce)
    if (!nonce) return 'stale'
    if (Date.now() - nonce.created > digest.nonceLifetimeMs || nonce.uses >= digest.nonceUses) {
      state.nonces.delete(p.nonce)
      return 'stale'
    }
    if (p.qop) {
      const nc = parseInt(p.nc, 16)
      if (!(nc > nonce.lastNc)) return 'denied' // a replayed or reused nc
      nonce.lastNc = nc
    }
    nonce.uses += 1
    return 'ok'
  }

  function checkBasic(req) {
    const header = req.headers.authorization ?? ''
    if (!header.startsWith('Basic ')) return false
    const [id, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')
    return state.clients[id] !== undefined && state.clients[id] === rest.join(':')
  }

  /** Plays one scripted step: the answer, a reset, or a hang. */
  async function play(step, req, res, envelope) {
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs))
    if (step.reset) {
      req.socket.destroy()
      return
    }
    if (step.hang) return // never answer; the client's timeout must end it
    if (step.raw !== undefined) {
      res.writeHead(step.status ?? 200, { 'content-type': step.contentType ?? 'text/html', ...step.headers })
      if (step.resetMidBody) {
        res.write(step.raw.slice(0, Math.floor(step.raw.length / 2)))
        setTimeout(() => req.socket.destroy(), 20)
        return
      }
      res.end(step.raw)
      return
    }
    const status = step.run ? 200 : step.status
    // A run given as a function is made as it is answered (a finishedAt of that moment).
    const body = typeof step.run === 'function' ? step.run() : (step.run ?? step.body)
    if (envelope) sendJson(res, 200, { status, content: body }, step.headers)
    else sendJson(res, status, body, step.headers)
  }

  const server = (options.tls ? createTlsServer.bind(null, options.tls) : createServer)(async (req, res) => {
    // The raw request-target, not a URL parse of it: a parser would resolve %2E%2E segments.
    const [rawPath = '', search = ''] = (req.url ?? '').split(/\?(.*)/s)
    const url = { pathname: rawPath, searchParams: new URLSearchParams(search) }
    const entry = {
      method: req.method,
      rawPath,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      auth: 'none',
      at: Date.now()
    }
    state.requests.push(entry)
    try {
      // Atlas's token bucket per project (one for every request to the Admin API here): empty, it
      // answers 429 with Retry-After, the seconds until its next token.
      if (state.bucket && rawPath.startsWith('/api/atlas/v2/')) {
        const bucket = state.bucket
        const now = Date.now()
        bucket.tokens = Math.min(bucket.capacity, bucket.tokens + ((now - bucket.at) / 60_000) * bucket.perMinute)
        bucket.at = now
        if (bucket.tokens < 1) {
          entry.kind = 'rate-limited'
          const wait = bucket.retryAfterSeconds ?? Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / bucket.perMinute))
          return sendJson(
            res,
            429,
            apiError(429, 'RATE_LIMITED_TOKEN_BUCKET', `Too many requests: retry after ${wait} seconds.`).body,
            {
              'Retry-After': String(wait)
            }
          )
        }
        bucket.tokens -= 1
      }
      // Random transient faults (a bench of how start mode rides them out): a 503 before or after
      // the work is done (a POST answered 503 after it created), or a reset, at the given rate.
      if (state.faults && rawPath.startsWith('/api/atlas/v2/') && state.faults.random() < state.faults.rate) {
        entry.fault = true
        const kind = state.faults.random()
        if (req.method === 'POST' && kind < 0.5) entry.faultAfterWork = true
        else if (kind < 0.75) return void req.socket.destroy()
        else return sendJson(res, 503, apiError(503, 'SERVICE_UNAVAILABLE', 'Try again later.').body)
      }
      if (req.method === 'POST' && url.pathname === '/api/oauth/token') {
        entry.kind = 'token'
        entry.body = await readBody(req)
        const step = state.tokenScript.shift()
        if (step) return void (await play(step, req, res, false))
        if (!checkBasic(req))
          return sendJson(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' })
        if (!/(^|&)grant_type=client_credentials(&|$)/.test(entry.body))
          return sendJson(res, 400, { error: 'unsupported_grant_type' })
        const token = `fake-token-${randomBytes(16).toString('hex')}`
        state.tokens.set(token, { expiresAt: Date.now() + (state.tokenLifetimeMs ?? state.tokenExpiresIn * 1000) })
        return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.tokenExpiresIn })
      }
      if (req.method === 'POST' && url.pathname === '/api/oauth/revoke') {
        entry.kind = 'revoke'
        entry.body = await readBody(req)
        const step = state.revokeScript.shift()
        if (step) return void (await play(step, req, res, false))
        if (!checkBasic(req)) return sendJson(res, 401, { error: 'invalid_client' })
        const token = new URLSearchParams(entry.body).get('token')
        state.revoked.push(token)
        res.writeHead(200).end()
        return
      }
      // Lists (paged) and the POSTs of start mode: run lists, export jobs, snapshots; a sharded
      // cluster's snapshot list (GET only, no paging parameters).
      const collection =
        /^\/api\/atlas\/v2\/groups\/([^/]+)\/(?:pipelines\/([^/]+)\/runs|clusters\/([^/]+)\/backup\/(exports|snapshots|snapshots\/shardedClusters|restoreJobs))$/.exec(
          url.pathname
        )
      if (collection && !(collection[4] === 'snapshots/shardedClusters' && req.method !== 'GET')) {
        const what = collection[4] === 'snapshots/shardedClusters' ? 'sharded-snapshots' : (collection[4] ?? 'runs')
        entry.kind = `${req.method === 'POST' ? 'post' : 'list'}-${what}`
        if (req.method === 'POST') entry.body = await readBody(req)
        const verdict = checkAuth(req, entry)
        entry.authResult = verdict
        if (verdict === 'challenge' || verdict === 'stale') return challenge(res, verdict === 'stale')
        if (verdict === 'denied')
          return entry.auth === 'digest'
            ? challenge(res, false)
            : sendJson(res, 401, apiError(401, 'UNAUTHORIZED', 'denied').body)
        const denied = state.forbidden[entry.kind]
        if (denied) return sendJson(res, 403, apiError(403, 'FORBIDDEN', denied).body)
        const listScript = state.listScripts[entry.kind]?.shift()
        if (listScript) return void (await play(listScript, req, res, false))
        if (req.method === 'GET') {
          const all = state.lists[what === 'sharded-snapshots' ? 'snapshots' : what]
          if (what === 'sharded-snapshots')
            return sendJson(res, 200, { results: all, totalCount: all.length, links: [] })
          const page = Number(url.searchParams.get('pageNum') ?? 1)
          const size = Number(url.searchParams.get('itemsPerPage') ?? 100)
          const body = { results: all.slice((page - 1) * size, page * size), links: [] }
          if (url.searchParams.get('includeCount') !== 'false') body.totalCount = all.length
          return sendJson(res, 200, body)
        }
        const input = JSON.parse(entry.body || '{}')
        const step = state.postScripts[what].shift()
        if (step?.status && !step.afterCreate) return sendJson(res, step.status, step.body ?? {})
        const created =
          what === 'exports'
            ? createExport(collection[1], collection[3], input)
            : what === 'restoreJobs'
              ? createRestore(collection[1], collection[3], input)
              : createSnapshot(collection[1], collection[3], input)
        if (step?.afterCreate) return void (await play(step, req, res, false))
        // The work is done, but its answer is lost.
        if (entry.faultAfterWork)
          return sendJson(res, 503, apiError(503, 'SERVICE_UNAVAILABLE', 'Try again later.').body)
        return sendJson(res, 200, created)
      }
      // The documents answered: a pipeline run, an export job, a snapshot (of a replica set or a
      // sharded cluster), the cluster, an export bucket. Runs, jobs and snapshots have scripted
      // answers by their ids.
      const runMatch = /^\/api\/atlas\/v2\/groups\/([^/]+)\/pipelines\/([^/]+)\/runs\/([^/]+)$/.exec(url.pathname)
      const exportMatch = /^\/api\/atlas\/v2\/groups\/([^/]+)\/clusters\/([^/]+)\/backup\/exports\/([^/]+)$/.exec(
        url.pathname
      )
      const snapshotMatch =
        /^\/api\/atlas\/v2\/groups\/([^/]+)\/clusters\/([^/]+)\/backup\/snapshots\/(?:(shardedCluster)\/)?([^/]+)$/.exec(
          url.pathname
        )
      const clusterMatch = /^\/api\/atlas\/v2\/groups\/([^/]+)\/clusters\/([^/]+)$/.exec(url.pathname)
      const bucketMatch = /^\/api\/atlas\/v2\/groups\/([^/]+)\/backup\/exportBuckets\/([^/]+)$/.exec(url.pathname)
      const restoreMatch = /^\/api\/atlas\/v2\/groups\/([^/]+)\/clusters\/([^/]+)\/backup\/restoreJobs\/([^/]+)$/.exec(
        url.pathname
      )
      const match = runMatch ?? exportMatch ?? snapshotMatch ?? clusterMatch ?? bucketMatch ?? restoreMatch
      if (!match || !(req.method === 'GET' || (req.method === 'DELETE' && restoreMatch)))
        return sendJson(
          res,
          404,
          apiError(404, 'RESOURCE_NOT_FOUND', `No resource at ${req.method} ${url.pathname}`).body
        )
      const ids = match.slice(1).map((part) => (part === undefined ? part : decodeURIComponent(part)))
      if (runMatch) {
        entry.kind = 'run'
        Object.assign(entry, { groupId: ids[0], pipelineName: ids[1], runId: ids[2] })
      } else if (exportMatch) {
        entry.kind = 'export'
        Object.assign(entry, { groupId: ids[0], clusterName: ids[1], exportId: ids[2] })
      } else if (snapshotMatch) {
        entry.kind = ids[2] ? 'sharded-snapshot' : 'snapshot'
      } else if (restoreMatch) {
        entry.kind = req.method === 'DELETE' ? 'cancel-restore' : 'restore'
        entry.restoreJobId = ids[2]
      } else {
        entry.kind = clusterMatch ? 'cluster' : 'bucket'
      }
      const verdict = checkAuth(req, entry)
      entry.authResult = verdict
      if (verdict === 'challenge') return challenge(res, false)
      if (verdict === 'stale') return challenge(res, true)
      if (verdict === 'denied') {
        if (entry.auth === 'digest') return challenge(res, false)
        return sendJson(res, 401, apiError(401, 'UNAUTHORIZED', 'The access token is invalid or expired.').body)
      }
      const denied = state.forbidden[entry.kind]
      if (denied) return sendJson(res, 403, apiError(403, 'FORBIDDEN', denied).body)
      const accept = req.headers.accept ?? ''
      const version = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/.exec(accept)?.[1]
      // The versions the spec lists for each resource.
      const versions = { cluster: ['2023-01-01', '2023-02-01', '2024-08-05'], bucket: ['2023-01-01', '2024-05-30'] }
      if (!(versions[entry.kind] ?? ['2023-01-01']).includes(version)) {
        return sendJson(
          res,
          406,
          apiError(406, 'INVALID_VERSION_DATE', `The version date ${version ?? accept} is not valid for this resource.`)
            .body
        )
      }
      const listed = state.listScripts[entry.kind]?.shift()
      if (listed) return void (await play(listed, req, res, url.searchParams.get('envelope') === 'true'))
      if (clusterMatch) {
        if (state.clusters[`${ids[0]}/${ids[1]}`] === null)
          return sendJson(
            res,
            404,
            apiError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${ids[1]} exists in group ${ids[0]}.`).body
          )
        return sendJson(res, 200, clusterDocument(ids[0], ids[1]))
      }
      if (restoreMatch && req.method === 'DELETE') {
        const job = state.lists.restoreJobs.find((j) => j.id === ids[2])
        if (!job)
          return sendJson(res, 404, apiError(404, 'RESTORE_JOB_NOT_FOUND', `Restore job ${ids[2]} not found.`).body)
        // Atlas cancels only a download; an automated or point-in-time restore cannot be stopped.
        if (job.deliveryType !== 'download')
          return sendJson(res, 405, apiError(405, 'METHOD_NOT_ALLOWED', 'Cannot cancel this restore job.').body)
        state.scripts.set(`restore:${job.id}`, [{ run: { ...job, cancelled: true } }])
        res.writeHead(204).end()
        return
      }
      if (bucketMatch) {
        const bucket = state.buckets[ids[1]]
        return bucket
          ? sendJson(res, 200, bucket)
          : sendJson(res, 404, apiError(404, 'EXPORT_BUCKET_NOT_FOUND', `Export bucket ${ids[1]} not found.`).body)
      }
      const script = state.scripts.get(
        runMatch
          ? key(...ids)
          : exportMatch
            ? exportKey(...ids)
            : restoreMatch
              ? `restore:${ids[2]}`
              : `snapshot:${ids[3]}`
      )
      if (!script)
        return sendJson(
          res,
          404,
          apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource ${entry.kind} ${ids[ids.length - 1]}.`).body
        )
      const step = script.length > 1 ? script.shift() : script[0]
      await play(step, req, res, url.searchParams.get('envelope') === 'true')
    } catch (error) {
      sendJson(res, 500, apiError(500, 'UNEXPECTED_ERROR', String(error)).body)
    }
  })
  const sockets = new Set()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise((resolve) => server.listen(options.port ?? 0, host, resolve))
  const { port } = server.address()
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    state,
    /** Every request seen, oldest first. */
    get requests() {
      return state.requests
    },
    /** Scripts the answers for one run: each request takes the next step; the last one repeats. */
    script(steps, ref = {}) {
      const r = { ...DEMO, ...ref }
      state.scripts.set(key(r.groupId, r.pipelineName, r.runId), [...steps])
    },
    /** Scripts the answers for one export job, as script() does for a run ({ run: exportDocument() } answers 200). */
    scriptExport(steps, ref = {}) {
      const r = { ...DEMO, ...ref }
      state.scripts.set(exportKey(r.groupId, r.clusterName, r.exportId), [...steps])
    },
    /**
     * Answers a share (rate) of the requests to the Admin API with a transient fault, chosen by a
     * seeded random source: a reset or a 503, and for a POST, half the time, a 503 after the work is done.
     * @param {{ rate: number, seed?: number }} faults
     */
    faultAtRandom({ rate, seed = 42 }) {
      // mulberry32: the same faults for the same seed, so a bench can be compared run to run.
      let a = seed >>> 0
      const random = () => {
        a = (a + 0x6d2b79f5) >>> 0
        let t = a
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }
      state.faults = { rate, random }
    },
    /**
     * Puts every request to the Admin API behind one token bucket, as Atlas does per project:
     * capacity requests at once, refilled at perMinute (MongoDB's example: 10, 5 per minute).
     * retryAfterSeconds: the Retry-After of every 429 (default: the seconds until the next token).
     * @param {{ capacity: number, perMinute: number, retryAfterSeconds?: number }} limit
     */
    rateLimit({ capacity, perMinute, retryAfterSeconds }) {
      state.bucket = { capacity, perMinute, retryAfterSeconds, tokens: capacity, at: Date.now() }
    },
    /** Scripts the answers for one snapshot id (GET …/backup/snapshots/{id}). */
    scriptSnapshot(snapshotId, steps) {
      state.scripts.set(`snapshot:${snapshotId}`, [...steps])
    },
    /** Steps played by the token endpoint before it answers normally again. */
    scriptToken(steps) {
      state.tokenScript.push(...steps)
    },
    scriptRevoke(steps) {
      state.revokeScript.push(...steps)
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const atlas = await startFakeAtlas({ port: Number(process.argv[2] ?? 0) })
  console.log(`Fake Atlas listening at ${atlas.url}`)
  console.log(
    `  run: ${atlas.url}/api/atlas/v2/groups/${DEMO.groupId}/pipelines/${DEMO.pipelineName}/runs/${DEMO.runId}`
  )
  console.log(`  API key (digest): ${DEMO.publicKey} / ${DEMO.privateKey}`)
}
