// The local demo: runs the bundled actions (dist/) as the runner would and prints their log (masked
// values as ***), outputs and job summary, and writes each case's summary as an HTML page rendered
// like GitHub's Markdown (in the system's temporary folder; the paths are printed at the end).
//   Without credentials in the environment: against the Atlas-like demo server on 127.0.0.1, the
//   current actions first (backup-export, backup-restore), then the retired pipeline run action.
//   With MONGODB_ATLAS_CLIENT_ID + _SECRET (or _PUBLIC_API_KEY + _PRIVATE_API_KEY) and
//   ATLAS_GROUP_ID, ATLAS_PIPELINE_NAME, ATLAS_RUN_ID (optional ATLAS_BASE_URL, ATLAS_WAIT):
//   against Atlas itself.

import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiError, DEMO, exportDocument, runDocument, startFakeAtlas } from '../__tests__/support/fake-atlas.mjs'
import { summaryPage } from './render-markdown.mjs'
import { ACTION_ENTRY, spawnAction } from './run-action.mjs'

/** Prints a case as the runner shows it: without debug lines, and every masked value as ***. */
function show(title, result) {
  const lines = result.stdout.split('\n')
  const masked = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length))
  const mask = (text) => masked.reduce((shown, secret) => (secret ? shown.split(secret).join('***') : shown), text)
  console.log(`\n===== ${title}: exit code ${result.code} (${result.ms} ms) =====`)
  console.log('--- log ---')
  process.stdout.write(
    mask(lines.filter((l) => !l.startsWith('::debug::') && !l.startsWith('::add-mask::')).join('\n'))
  )
  if (result.stderr) process.stdout.write(mask(result.stderr))
  console.log('--- outputs ---')
  for (const [name, value] of Object.entries(result.outputs)) console.log(mask(`${name}=${value}`))
  console.log('--- job summary ---')
  console.log(mask(result.summary))
}

const env = process.env
const hasAtlasCredentials =
  (env.MONGODB_ATLAS_CLIENT_ID && env.MONGODB_ATLAS_CLIENT_SECRET) ||
  (env.MONGODB_ATLAS_PUBLIC_API_KEY && env.MONGODB_ATLAS_PRIVATE_API_KEY)

if (hasAtlasCredentials) {
  const missing = ['ATLAS_GROUP_ID', 'ATLAS_PIPELINE_NAME', 'ATLAS_RUN_ID'].filter((name) => !env[name])
  if (missing.length > 0) {
    console.error(`Credentials found; also set ${missing.join(', ')} to check a run in Atlas.`)
    process.exit(2)
  }
  const pass = [
    'MONGODB_ATLAS_CLIENT_ID',
    'MONGODB_ATLAS_CLIENT_SECRET',
    'MONGODB_ATLAS_PUBLIC_API_KEY',
    'MONGODB_ATLAS_PRIVATE_API_KEY'
  ].filter((n) => env[n])
  const result = await spawnAction({
    inputs: {
      groupId: env.ATLAS_GROUP_ID,
      pipelineName: env.ATLAS_PIPELINE_NAME,
      runId: env.ATLAS_RUN_ID,
      baseUrl: env.ATLAS_BASE_URL ?? 'https://cloud.mongodb.com',
      wait: env.ATLAS_WAIT ?? 'false'
    },
    env: Object.fromEntries(pass.map((n) => [n, env[n]])),
    timeoutMs: 2 * 60 * 60 * 1000
  })
  show('Atlas', result)
  process.exit(result.code ?? 1)
}

const atlas = await startFakeAtlas()
console.log(`Atlas-like demo server on ${atlas.url} (no credentials in the environment, so not Atlas itself)`)
const pagesDir = join(tmpdir(), 'atlas-action-demo')
mkdirSync(pagesDir, { recursive: true })
const pages = []

/** Runs one case, prints it, and writes its job summary as a page rendered the way GitHub renders Markdown. */
async function demoCase(slug, title, options, { quiet = false } = {}) {
  const result = await spawnAction(options)
  if (!quiet) show(title, result)
  const file = join(pagesDir, `${slug}.html`)
  writeFileSync(file, summaryPage(result.summary || '(no job summary)', title))
  pages.push([title, file])
  return result
}

try {
  const inputs = { groupId: DEMO.groupId, pipelineName: DEMO.pipelineName, runId: DEMO.runId, baseUrl: atlas.url }
  const apiKey = { publicKey: DEMO.publicKey, privateKey: DEMO.privateKey }
  const serviceAccount = { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
  // The backup-export action (dist/backup-export.js): a one-shot check, then a wait that fails.
  const exportEntry = join(ACTION_ENTRY, '..', 'backup-export.js')
  const exportInputs = {
    groupId: DEMO.groupId,
    clusterName: DEMO.clusterName,
    exportId: DEMO.exportId,
    baseUrl: atlas.url
  }
  await demoCase('export-done', 'backup-export: one-shot check of a Successful export job', {
    inputs: { ...exportInputs, ...apiKey },
    entry: exportEntry
  })
  atlas.scriptExport([
    {
      run: exportDocument({
        state: 'Queued',
        finishedAt: undefined,
        exportStatus: { exportedCollections: 0, totalCollections: 12 }
      })
    },
    {
      run: exportDocument({
        state: 'InProgress',
        finishedAt: undefined,
        exportStatus: { exportedCollections: 7, totalCollections: 12 }
      })
    },
    {
      run: exportDocument({
        state: 'Failed',
        exportStatus: { exportedCollections: 7, totalCollections: 12 },
        stateReason: {
          errorCode: 'EXPORT_BUCKET_ACCESS_DENIED',
          message: 'Atlas could not write to the export bucket.'
        }
      })
    }
  ])
  await demoCase('export-failed', 'backup-export: wait mode, the export job Failed', {
    inputs: { ...exportInputs, ...serviceAccount, wait: 'true', pollInterval: '1s', timeout: '1m' },
    entry: exportEntry
  })
  // Start mode: take a snapshot, export it, wait, and say where the files are.
  const runner = {
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/warehouse',
    GITHUB_SHA: 'c0ffee0000000000000000000000000000000000',
    GITHUB_WORKFLOW: 'release',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1'
  }
  atlas.state.lists.exports = []
  atlas.state.lists.snapshots = []
  await demoCase('export-start', 'backup-export: take a snapshot, export it, wait until Successful', {
    inputs: {
      groupId: DEMO.groupId,
      clusterName: DEMO.clusterName,
      exportBucketId: DEMO.exportBucketId,
      takeSnapshot: 'true',
      customData: 'release=v42',
      baseUrl: atlas.url,
      ...serviceAccount,
      pollInterval: '1s',
      timeout: '1m'
    },
    env: runner,
    entry: exportEntry
  })
  // The gate of a scheduled export: the newest export to the bucket is three weeks old.
  const stale = new Date(Date.now() - 21 * 24 * 3_600_000).toISOString()
  atlas.state.lists.exports = [exportDocument({ createdAt: stale })]
  atlas.scriptExport([{ run: exportDocument({ createdAt: stale, finishedAt: undefined }) }])
  await demoCase('export-stale', 'backup-export: the newest scheduled export is older than maxAge', {
    inputs: {
      groupId: DEMO.groupId,
      clusterName: DEMO.clusterName,
      exportId: 'latest',
      exportBucketId: DEMO.exportBucketId,
      maxAge: '26h',
      baseUrl: atlas.url,
      ...apiKey
    },
    entry: exportEntry
  })
  // The backup-restore action (dist/backup-restore.js): a restore into staging, started and waited
  // for; a target refused before anything changed; a download whose link stays out of sight.
  const restoreEntry = join(ACTION_ENTRY, '..', 'backup-restore.js')
  const restoreInputs = { groupId: DEMO.groupId, clusterName: DEMO.clusterName, baseUrl: atlas.url, ...serviceAccount }
  const hours = (h) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')
  atlas.state.lists.snapshots = [
    { id: '6750e0a1b2c3d4e5f6a7b8c8', status: 'completed', createdAt: hours(30), snapshotType: 'scheduled' },
    { id: '6750e0a1b2c3d4e5f6a7b8c9', status: 'completed', createdAt: hours(6), snapshotType: 'scheduled' }
  ]
  atlas.state.lists.restoreJobs = []
  atlas.state.restorePolls = 2
  await demoCase('restore-automated', 'backup-restore: restore the newest snapshot into staging-1, and wait', {
    inputs: { ...restoreInputs, targetClusterName: 'staging-1', pollInterval: '1s', timeout: '1m' },
    env: runner,
    entry: restoreEntry
  })
  atlas.state.clusters[`${DEMO.groupId}/staging-1`] = { mongoDBMajorVersion: '7.0' }
  await demoCase(
    'restore-refused',
    'backup-restore: a target refused before any restore is requested',
    { inputs: { ...restoreInputs, targetClusterName: 'staging-1' }, env: runner, entry: restoreEntry },
    { quiet: true }
  )
  await demoCase('restore-download', 'backup-restore: a download, its link masked', {
    inputs: { ...restoreInputs, deliveryType: 'download', pollInterval: '1s', timeout: '1m' },
    env: runner,
    entry: restoreEntry
  })
  // Bad inputs, reported at once with their rules, before any request.
  await demoCase(
    'invalid-inputs',
    'backup-export: invalid inputs',
    {
      inputs: {
        groupId: 'not-an-id',
        clusterName: 'Cluster 0',
        exportId: 'Latest',
        timeout: '9d',
        baseUrl: atlas.url,
        ...apiKey
      },
      entry: exportEntry
    },
    { quiet: true }
  )
  // The retired Data Lake pipeline run action (dist/index.js), last: its API is sunset.
  await demoCase('one-shot-done', 'pipeline run (retired): one-shot check, API key (Digest)', {
    inputs: { ...inputs, ...apiKey }
  })

  atlas.script([
    { run: runDocument({ state: 'PENDING', phase: 'SNAPSHOT', stats: undefined }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'SNAPSHOT', stats: undefined }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT', stats: { bytesExported: 402653184, numDocs: 0 } }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'INGESTION' }) },
    { run: runDocument() }
  ])
  await demoCase('wait-done', 'pipeline run (retired): wait mode, service account (OAuth)', {
    inputs: { ...inputs, ...serviceAccount, wait: 'true', pollInterval: '1s', timeout: '1m' }
  })
  console.log(`The demo server saw ${atlas.requests.length} requests: ${atlas.requests.map((r) => r.kind).join(', ')}`)

  // The failure classes, summaries only: what a person sees when it goes wrong.
  const cases = [
    [
      'failed',
      'pipeline run (retired): FAILED in EXPORT (wait mode)',
      [
        { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
        { run: runDocument({ state: 'FAILED', phase: 'EXPORT', stats: undefined }) }
      ],
      { wait: 'true', pollInterval: '1s' }
    ],
    [
      'timeout',
      'pipeline run (retired): timed out, still IN_PROGRESS',
      [{ run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT', stats: undefined }) }],
      { wait: 'true', pollInterval: '1s', timeout: '3s' }
    ],
    [
      'not-found',
      'pipeline run (retired): 404, run not found (sunset)',
      [apiError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource pipeline run ${DEMO.runId}.`)],
      {}
    ],
    [
      'gone',
      'pipeline run (retired): 410, run gone (sunset)',
      [apiError(410, 'VERSION_GONE', 'This resource has been sunset.')],
      {}
    ],
    [
      'rate-limited',
      'pipeline run (retired): rate-limited (429) until the deadline',
      [{ ...apiError(429, 'RATE_LIMITED', 'Too many requests.'), headers: { 'retry-after': '1' } }],
      // A 429 is waited out until the deadline: a short one, so that the demo does not wait 30m.
      { wait: 'true', pollInterval: '1s', timeout: '8s' }
    ],
    [
      'hostile',
      'pipeline run (retired): hostile text from the API',
      [
        {
          run: runDocument({
            state: 'FAILED',
            datasetName: '<img src=x onerror=alert(1)> **bold** https://evil.example | fake | row |'
          })
        }
      ],
      {}
    ]
  ]
  for (const [slug, title, steps, extra] of cases) {
    atlas.script(steps)
    await demoCase(slug, title, { inputs: { ...inputs, ...apiKey, ...extra } }, { quiet: true })
  }
  await demoCase(
    'refused',
    'pipeline run (retired): 401, the API key is refused',
    { inputs: { ...inputs, publicKey: DEMO.publicKey, privateKey: 'wrong-key' } },
    { quiet: true }
  )
} finally {
  await atlas.close()
}

console.log(`\nEach case's job summary, rendered as GitHub renders Markdown (open them in a browser):`)
for (const [title, file] of pages) console.log(`  ${title}: ${file}`)
