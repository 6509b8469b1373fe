// Owner scopes: the string every repository call is keyed by. An owner is a list of parts (the
// kind of identity, its name, and optionally an end user's isolation key) encoded so that two
// different lists can never give the same string, whatever characters tenants, JWT subjects or
// isolation keys contain.

/** The one owner shared by every caller when no authentication is configured. */
export const openOwner = 'default'

/** Each part percent-encoded (which escapes ':' and '%'), joined by ':': an injective encoding. */
const encode = (parts: readonly string[]): string => parts.map((part) => encodeURIComponent(part)).join(':')

/** An API key that names its tenant: every key of that tenant shares its data. */
export const tenantOwner = (tenant: string): string => encode(['tenant', tenant])

/** An API key without a tenant is its own tenant, named by the key's SHA-256 (the key never reaches storage). */
export const keyOwner = (keySha256Hex: string): string => encode(['key', keySha256Hex])

/** A JWT's owner claim. Kept apart from API-key tenants so a token subject can never name a tenant. */
export const jwtOwner = (subject: string): string => encode(['jwt', subject])

/**
 * Narrows an owner to one end user (Azure's `x-ms-user-isolation-key`). Owners above are one or two
 * parts with distinct first parts, so appending a part keeps the encoding injective, and a request
 * without the header keeps the unnarrowed owner: it sees only data created without a key.
 */
export function isolatedOwner (owner: string, isolationKey: string | undefined): string {
  return isolationKey === undefined ? owner : `${owner}:${encodeURIComponent(isolationKey)}`
}
