import packageJson from '../../package.json' with { type: 'json' }

/** The action's version, sent in the User-Agent: package.json's, bundled in at build time. */
export const ACTION_VERSION: string = packageJson.version

export const USER_AGENT = `atlas-pipeline-run-action/${ACTION_VERSION} (node ${process.versions.node})`
