// Prints the CHANGELOG.md section of one version, for the release workflow:
//   node scripts/release-notes.mjs v1.2.3
// Exits 1 when CHANGELOG.md has no section for it, so no release goes out without notes.

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The body of the "## [version]" section (without its heading), or undefined when there is none. */
export function releaseNotes(changelog, version) {
  const wanted = version.replace(/^v/, '')
  const lines = changelog.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`## [${wanted}]`))
  if (start === -1) return undefined
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '))
  const body = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim()
  return body === '' ? undefined : body
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const version = process.argv[2] ?? ''
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const notes = releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), version)
  if (notes === undefined) {
    console.error(`CHANGELOG.md has no section "## [${version.replace(/^v/, '')}]" with notes: add one before tagging.`)
    process.exit(1)
  }
  console.log(notes)
}
