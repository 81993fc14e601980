import * as core from '@actions/core'
import type { Authenticator } from '../atlas/auth/authenticator.js'
import { bearerAuthenticator } from '../atlas/auth/authenticator.js'
import { digestAuthenticator } from '../atlas/auth/digest.js'
import { oauthAuthenticator } from '../atlas/auth/oauth.js'
import type { Transport } from '../atlas/http.js'
import { isObject } from '../atlas/json.js'
import type { AtlasDocument, Resource } from '../resources/resource.js'
import { SECRET_ENV, SECRET_INPUTS, type Settings } from './settings.js'
import { USER_AGENT } from './version.js'

// The secrets of a run: masked before anything can print them (the credentials, the tokens the
// action obtains, the credentials a resource's documents hold), and turned into the one
// authenticator the settings ask for.

/** Every input and variable that may hold a secret is masked before anything else happens. */
export function maskSecrets(): void {
  const values = [
    ...SECRET_INPUTS.map((name) => core.getInput(name)),
    ...SECRET_ENV.map((name) => process.env[name]?.trim() ?? '')
  ]
  for (const value of values) if (value !== '') core.setSecret(value)
}

/** The authenticator for the credentials in the settings; a token it obtains is masked as it arrives. */
export function createAuthenticator(settings: Settings, transport: Transport): Authenticator {
  const { credentials } = settings
  switch (credentials.kind) {
    case 'oauth':
      return oauthAuthenticator({
        baseUrl: settings.baseUrl,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        transport,
        userAgent: USER_AGENT,
        onSecret: (s) => core.setSecret(s)
      })
    case 'digest':
      return digestAuthenticator(credentials.publicKey, credentials.privateKey)
    case 'bearer':
      return bearerAuthenticator(credentials.accessToken)
  }
}

/**
 * Masks the secrets the resource finds in a document as it arrives, and in each item of a page of
 * them (a list that steps read), before anything can print them.
 */
export function maskDocumentSecrets(resource: Resource, doc: AtlasDocument): void {
  const items = Array.isArray(doc['results']) ? doc['results'].filter(isObject) : []
  for (const each of [doc, ...items])
    for (const secret of resource.secrets(each)) if (secret !== '') core.setSecret(secret)
}

/** What a secret of a document becomes in the document output. */
export const SECRET_PLACEHOLDER = '***'

/** The document with every string that is one of its secrets replaced by SECRET_PLACEHOLDER, at any depth. */
export function withoutSecrets(doc: AtlasDocument, secrets: readonly string[]): AtlasDocument {
  if (secrets.length === 0) return doc
  const hidden = new Set(secrets)
  const strip = (value: unknown): unknown => {
    if (typeof value === 'string') return hidden.has(value) ? SECRET_PLACEHOLDER : value
    if (Array.isArray(value)) return value.map(strip)
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, strip(inner)]))
    return value
  }
  return strip(doc) as AtlasDocument
}
