import type { HttpResponse } from '../transport.js'

/** The three ways to authenticate to Atlas share this interface, so the client never branches on them. */
export interface Authenticator {
  readonly scheme: 'digest' | 'oauth' | 'bearer'
  /** The Authorization header for a request, or undefined when the scheme needs a challenge first. */
  authorize(method: string, path: string, signal?: AbortSignal): Promise<string | undefined>
  /** After a 401: whether the same request may succeed with what the answer taught us (a nonce, a new token). */
  shouldRetry(response: HttpResponse, sentAuthorization: string | undefined): boolean
  /** Ends the session (revokes an obtained token). Never throws: returns a warning to show instead. */
  close(): Promise<string | undefined>
}

/** Called with every secret the moment it exists, so the caller can mask it before anything prints. */
export type SecretSink = (secret: string) => void

/** A bearer token obtained elsewhere: sent as is, nothing to refresh or revoke. */
export function bearerAuthenticator(accessToken: string): Authenticator {
  const header = `Bearer ${accessToken}`
  return {
    scheme: 'bearer',
    authorize: async () => header,
    shouldRetry: () => false,
    close: async () => undefined
  }
}
