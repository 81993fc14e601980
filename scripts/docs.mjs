// Writes what is derived: the engine's shared inputs into each action.yml (from
// src/engine/shared-inputs.json, where the engine reads their defaults too), then the README's input
// and output tables from each action.yml, so neither can drift (as actions/checkout's generate-docs).
//   node scripts/docs.mjs          rewrite the action.yml files and README.md
//   node scripts/docs.mjs --check  exit 1 when any of them is out of date

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse, stringify } from 'yaml'

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

/** The shared inputs, as they stand in each action.yml: every one optional, with its default. */
export function sharedInputsYaml(
  shared = JSON.parse(readFileSync(join(root, 'src', 'engine', 'shared-inputs.json'), 'utf8'))
) {
  const inputs = Object.fromEntries(
    Object.entries(shared).map(([name, { description, default: value }]) => [
      name,
      { description, required: false, default: value }
    ])
  )
  // YAML 1.1, as older readers of action.yml take it: a date or a yes/no is quoted, so it stays a string.
  const yaml = stringify(inputs, { singleQuote: true, lineWidth: 0, version: '1.1' })
  return yaml.replace(/^(?=.)/gm, '  ')
}

const SHARED_START =
  '  # The shared inputs, the same in every action: written by `npm run docs` from src/engine/shared-inputs.json.\n'
const SHARED_END = '  # End of the shared inputs.\n'

/** action.yml text with its shared inputs block rewritten. */
export function renderActionYml(text, block = sharedInputsYaml()) {
  const from = text.indexOf(SHARED_START)
  const to = text.indexOf(SHARED_END)
  if (from === -1 || to === -1)
    throw new Error(`action.yml lacks the shared inputs markers (${SHARED_START.trim()} … ${SHARED_END.trim()})`)
  return `${text.slice(0, from + SHARED_START.length)}${block}${text.slice(to)}`
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

/** The action.yml files whose shared inputs are not what src/engine/shared-inputs.json says. */
export function staleActionYmls(folders) {
  return actionFiles(folders)
    .map(({ file }) => file)
    .filter((file) => {
      const text = readFileSync(join(root, file), 'utf8')
      return renderActionYml(text) !== text
    })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folders = registryFolders()
  const check = process.argv.includes('--check')
  const stale = staleActionYmls(folders)
  if (check && stale.length > 0) {
    console.error(
      `The shared inputs of ${stale.join(', ')} are out of date with src/engine/shared-inputs.json: run \`npm run docs\`.`
    )
    process.exit(1)
  }
  for (const file of stale) writeFileSync(join(root, file), renderActionYml(readFileSync(join(root, file), 'utf8')))
  const path = join(root, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const next = renderReadme(readme, folders)
  if (check) {
    if (next !== readme) {
      console.error('README.md tables are out of date with the action.yml files: run `npm run docs`.')
      process.exit(1)
    }
    console.log('The action.yml files and the README.md tables are current.')
  } else {
    writeFileSync(path, next)
    console.log(
      `Shared inputs written into ${stale.length} action.yml file(s); README.md tables written from the action.yml files.`
    )
  }
}
