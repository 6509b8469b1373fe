// JSON Web Tokens: HS256 with a shared secret and/or asymmetric keys from a JWKS (file or URL),
// verified by `jose`. `exp` is required, `iss`/`aud` are checked when configured, and the owner
// is one claim of the verified payload. Rejections carry a short reason for the 401 message;
// an unreachable JWKS URL is a 503 (the caller may retry), never a 401.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { AppError } from '../errors.js'
import { jwtOwner } from './owner.js'

export interface JwtSettings {
  /** HS256 shared secret. */
  secret: string | null
  /** Public keys read from JWT_JWKS_FILE. */
  jwks: JSONWebKeySet | null
  /** JWKS endpoint, fetched on first use and cached by jose. */
  jwksUrl: string | null
  /** Accepted `iss` values; empty: not checked. */
  issuer: string[]
  /** Accepted `aud` values; empty: not checked. */
  audience: string[]
  /** The claim naming the owner (default `sub`). */
  ownerClaim: string
}

/** Asymmetric algorithms accepted with a JWKS; `none` and HMAC never are. */
export const jwksAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

/** Three base64url segments (the signature empty for `alg: none`, which verification then rejects). */
export const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)

export type JwtOutcome = { owner: string } | { rejected: string }
export type JwtVerifier = (token: string) => Promise<JwtOutcome>

export function createJwtVerifier (settings: JwtSettings): JwtVerifier {
  const secret = settings.secret === null ? null : new TextEncoder().encode(settings.secret)
  const keySets: JWTVerifyGetKey[] = []
  if (settings.jwks !== null) keySets.push(createLocalJWKSet(settings.jwks))
  if (settings.jwksUrl !== null) keySets.push(createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000 }))
  const algorithms = [...(secret === null ? [] : ['HS256']), ...(keySets.length === 0 ? [] : jwksAlgorithms)]

  // The key follows the token's declared algorithm, but only among the algorithms allowed above:
  // an HS256 token is checked against the shared secret only, never against a public key.
  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && secret !== null) return secret
    let lastError: unknown
    for (const keySet of keySets) {
      try {
        return await keySet(header, token)
      } catch (error) {
        lastError = error
      }
    }
    throw lastError ?? new errors.JWKSNoMatchingKey()
  }

  return async (token) => {
    let payload
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        requiredClaims: ['exp'],
        ...(settings.issuer.length === 0 ? {} : { issuer: settings.issuer }),
        ...(settings.audience.length === 0 ? {} : { audience: settings.audience }),
      }))
    } catch (error) {
      return { rejected: rejectionReason(error) }
    }
    const value = payload[settings.ownerClaim]
    if (typeof value === 'string' && value !== '') return { owner: jwtOwner(value) }
    if (typeof value === 'number' && Number.isFinite(value)) return { owner: jwtOwner(String(value)) }
    return { rejected: `The token has no usable '${settings.ownerClaim}' claim.` }
  }
}

function rejectionReason (error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired.'
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'missing' ? `The token has no '${error.claim}' claim.` : `The token's '${error.claim}' claim is not accepted.`
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token\'s signing algorithm is not accepted.'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token\'s signature is invalid.'
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token was not signed by a known key.'
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid || error instanceof errors.JOSENotSupported) {
    return 'The token is malformed.'
  }
  // Anything else (the key server unreachable, too slow, or answering garbage) is a server-side
  // problem: 503, which the caller may retry, rather than a 401 that blames their token.
  throw new AppError('service_unavailable', 'The token could not be verified right now. Please retry your request.', { headers: { 'retry-after': '1' } })
}
