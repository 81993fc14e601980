// The local demo: runs the bundled action (dist/index.js) as the runner would and prints its log,
// outputs and job summary.
//   Without credentials in the environment: against the Atlas-like demo server on 127.0.0.1, once
//   as a one-shot check (API key, Digest) and once in wait mode (service account, OAuth).
//   With MONGODB_ATLAS_CLIENT_ID + _SECRET (or _PUBLIC_API_KEY + _PRIVATE_API_KEY) and
//   ATLAS_GROUP_ID, ATLAS_PIPELINE_NAME, ATLAS_RUN_ID (optional ATLAS_BASE_URL, ATLAS_WAIT):
//   against Atlas itself.

import { DEMO, runDocument, startFakeAtlas } from '../../__tests__/support/fake-atlas.mjs'
import { runAction } from '../../__tests__/support/run-action.mjs'

function show(title, result) {
  console.log(`\n===== ${title}: exit code ${result.code} (${result.ms} ms) =====`)
  console.log('--- log ---')
  process.stdout.write(
    result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::debug::'))
      .join('\n')
  )
  if (result.stderr) process.stdout.write(result.stderr)
  console.log('--- outputs ---')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`)
  console.log('--- job summary ---')
  console.log(result.summary)
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
  const result = await runAction({
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
try {
  const inputs = { groupId: DEMO.groupId, pipelineName: DEMO.pipelineName, runId: DEMO.runId, baseUrl: atlas.url }
  show(
    'one-shot check, API key (Digest)',
    await runAction({ inputs: { ...inputs, publicKey: DEMO.publicKey, privateKey: DEMO.privateKey } })
  )

  atlas.script([
    { run: runDocument({ state: 'PENDING', phase: 'SNAPSHOT', stats: undefined }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'SNAPSHOT', stats: undefined }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT', stats: { bytesExported: 402653184, numDocs: 0 } }) },
    { run: runDocument({ state: 'IN_PROGRESS', phase: 'INGESTION' }) },
    { run: runDocument() }
  ])
  show(
    'wait mode, service account (OAuth)',
    await runAction({
      inputs: {
        ...inputs,
        clientId: DEMO.clientId,
        clientSecret: DEMO.clientSecret,
        wait: 'true',
        pollInterval: '1s',
        timeout: '1m'
      }
    })
  )
  console.log(`The demo server saw ${atlas.requests.length} requests: ${atlas.requests.map((r) => r.kind).join(', ')}`)
} finally {
  await atlas.close()
}
