// Turns a request's headers into its owner: open mode (no credentials, one shared owner), or
// API keys and/or JWTs, several modes together. Throws the 401 AppErrors of credentials.ts.
import type { IncomingHttpHeaders } from 'node:http'
import { createApiKeyLookup, type ApiKey } from './api-keys.js'
import { invalidApiKey, missingApiKey, presentedCredential } from './credentials.js'
import type { JwtSettings } from './jwt.js'
import { openOwner } from './owner.js'

export interface AuthSettings {
  /** From API_KEYS and API_KEYS_FILE. */
  apiKeys: ApiKey[]
  /** null: JWTs are not accepted. */
  jwt: JwtSettings | null
  /** ALLOW_UNAUTHENTICATED: serve without authentication on a non-loopback interface. */
  allowUnauthenticated: boolean
}

export const authEnabled = (settings: AuthSettings): boolean => settings.apiKeys.length > 0 || settings.jwt !== null

/** Names of the enabled modes, for the start-up log line (never the keys themselves). */
export function describeAuth (settings: AuthSettings): string[] {
  const modes: string[] = []
  if (settings.apiKeys.length > 0) modes.push(`api-keys (${settings.apiKeys.length})`)
  if (settings.jwt?.secret != null) modes.push('jwt HS256')
  if (settings.jwt?.jwks != null) modes.push('jwt JWKS file')
  if (settings.jwt?.jwksUrl != null) modes.push('jwt JWKS URL')
  return modes
}

/**
 * The owner, or a promise of it when a JWT has to be verified: open mode and API keys answer at
 * once, so the request hook does not wait a turn of the event loop for them.
 */
export type Authenticator = (headers: IncomingHttpHeaders) => string | Promise<string>

export async function createAuthenticator (settings: AuthSettings): Promise<Authenticator> {
  if (!authEnabled(settings)) return () => openOwner
  const lookupKey = createApiKeyLookup(settings.apiKeys)
  const jwtSettings = settings.jwt
  // jose is loaded only when JWTs are accepted: a server without them starts faster.
  const jwt = jwtSettings === null
    ? null
    : await import('./jwt.js').then(({ createJwtVerifier, looksLikeJwt }) => ({ verify: createJwtVerifier(jwtSettings), looksLikeJwt }))
  return (headers) => {
    const credential = presentedCredential(headers)
    if (credential === undefined) throw missingApiKey()
    const keyOwner = lookupKey(credential)
    if (keyOwner !== undefined) return keyOwner
    if (jwt !== null && jwt.looksLikeJwt(credential)) {
      return jwt.verify(credential).then((outcome) => {
        if ('owner' in outcome) return outcome.owner
        throw invalidApiKey(credential, outcome.rejected)
      })
    }
    throw invalidApiKey(credential)
  }
}
