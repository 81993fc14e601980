// Writes the README's input and output tables from each action's action.yml, so the docs cannot
// drift from the actions (as actions/checkout's generate-docs does).
//   node scripts/docs.mjs          rewrite README.md
//   node scripts/docs.mjs --check  exit 1 when README.md is out of date

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, ' ')
    .trim()

/**
 * Each action's action.yml and the prefix of its README markers ("backup-export inputs:start"), for
 * the folders of the registry (src/actions.ts; '.' is the root action).
 */
export function actionFiles(folders) {
  return folders.map((folder) =>
    folder === '.' ? { file: 'action.yml', marker: '' } : { file: `${folder}/action.yml`, marker: `${folder} ` }
  )
}

/**
 * The registry's folders, read from its source (src/actions.ts) as text: the docs need no build.
 * A unit test holds this list to the registry's ACTIONS.
 */
export function registryFolders(source = readFileSync(join(root, 'src', 'actions.ts'), 'utf8')) {
  return [...source.matchAll(/^\s*\{ folder: '([^']+)'/gm)].map((match) => match[1])
}

function tables(actionYaml) {
  const action = parse(actionYaml)
  const inputs = [
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, i]) =>
        `| \`${name}\` | ${i.required ? 'yes' : 'no'} | ${i.default ? `\`${cell(i.default)}\`` : ''} | ${cell(i.description)} |`
    )
  ].join('\n')
  const outputs = [
    '| Output | Description |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`)
  ].join('\n')
  return { inputs, outputs }
}

/** README text with the tables between each action's markers replaced by ones made from its action.yml. */
export function renderReadme(readme, folders, actionYamls = readYamls(folders)) {
  const replace = (text, marker, table) => {
    const start = `<!-- ${marker}:start -->`
    const end = `<!-- ${marker}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to === -1) throw new Error(`README.md lacks the ${start} … ${end} markers`)
    return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`
  }
  let next = readme
  actionFiles(folders).forEach(({ marker }, i) => {
    const { inputs, outputs } = tables(actionYamls[i])
    next = replace(replace(next, `${marker}inputs`, inputs), `${marker}outputs`, outputs)
  })
  return next
}

const readYamls = (folders) => actionFiles(folders).map(({ file }) => readFileSync(join(root, file), 'utf8'))

/** True when the README's tables are those of the given actions' action.yml files. */
export function readmeIsCurrent(folders) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  return renderReadme(readme, folders) === readme
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = join(root, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const next = renderReadme(readme, registryFolders())
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md tables are out of date with the action.yml files: run `npm run docs`.')
      process.exit(1)
    }
    console.log('README.md tables match the action.yml files.')
  } else {
    writeFileSync(path, next)
    console.log('README.md tables written from the action.yml files.')
  }
}
