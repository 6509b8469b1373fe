import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config.js'
import { buildApp } from '../../src/app.js'
import { createApiKeyLookup, parseApiKeys } from '../../src/auth/api-keys.js'
import { maskKey } from '../../src/auth/mask.js'
import { isolatedOwner, jwtOwner, keyOwner, openOwner, tenantOwner } from '../../src/auth/owner.js'

const dir = mkdtempSync(join(tmpdir(), 'auth-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const errorOf = (f: () => unknown): Error => {
  try {
    f()
  } catch (error) {
    return error as Error
  }
  throw new Error('did not throw')
}

describe('authentication configuration', () => {
  it('reads API_KEYS (key:tenant, or a key alone) and API_KEYS_FILE (one a line, comments allowed)', () => {
    const file = join(dir, 'keys.txt')
    writeFileSync(file, '# tenants\nsk-file-1:tenant-c\n\n  sk-file-2 : tenant with spaces \nsk-file-3\n')
    const { auth } = loadConfig({ API_KEYS: 'sk-1:tenant-a, sk-2:tenant-b,sk-3,', API_KEYS_FILE: file })
    expect(auth).toEqual({
      apiKeys: [
        { key: 'sk-1', tenant: 'tenant-a' }, { key: 'sk-2', tenant: 'tenant-b' }, { key: 'sk-3', tenant: null },
        { key: 'sk-file-1', tenant: 'tenant-c' }, { key: 'sk-file-2', tenant: 'tenant with spaces' }, { key: 'sk-file-3', tenant: null },
      ],
      jwt: null,
      allowUnauthenticated: false,
    })
  })

  it('reads the JWT variables; the owner claim defaults to sub', () => {
    const jwks = join(dir, 'jwks.json')
    writeFileSync(jwks, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }))
    expect(loadConfig({ JWT_SECRET: 's'.repeat(32), JWT_JWKS_FILE: jwks, JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'api-1, api-2' }).auth.jwt).toEqual({
      secret: 's'.repeat(32),
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
      jwksUrl: 'https://idp.example/jwks',
      issuer: ['https://idp.example'],
      audience: ['api-1', 'api-2'],
      ownerClaim: 'sub',
    })
    expect(loadConfig({ JWT_SECRET: 's'.repeat(32), JWT_OWNER_CLAIM: 'email' }).auth.jwt).toMatchObject({ issuer: [], audience: [], ownerClaim: 'email' })
  })

  it('names every authentication problem without quoting secrets', () => {
    const message = errorOf(() => loadConfig({
      API_KEYS: 'sk-secret-1:a,sk-secret-1:b,:c',
      JWT_SECRET: 'too-short-secret',
      JWT_JWKS_FILE: join(dir, 'missing.json'),
      JWT_JWKS_URL: 'ftp://x',
    })).message
    expect(message).toMatch(/^Invalid configuration:/)
    expect(message).toContain('API_KEYS: an entry has an empty key')
    expect(message).toContain('JWT_SECRET: must be at least 32 bytes long')
    expect(message).toContain('JWT_JWKS_FILE: ENOENT')
    expect(message).toContain('JWT_JWKS_URL="ftp://x": must be an http(s) URL')
    expect(message).toContain('JWT_AUDIENCE: required with JWT_JWKS_FILE or JWT_JWKS_URL')
    expect(message).not.toContain('too-short-secret')
    expect(message).not.toContain('sk-secret-1')
    expect(errorOf(() => loadConfig({ API_KEYS: 'sk-x:a,sk-x:b' })).message).toContain('API_KEYS: a key is listed twice with different tenants')
    const notJwks = join(dir, 'not-jwks.json')
    writeFileSync(notJwks, '{"kty":"RSA"}')
    expect(errorOf(() => loadConfig({ JWT_JWKS_FILE: notJwks, JWT_AUDIENCE: 'a' })).message).toContain('JWT_JWKS_FILE: not a JWK Set')
  })

  it('serves openly by default only on loopback, and refuses other hosts without authentication unless allowed', async () => {
    const build = async (env: Record<string, string>): Promise<unknown> => {
      const app = await buildApp({ ...loadConfig(env), databaseUrl: ':memory:' }, { logger: false })
      await app.close()
      return 'built'
    }
    expect(await build({})).toBe('built')
    expect(await build({ HOST: 'localhost' })).toBe('built')
    for (const HOST of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
      const error = await build({ HOST }).catch((e: unknown) => e) as Error
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.message).toBe(`Refusing to serve on HOST=${JSON.stringify(HOST)} without authentication: set API_KEYS, API_KEYS_FILE, JWT_SECRET, JWT_JWKS_FILE or JWT_JWKS_URL, or ALLOW_UNAUTHENTICATED=true to serve openly anyway.`)
      expect(await build({ HOST, ALLOW_UNAUTHENTICATED: 'true' })).toBe('built')
      expect(await build({ HOST, API_KEYS: 'k' })).toBe('built')
      // Tools that only read the configuration (migrations, CLI) are not concerned.
      expect(loadConfig({ HOST }).host).toBe(HOST)
    }
  })

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true)
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.example', '127.0.0.1.nip.io']) expect(isLoopbackHost(host)).toBe(false)
  })
})

describe('owners', () => {
  const identity = fc.oneof(
    fc.constant({ kind: 'open' as const, name: '' }),
    fc.record({ kind: fc.constantFrom('tenant' as const, 'key' as const, 'jwt' as const), name: fc.string({ maxLength: 6 }) }),
  )
  const scope = fc.record({ identity, isolation: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }) })
  const ownerOf = ({ identity: { kind, name }, isolation }: { identity: { kind: string, name: string }, isolation: string | undefined }): string => {
    const base = kind === 'open' ? openOwner : kind === 'tenant' ? tenantOwner(name) : kind === 'key' ? keyOwner(name) : jwtOwner(name)
    return isolatedOwner(base, isolation)
  }

  it('are equal only for the same identity and isolation key', () => {
    fc.assert(fc.property(scope, scope, (a, b) => {
      const same = JSON.stringify(a.identity.kind === 'open' ? { ...a, identity: { kind: 'open', name: '' } } : a) === JSON.stringify(b.identity.kind === 'open' ? { ...b, identity: { kind: 'open', name: '' } } : b)
      expect(ownerOf(a) === ownerOf(b)).toBe(same)
    }), { numRuns: 2000, examples: [[{ identity: { kind: 'tenant', name: 't' }, isolation: 'x:y' }, { identity: { kind: 'tenant', name: 't:x' }, isolation: 'y' }]] })
  })

  it('keep the open owner as it was', () => {
    expect(openOwner).toBe('default')
    expect(tenantOwner('a:b%')).toBe('tenant:a%3Ab%25')
  })
})

describe('API keys', () => {
  it('map to their tenant\'s owner, a tenant-less key to its own, an unknown key to nothing', () => {
    const lookup = createApiKeyLookup(parseApiKeys('k1:t,k2:t,k3', ','))
    expect(lookup('k1')).toBe('tenant:t')
    expect(lookup('k2')).toBe('tenant:t')
    expect(lookup('k3')).toMatch(/^key:[0-9a-f]{64}$/)
    expect(lookup('k3')).not.toContain('k3')
    expect(lookup('k4')).toBeUndefined()
    expect(lookup('')).toBeUndefined()
  })

  it('are masked as OpenAI masks them', () => {
    expect(maskKey(`sk-5f6ce${'x'.repeat(23)}acdb`)).toBe('sk-5f6ce***********************acdb')
    expect(maskKey('sk-invalid-key-for-testing-only')).toBe('sk-inval*******************only')
    expect(maskKey('0123456789abc')).toBe('01234567*9abc')
    expect(maskKey('0123456789ab')).toBe('************')
    expect(maskKey('')).toBe('')
  })
})
