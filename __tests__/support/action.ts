// Helpers for action-level tests: run dist/index.js against the fake Atlas and check for leaks.
import { afterAll, beforeAll, beforeEach, expect } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { DEMO, exportDocument, runDocument, startFakeAtlas } from './fake-atlas.mjs'
import { ACTION_ENTRY, spawnAction } from '../../scripts/run-action.mjs'

export type ActionResult = Awaited<ReturnType<typeof spawnAction>>

export const RUN_INPUTS = { groupId: DEMO.groupId, pipelineName: DEMO.pipelineName, runId: DEMO.runId }
export const EXPORT_INPUTS = { groupId: DEMO.groupId, clusterName: DEMO.clusterName, exportId: DEMO.exportId }
/** The backup-export action's entry in dist/, as backup-export/action.yml runs it. */
export const EXPORT_ENTRY = join(dirname(ACTION_ENTRY), 'backup-export.js')
export const DIGEST_INPUTS = { publicKey: DEMO.publicKey, privateKey: DEMO.privateKey }
export const OAUTH_INPUTS = { clientId: DEMO.clientId, clientSecret: DEMO.clientSecret }
export const BEARER_INPUTS = { accessToken: DEMO.accessToken }

/** Every secret a test may have handed the action, and the Basic credential derived from the pair. */
export const KNOWN_SECRETS = [
  DEMO.privateKey,
  DEMO.clientSecret,
  DEMO.accessToken,
  Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64'),
  // Digest's HA1 is as good as the password for that realm.
  ...['md5', 'sha256'].map((hash) =>
    createHash(hash).update(`${DEMO.publicKey}:MMS Public API:${DEMO.privateKey}`).digest('hex')
  )
]

/** Everything of a run that a user can see: the log (the ::add-mask:: lines aside), stderr, outputs and summary. */
export function visibleText(result: ActionResult): string {
  const log = result.stdout
    .split('\n')
    .filter((line: string) => !line.startsWith('::add-mask::'))
    .join('\n')
  return [log, result.stderr, result.outputText, result.summary].join('\n')
}

/** The secrets and tokens that show up where the user can see them; [] when none does. */
export function leakedSecrets(result: ActionResult, extraSecrets: string[] = []): string[] {
  const visible = visibleText(result)
  const known = [...KNOWN_SECRETS, ...extraSecrets].filter((secret) => secret !== '' && visible.includes(secret))
  return [...known, ...(visible.match(/fake-token-[0-9a-f]{32}/g) ?? [])]
}

/** Fails when any secret or token shows up anywhere the user can see it. */
export function expectNoSecrets(result: ActionResult, extraSecrets: string[] = []): void {
  expect(leakedSecrets(result, extraSecrets)).toEqual([])
}

/**
 * Runs the pipeline action against a fake Atlas at baseUrl with the run inputs, and asserts that no secret
 * leaked and that nothing reached stderr (no crash, no unhandled rejection, no stack trace).
 */
export async function runWithoutLeaksOrCrash(
  baseUrl: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  extraSecrets: string[] = []
): Promise<ActionResult> {
  return runExpectingNoLeakOrCrash({ inputs: { ...RUN_INPUTS, baseUrl, ...inputs }, env }, extraSecrets)
}

/** Runs the action, then asserts what every run must hold: no secret anywhere, nothing on stderr, no crash. */
async function runExpectingNoLeakOrCrash(
  options: Parameters<typeof spawnAction>[0],
  extraSecrets: string[]
): Promise<ActionResult> {
  const result = await spawnAction(options)
  expectNoSecrets(result, extraSecrets)
  expect(result.stderr).toBe('')
  expect(result.signal).toBeNull()
  return result
}

/** runWithoutLeaksOrCrash() for the backup-export action: dist/backup-export.js with the export job inputs. */
export async function runExportWithoutLeaksOrCrash(
  baseUrl: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  extraSecrets: string[] = []
): Promise<ActionResult> {
  return runExpectingNoLeakOrCrash(
    { inputs: { ...EXPORT_INPUTS, baseUrl, ...inputs }, env, entry: EXPORT_ENTRY },
    extraSecrets
  )
}

/** The backup-restore action's entry in dist/, as backup-restore/action.yml runs it. */
export const RESTORE_ENTRY = join(dirname(ACTION_ENTRY), 'backup-restore.js')

/** runWithoutLeaksOrCrash() for the backup-restore action: dist/backup-restore.js with the source cluster's inputs. */
export async function runRestoreWithoutLeaksOrCrash(
  baseUrl: string,
  inputs: Record<string, string>,
  extraSecrets: string[] = [],
  options: { onStart?: (child: ChildProcess) => void } = {}
): Promise<ActionResult> {
  return runExpectingNoLeakOrCrash(
    {
      inputs: { groupId: DEMO.groupId, clusterName: DEMO.clusterName, baseUrl, ...BEARER_INPUTS, ...inputs },
      env: {},
      entry: RESTORE_ENTRY,
      ...options
    },
    extraSecrets
  )
}

/** The ::error:: annotation text the action printed (URL-decoded as the runner shows it). */
export function errorAnnotation(result: ActionResult): string {
  const line = result.stdout.split('\n').find((l: string) => l.startsWith('::error::')) ?? ''
  return line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}

export type FakeAtlas = Awaited<ReturnType<typeof startFakeAtlas>>

/**
 * One Atlas-like server for a whole test file: started before the tests, stopped after, and reset
 * before each test (request log cleared, the demo run answering DONE).
 */
export function useSharedAtlas(): { atlas: FakeAtlas } {
  const shared = {} as { atlas: FakeAtlas }
  beforeAll(async () => {
    shared.atlas = await startFakeAtlas()
  })
  afterAll(async () => {
    await shared.atlas.close()
  })
  beforeEach(() => {
    shared.atlas.requests.length = 0
    shared.atlas.script([{ run: runDocument() }])
    shared.atlas.scriptExport([{ run: exportDocument() }])
  })
  return shared
}
