// Static API keys (`key:tenant` pairs from API_KEYS / API_KEYS_FILE) and their lookup. Presented
// keys are hashed and compared with every configured hash in constant time, so neither the
// answer's timing nor an early exit tells a caller how close a guess was.
import { createHash, timingSafeEqual } from 'node:crypto'
import { keyOwner, tenantOwner } from './owner.js'

export interface ApiKey {
  key: string
  /** The tenant the key belongs to; null: the key is its own tenant. */
  tenant: string | null
}

/**
 * Parses `key1:tenantA,key2` (separator `,`) or a file's lines (separator newline, `#` comments).
 * The key ends at the first `:`; surrounding blanks are ignored. Throws an Error naming the problem.
 */
export function parseApiKeys (text: string, separator: ',' | '\n'): ApiKey[] {
  const keys: ApiKey[] = []
  for (const raw of text.split(separator)) {
    const entry = raw.trim()
    if (entry === '' || (separator === '\n' && entry.startsWith('#'))) continue
    const colon = entry.indexOf(':')
    const key = (colon === -1 ? entry : entry.slice(0, colon)).trim()
    const tenant = colon === -1 ? null : entry.slice(colon + 1).trim()
    if (key === '') throw new Error('an entry has an empty key')
    if (tenant === '') throw new Error('an entry has an empty tenant after ":"')
    keys.push({ key, tenant })
  }
  return keys
}

/** Rejects a key listed twice for different tenants (which tenant would it be?). */
export function checkUniqueKeys (keys: readonly ApiKey[]): void {
  const seen = new Map<string, string | null>()
  for (const { key, tenant } of keys) {
    if (seen.has(key) && seen.get(key) !== tenant) throw new Error('a key is listed twice with different tenants')
    seen.set(key, tenant)
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

export type ApiKeyLookup = (presented: string) => string | undefined

/** Returns a lookup from a presented key to its owner, or undefined for an unknown key. */
export function createApiKeyLookup (keys: readonly ApiKey[]): ApiKeyLookup {
  const entries = keys.map(({ key, tenant }) => {
    const hash = sha256(key)
    return { hash, owner: tenant === null ? keyOwner(hash.toString('hex')) : tenantOwner(tenant) }
  })
  return (presented) => {
    const hash = sha256(presented)
    let owner: string | undefined
    // No early exit: every configured key is compared whatever matches.
    for (const entry of entries) {
      if (timingSafeEqual(hash, entry.hash) && owner === undefined) owner = entry.owner
    }
    return owner
  }
}
