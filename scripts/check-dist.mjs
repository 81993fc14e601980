// Rebuilds dist/ into a temporary folder and fails when it differs from the committed dist/, so
// the code users run is always the code in src/.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = mkdtempSync(join(tmpdir(), 'dist-check-'))
try {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  // Every file, in dist/ and below (the shared bundle is in dist/engine/).
  const files = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      .sort()
  const committed = files(join(root, 'dist'))
  const fresh = files(out)
  const differing = [...new Set([...committed, ...fresh])].filter((name) => {
    try {
      return !readFileSync(join(root, 'dist', name)).equals(readFileSync(join(out, name)))
    } catch {
      return true
    }
  })
  if (differing.length > 0) {
    console.error(
      `dist/ is not what src/ builds (differs: ${differing.join(', ')}). Run \`npm run build\` and commit dist/.`
    )
    process.exit(1)
  }
  console.log(`dist/ matches a fresh build (${fresh.length} files).`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
