/** The action's version, sent in the User-Agent; a test keeps it equal to package.json's. */
export const ACTION_VERSION = '1.1.0'

export const USER_AGENT = `atlas-pipeline-run-action/${ACTION_VERSION} (node ${process.versions.node})`
