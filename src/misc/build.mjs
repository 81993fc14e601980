// npm run build: bundles src/index.ts into dist/ with ncc, then writes each sibling action's
// two-line entry (dist/<name>.js), which imports its run() from the one shared bundle.
//   node src/misc/build.mjs [outDir]   (default dist/; check-dist builds into a temporary folder)

import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))

/** Sibling actions: their folder (with action.yml), and the run() that src/index.ts exports for them. */
export const SIBLINGS = [{ name: 'backup-export', run: 'runBackupExport' }]

// prettier-ignore
const ncc = ['build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--target', 'es2022', '--source-map', '--no-source-map-register', '--minify']
execFileSync(join(root, 'node_modules', '.bin', 'ncc'), ncc, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
for (const { name, run } of SIBLINGS) {
  writeFileSync(
    join(out, `${name}.js`),
    `// The ${name} action (${name}/action.yml): its run() from the shared bundle.\nimport { ${run} } from './index.js'\nawait ${run}()\n`
  )
}
console.log(`built ${out}: index.js${SIBLINGS.map(({ name }) => `, ${name}.js`).join('')}`)
