// Runs the bundled action the way the runner does: `node dist/index.js` as a child process, inputs
// as INPUT_* variables, and the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files read back afterwards.

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ACTION_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')

/** Parses the runner's output file: `name<<DELIMITER` heredocs (as @actions/core writes) or `name=value` lines. */
export function parseOutputFile(text) {
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      outputs[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return outputs
}

/** The environment of a fresh step: the parent's, minus anything that would leak inputs or credentials in. */
function baseEnv() {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(INPUT_|MONGODB_ATLAS_|GITHUB_|RUNNER_|NODE_OPTIONS$|https?_proxy$|no_proxy$)/i.test(k)) continue
    env[k] = v
  }
  return env
}

/**
 * Runs dist/index.js. inputs: { groupId: '…' } → INPUT_GROUPID. Resolves when the process exits
 * (or is killed after timeoutMs) with its exit code, output, outputs and summary.
 * onStart(child) lets a test signal the process while it runs.
 * entry: another copy of the bundle to run (default dist/index.js).
 * @param {{ inputs?: Record<string, string>, env?: Record<string, string | undefined>, timeoutMs?: number, entry?: string, onStart?: (child: import('node:child_process').ChildProcess) => void }} [options]
 */
export function spawnAction({ inputs = {}, env = {}, timeoutMs = 30000, entry = ACTION_ENTRY, onStart } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const childEnv = {
    ...baseEnv(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...env
  }
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const outputText = readFileSync(outputFile, 'utf8')
      const summary = readFileSync(summaryFile, 'utf8')
      rmSync(dir, { recursive: true, force: true })
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputFile(outputText),
        outputText,
        summary,
        ms: Date.now() - started
      })
    })
    onStart?.(child)
  })
}
