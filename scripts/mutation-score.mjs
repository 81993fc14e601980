// The mutation score of each file of src/, from the JSON report `npm run mutate` writes, checked
// against the floor in stryker.config.mjs (thresholds.low). Stryker's own break threshold is one
// score for the whole run; the project keeps a floor per file, so a weak file cannot hide behind
// strong ones. Prints a Markdown table; exits 1 when a file is under the floor or when a file of
// src/ that Stryker should mutate is missing from the report (a partial run says nothing of it).
//
//   node scripts/mutation-score.mjs [--partial] [report.json]
//   node scripts/mutation-score.mjs --changed-since <git ref>
//
// --partial: a run narrowed with --mutate; only the files it reports are checked.
// --changed-since: prints, comma-separated for --mutate, the files Stryker mutates that changed.
// --write: also writes the table into MUTATION.md, a generated file of its own.
import { execFileSync } from 'node:child_process'
import { globSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import config from '../stryker.config.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const partial = args.includes('--partial')
const reportPath =
  args.find((a) => !a.startsWith('--')) ?? join(root, config.jsonReporter?.fileName ?? 'reports/mutation/mutation.json')
const floor = config.thresholds.low

// The files Stryker is configured to mutate: every one must be in the report, or it was not measured.
const expected = new Set(config.mutate.filter((p) => !p.startsWith('!')).flatMap((p) => globSync(p, { cwd: root })))
for (const p of config.mutate.filter((p) => p.startsWith('!')))
  for (const f of globSync(p.slice(1), { cwd: root })) expected.delete(f)
if (args[0] === '--changed-since') {
  const changed = execFileSync('git', ['diff', '--name-only', '--diff-filter=AMR', `${args[1]}...HEAD`], {
    cwd: root,
    encoding: 'utf8'
  })
    .split('\n')
    .filter((file) => expected.has(file))
  console.log(changed.join(','))
  process.exit(0)
}

let report
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch (error) {
  console.error(`No mutation report at ${reportPath} (${error.code ?? error.message}): run \`npm run mutate\` first.`)
  process.exit(1)
}

/** Stryker's definition: detected (killed, timed out) over valid mutants (detected, survived, not covered). */
function score(mutants) {
  const count = (status) => mutants.filter((m) => m.status === status).length
  const detected = count('Killed') + count('Timeout')
  const undetected = count('Survived') + count('NoCoverage')
  return {
    detected,
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    ignored: count('Ignored'),
    score: detected + undetected === 0 ? 100 : (100 * detected) / (detected + undetected)
  }
}

const rows = Object.entries(report.files)
  .map(([file, { mutants }]) => ({ file: file.replace(/^.*?\bsrc\//, 'src/'), ...score(mutants) }))
  .sort((a, b) => a.file.localeCompare(b.file))

const all = score(Object.values(report.files).flatMap((f) => f.mutants))
const lines = [
  '| File | Score | Killed | Survived | No coverage | Ignored (marked equivalent) |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) => `| ${r.file} | ${r.score.toFixed(1)} % | ${r.detected} | ${r.survived} | ${r.noCoverage} | ${r.ignored} |`
  ),
  `| **all of src/** | **${all.score.toFixed(1)} %** | ${all.detected} | ${all.survived} | ${all.noCoverage} | ${all.ignored} |`
]
console.log(lines.join('\n'))

const missing = [...expected].filter((file) => !rows.some((r) => r.file === file)).sort()
if (missing.length > 0 && !partial) {
  console.error(
    `\nThe report does not cover ${missing.join(', ')}: it comes from a partial run. Run \`npm run mutate\` for the whole of src/.`
  )
  process.exit(1)
}

// Only a whole run speaks for src/: --partial never writes the table.
if (args.includes('--write') && !partial) {
  const page = [
    '# The last mutation run',
    '',
    'Written by `npm run mutate` after a whole run (`node scripts/mutation-score.mjs --write`); see',
    '[CONTRIBUTING.md](CONTRIBUTING.md#mutation-testing). Do not edit it by hand.',
    '',
    `The last whole run (${new Date().toISOString().slice(0, 10)}): ${all.detected + all.survived + all.noCoverage} mutants, ` +
      `${all.score.toFixed(1)} % noticed; ${all.ignored} marked equivalent in place, each with its reason.`,
    '',
    ...lines,
    ''
  ].join('\n')
  writeFileSync(join(root, 'MUTATION.md'), page)
}

const below = rows.filter((r) => r.score < floor)
if (below.length > 0) {
  console.error(
    `\n${below.length} file(s) under the floor of ${floor} %: ${below.map((r) => `${r.file} (${r.score.toFixed(1)} %)`).join(', ')}. ` +
      'Kill the survivors with tests (reports/mutation/mutation.html shows them), or mark a truly equivalent mutant.'
  )
  process.exit(1)
}
console.log(`\nEvery file scores at least ${floor} %.`)
