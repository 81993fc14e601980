import type { HttpResponse } from '../http.js'

/** The three ways to authenticate to Atlas share this interface, so the client never branches on them. */
export interface Authenticator {
  /** The Authorization header for a request, or undefined when the scheme needs a challenge first. */
  authorize(method: string, path: string, signal?: AbortSignal): Promise<string | undefined>
  /**
   * After a 401: takes in what the answer teaches (a new challenge; a token to drop) and says
   * whether the same request may now succeed.
   */
  learnFromRefusal(response: HttpResponse, sentAuthorization: string | undefined): boolean
  /** Ends the session (revokes obtained tokens), within signal. Never throws: returns a warning to show instead. */
  close(signal?: AbortSignal): Promise<string | undefined>
}

/** Called with every secret the moment it exists, so the caller can mask it before anything prints. */
export type SecretSink = (secret: string) => void

/** A bearer token obtained elsewhere: sent as is, nothing to refresh or revoke. */
export function bearerAuthenticator(accessToken: string): Authenticator {
  const header = `Bearer ${accessToken}`
  return {
    authorize: async () => header,
    learnFromRefusal: () => false,
    close: async () => undefined
  }
}
