// JWT authentication with real signed tokens: HS256 with a shared secret, RS256 and ES256 from a
// JWKS given inline, and a JWKS served over HTTP by a local server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, call, errorBody } from '../helpers/app.js'
import { audience, bearer, hsSecret, hsToken, issuer, jwtAuth, makeSigner, tamperedToken, unsignedToken, type Signer } from '../helpers/auth.js'
import { maskKey } from '../../src/auth/mask.js'
import { loadConfig } from '../../src/config.js'

let app: FastifyInstance | undefined
afterEach(async () => { await app?.close(); app = undefined })

const rejected = (token: string, reason: string): unknown =>
  errorBody(`Incorrect API key provided: ${maskKey(token)}. ${reason}`, null, 'invalid_api_key')

async function createAs (token: string): Promise<{ status: number, body: any, headers: Record<string, unknown> }> {
  return call(app!, { method: 'POST', url: '/v1/conversations', headers: bearer(token) })
}

describe('HS256 tokens', () => {

  it('accept a valid token; its subject owns what it creates', async () => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret }) })
    const alice = await hsToken({ sub: 'alice' })
    const created = await createAs(alice)
    expect(created.status).toBe(200)
    // Another token for the same subject (new iat/exp) is the same owner.
    const again = await hsToken({ sub: 'alice', expiresIn: 600 })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers: bearer(again) })).body).toEqual(created.body)
  })

  it.each([
    ['expired', () => hsToken({ expiresIn: -60 }), 'The token has expired.'],
    ['for another audience', () => hsToken({ aud: 'another-api' }), 'The token\'s \'aud\' claim is not accepted.'],
    ['from another issuer', () => hsToken({ iss: 'https://evil.example' }), 'The token\'s \'iss\' claim is not accepted.'],
    ['tampered with (subject changed, signature kept)', async () => tamperedToken(await hsToken()), 'The token\'s signature is invalid.'],
    ['signed with another secret', () => hsToken({}, 'another-secret-that-is-32-bytes-long!!'), 'The token\'s signature is invalid.'],
    ['unsigned (alg: none)', async () => unsignedToken(), 'The token\'s signing algorithm is not accepted.'],
    ['without exp', async () => {
      const token = await hsToken()
      const [header, payload, signature] = token.split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
      delete claims.exp
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    }, 'The token\'s signature is invalid.'],
    ['without the owner claim', () => hsToken({ sub: '' }), 'The token has no usable \'sub\' claim.'],
    ['malformed', async () => 'aaa.bbb.ccc', 'The token is malformed.'],
  ])('reject a token %s with 401 invalid_api_key', async (_label, mint, reason) => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret }) })
    const token = await mint()
    const response = await createAs(token)
    expect(response.status).toBe(401)
    expect(response.body).toEqual(rejected(token, reason))
    expect(response.headers['www-authenticate']).toBe('Bearer realm="Conversations API"')
  })

  it('require exp even when correctly signed', async () => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret }) })
    const { SignJWT } = await import('jose')
    const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience(audience)
      .sign(new TextEncoder().encode(hsSecret))
    expect((await createAs(token)).body).toEqual(rejected(token, 'The token has no \'exp\' claim.'))
  })

  it('take the owner from JWT_OWNER_CLAIM', async () => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret, ownerClaim: 'org_id' }) })
    const first = await hsToken({ sub: 'alice', claims: { org_id: 'org-1' } })
    const sameOrg = await hsToken({ sub: 'bob', claims: { org_id: 'org-1' } })
    const otherOrg = await hsToken({ sub: 'alice', claims: { org_id: 'org-2' } })
    const created = await createAs(first)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers: bearer(sameOrg) })).status).toBe(200)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers: bearer(otherOrg) })).status).toBe(404)
    const noClaim = await hsToken({ sub: 'carol' })
    expect((await createAs(noClaim)).body).toEqual(rejected(noClaim, 'The token has no usable \'org_id\' claim.'))
  })

  it('check no issuer or audience when none is configured', async () => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret, issuer: [], audience: [] }) })
    expect((await createAs(await hsToken({ iss: 'anyone', aud: 'anything' }))).status).toBe(200)
  })
})

describe('RS256 and ES256 tokens from a JWKS', () => {
  let rs: Signer
  let es: Signer
  let stranger: Signer
  beforeAll(async () => {
    rs = await makeSigner('RS256', 'rs-1')
    es = await makeSigner('ES256', 'es-1')
    stranger = await makeSigner('RS256', 'rs-1')
  })

  it('are verified with the keys of JWT_JWKS_FILE, as loaded from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwks-'))
    try {
      const file = join(dir, 'jwks.json')
      writeFileSync(file, JSON.stringify(rs.jwks))
      const { auth } = loadConfig({ JWT_JWKS_FILE: file, JWT_ISSUER: issuer, JWT_AUDIENCE: audience })
      app = await buildTestApp({ auth })
      expect((await createAs(await rs.token())).status).toBe(200)
      const foreign = await es.token()
      expect(await createAs(foreign)).toMatchObject({ status: 401, body: rejected(foreign, 'The token was not signed by a known key.') })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('accept tokens signed by any key of the set', async () => {
    app = await buildTestApp({ auth: jwtAuth({ jwks: { keys: [...rs.jwks.keys, ...es.jwks.keys] } }) })
    expect((await createAs(await rs.token())).status).toBe(200)
    expect((await createAs(await es.token())).status).toBe(200)
  })

  it.each([
    ['expired', (s: Signer) => s.token({ expiresIn: -60 }), 'The token has expired.'],
    ['for another audience', (s: Signer) => s.token({ aud: 'another-api' }), 'The token\'s \'aud\' claim is not accepted.'],
    ['from another issuer', (s: Signer) => s.token({ iss: 'https://evil.example' }), 'The token\'s \'iss\' claim is not accepted.'],
    ['tampered with', async (s: Signer) => tamperedToken(await s.token()), 'The token\'s signature is invalid.'],
    ['unsigned (alg: none)', async () => unsignedToken(), 'The token\'s signing algorithm is not accepted.'],
  ])('reject a token %s', async (_label, mint, reason) => {
    app = await buildTestApp({ auth: jwtAuth({ jwks: rs.jwks }) })
    const token = await mint(rs)
    expect(await createAs(token)).toMatchObject({ status: 401, body: rejected(token, reason) })
  })

  it('reject a token signed by a key outside the set (same kid)', async () => {
    app = await buildTestApp({ auth: jwtAuth({ jwks: rs.jwks }) })
    const token = await stranger.token()
    expect(await createAs(token)).toMatchObject({ status: 401, body: rejected(token, 'The token\'s signature is invalid.') })
  })

  it('reject HS256 tokens when only a JWKS is configured, even one keyed with the public key (algorithm confusion)', async () => {
    app = await buildTestApp({ auth: jwtAuth({ jwks: rs.jwks }) })
    const publicJwk = JSON.stringify(rs.jwks.keys[0])
    const token = await hsToken({}, publicJwk)
    expect(await createAs(token)).toMatchObject({ status: 401, body: rejected(token, 'The token\'s signing algorithm is not accepted.') })
  })

  it('accept both HS256 and JWKS tokens when both are configured, as different key material for the same subject', async () => {
    app = await buildTestApp({ auth: jwtAuth({ secret: hsSecret, jwks: rs.jwks }) })
    const created = await createAs(await hsToken({ sub: 'alice' }))
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers: bearer(await rs.token({ sub: 'alice' })) })).status).toBe(200)
  })
})

describe('a JWKS fetched from a URL', () => {
  let server: Server
  let url: string
  let signer: Signer
  let requests = 0
  let broken = false
  beforeAll(async () => {
    signer = await makeSigner('ES256', 'remote-1')
    server = createServer((_request, response) => {
      requests++
      if (broken) { response.writeHead(500).end('down'); return }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signer.jwks))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`
  })
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)) })

  it('verifies tokens with the fetched keys and caches them', async () => {
    broken = false
    app = await buildTestApp({ auth: jwtAuth({ jwksUrl: url }) })
    const token = await signer.token()
    expect((await createAs(token)).status).toBe(200)
    expect((await createAs(token)).status).toBe(200)
    expect(requests).toBe(1)
    const expired = await signer.token({ expiresIn: -60 })
    expect(await createAs(expired)).toMatchObject({ status: 401, body: rejected(expired, 'The token has expired.') })
  })

  it('answers 503 (retryable) rather than 401 when the key server fails', async () => {
    broken = true
    app = await buildTestApp({ auth: jwtAuth({ jwksUrl: url }) })
    const response = await createAs(await signer.token())
    expect(response).toMatchObject({
      status: 503,
      body: errorBody('The token could not be verified right now. Please retry your request.', null, null, 'server_error'),
    })
    expect(response.headers['retry-after']).toBe('1')
  })
})
