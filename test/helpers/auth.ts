// Authentication settings and real signed tokens for tests.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose'
import type { ApiKey } from '../../src/auth/api-keys.js'
import type { AuthSettings } from '../../src/auth/authenticate.js'
import type { JwtSettings } from '../../src/auth/jwt.js'

export const hsSecret = 'a-shared-secret-of-at-least-32-bytes!'
export const issuer = 'https://issuer.example'
export const audience = 'conversations-api'

export const apiKeysAuth = (apiKeys: ApiKey[]): AuthSettings => ({ apiKeys, jwt: null, allowUnauthenticated: false })

export const jwtSettings = (overrides: Partial<JwtSettings> = {}): JwtSettings => ({
  secret: null, jwks: null, jwksUrl: null, issuer: [issuer], audience: [audience], ownerClaim: 'sub', ...overrides,
})

export const jwtAuth = (overrides: Partial<JwtSettings> = {}, apiKeys: ApiKey[] = []): AuthSettings =>
  ({ apiKeys, jwt: jwtSettings(overrides), allowUnauthenticated: false })

export interface TokenOptions {
  sub?: string
  iss?: string
  aud?: string
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number
  claims?: JWTPayload
}

export async function hsToken ({ sub = 'alice', iss = issuer, aud = audience, expiresIn = 3600, claims = {} }: TokenOptions = {}, secret = hsSecret): Promise<string> {
  return sign(new TextEncoder().encode(secret), 'HS256', undefined, { sub, iss, aud, expiresIn, claims })
}

export interface Signer {
  jwks: JSONWebKeySet
  token: (options?: TokenOptions) => Promise<string>
}

/** A fresh key pair: its public JWKS and a function minting tokens signed by its private key. */
export async function makeSigner (alg: 'RS256' | 'ES256', kid = `${alg.toLowerCase()}-key`): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return {
    jwks: { keys: [jwk] },
    token: async ({ sub = 'alice', iss = issuer, aud = audience, expiresIn = 3600, claims = {} } = {}) =>
      sign(privateKey, alg, kid, { sub, iss, aud, expiresIn, claims }),
  }
}

async function sign (key: CryptoKey | Uint8Array, alg: string, kid: string | undefined, o: Required<TokenOptions>): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ ...o.claims })
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' })
    .setSubject(o.sub).setIssuer(o.iss).setAudience(o.aud)
    .setIssuedAt(now - 10).setExpirationTime(now + o.expiresIn)
    .sign(key)
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An unsigned token (`alg: none`) with valid-looking claims. */
export function unsignedToken (sub = 'alice'): string {
  const now = Math.floor(Date.now() / 1000)
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub, iss: issuer, aud: audience, iat: now, exp: now + 3600 })}.`
}

/** The token with its payload's `sub` replaced and the original signature kept. */
export function tamperedToken (token: string, sub = 'mallory'): string {
  const [header, payload, signature] = token.split('.')
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as JWTPayload
  return `${header}.${b64url({ ...claims, sub })}.${signature}`
}

export const bearer = (credential: string): Record<string, string> => ({ authorization: `Bearer ${credential}` })
