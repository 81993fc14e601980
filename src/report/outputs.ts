import { stringifyJson } from '../atlas/json.js'
import type { PollResult } from '../engine/poll.js'
import type { Resource } from '../resources/resource.js'
import type { Verdict } from '../engine/verdict.js'
import { withoutSecrets } from '../engine/credentials.js'

// The step's outputs, as one pure map: set on success and on failure, each only when known. The
// resource names what comes from its document; how the check went is the same for all.

/** Output name → value for everything known about the resource and how the check went. */
export function buildOutputs(
  result: PollResult,
  verdict: Verdict,
  resource: Resource,
  workflowRunUrl?: string
): Record<string, string> {
  const outputs: Record<string, string> = {}
  const put = (name: string, value: string | undefined): void => {
    if (value !== undefined) outputs[name] = value
  }
  const doc = result.last?.document
  if (doc) {
    for (const [name, value] of Object.entries(resource.outputs(doc))) put(name, value)
    // The whole document, without the credentials it holds (they are the resource's outputs' alone).
    put(resource.documentOutput, stringifyJson(withoutSecrets(doc, resource.secrets(doc))))
  }
  put('httpStatus', result.httpStatus?.toString())
  put('errorCode', result.error?.errorCode)
  put('succeeded', String(verdict.ok))
  put('polls', String(result.polls))
  put('waitedSeconds', String(Math.round(result.elapsedMs / 1000)))
  put('url', workflowRunUrl)
  return outputs
}
