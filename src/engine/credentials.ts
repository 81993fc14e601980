import * as core from '@actions/core'
import type { Authenticator } from '../atlas/auth/authenticator.js'
import { bearerAuthenticator } from '../atlas/auth/authenticator.js'
import { digestAuthenticator } from '../atlas/auth/digest.js'
import { oauthAuthenticator } from '../atlas/auth/oauth.js'
import type { Transport } from '../atlas/http.js'
import { SECRET_ENV, SECRET_INPUTS, type Settings } from './settings.js'
import { USER_AGENT } from './version.js'

// The secrets of a run: masked before anything can print them, and turned into the one
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
