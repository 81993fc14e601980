// npm run build: bundles src/index.ts into dist/engine/ with ncc, then writes one small entry file
// in dist/ for every action of the registry (src/actions.ts, read from the fresh bundle):
// dist/index.js for the root action, dist/<folder>.js for the others. Each imports runAction()
// from the one shared bundle and names its action.
//   node scripts/build.mjs [outDir]   (default dist/; check-dist builds into a temporary folder)

import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(process.argv[2] ?? join(root, 'dist'))

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
// prettier-ignore
const ncc = ['build', 'src/index.ts', '-o', join(out, 'engine'), '--license', 'licenses.txt', '--target', 'es2022', '--source-map', '--no-source-map-register', '--minify']
execFileSync(join(root, 'node_modules', '.bin', 'ncc'), ncc, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`)

const { ACTIONS, entryFile } = await import(pathToFileURL(join(out, 'engine', 'index.js')).href)
for (const { folder } of ACTIONS) {
  const yml = join(folder, 'action.yml')
  writeFileSync(
    join(out, entryFile(folder)),
    `// The action of ${yml}: its run from the shared bundle.\nimport { runAction } from './engine/index.js'\nawait runAction('${folder}')\n`
  )
}
console.log(`built ${out}: engine/index.js, ${ACTIONS.map(({ folder }) => entryFile(folder)).join(', ')}`)
