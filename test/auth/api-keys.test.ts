// API keys: where callers may put them, OpenAI's 401 answers, tenants, isolation keys, and the
// routes that stay open.
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, call, errorBody, ID, userMessage } from '../helpers/app.js'
import { apiKeysAuth, bearer } from '../helpers/auth.js'

const keyA = 'sk-proj-tenant-a-key-0123456789abcdef'
const keyA2 = 'sk-second-key-of-tenant-a-xyz'
const keyB = 'sk-tenant-b-key-0123456789'
const auth = apiKeysAuth([{ key: keyA, tenant: 'tenant-a' }, { key: keyA2, tenant: 'tenant-a' }, { key: keyB, tenant: 'tenant-b' }])

let app: FastifyInstance
afterEach(async () => { await app.close() })

const missingKey = errorBody('You didn\'t provide an API key. You need to provide your API key in an Authorization header using Bearer auth ' +
  '(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you\'re accessing the API ' +
  'from your browser and are prompted for a username. Ask the administrator of this server for an API key.', null, null)

const incorrectKey = (masked: string): unknown =>
  errorBody(`Incorrect API key provided: ${masked}. Ask the administrator of this server for a valid API key.`, null, 'invalid_api_key')

describe('requests without a valid key', () => {
  it('answer 401 with OpenAI\'s missing-key message, a Bearer challenge and a request id', async () => {
    app = await buildTestApp({ auth })
    for (const headers of [{}, { authorization: '' }, { authorization: 'Bearer ' }, { authorization: 'Token abc' }, { 'api-key': '' }]) {
      const response = await call(app, { method: 'GET', url: '/v1/conversations/conv_x', headers })
      expect(response.status).toBe(401)
      expect(response.body).toEqual(missingKey)
      expect(response.headers['www-authenticate']).toBe('Bearer realm="Conversations API"')
      expect(response.headers['x-request-id']).toEqual(ID.requestId)
    }
  })

  it('answer 401 invalid_api_key quoting the key masked as OpenAI masks it', async () => {
    app = await buildTestApp({ auth })
    const cases: Array<[Record<string, string>, string]> = [
      [bearer('sk-invalid-key-for-testing-only'), 'sk-inval*******************only'],
      [bearer('sk-not-a-real-key'), 'sk-not-a*****-key'],
      [{ 'api-key': 'short-key' }, '*********'],
      [{ 'xi-api-key': keyA.toUpperCase() }, `SK-PROJ-${'*'.repeat(keyA.length - 12)}CDEF`],
    ]
    for (const [headers, masked] of cases) {
      const response = await call(app, { method: 'POST', url: '/v1/conversations', headers })
      expect(response).toMatchObject({ status: 401, body: incorrectKey(masked) })
      expect(response.headers['www-authenticate']).toBe('Bearer realm="Conversations API"')
    }
  })

  it('come before routing: unknown paths answer 401 without a key and 404 with one', async () => {
    app = await buildTestApp({ auth })
    expect((await call(app, { method: 'GET', url: '/v1/nowhere' })).status).toBe(401)
    expect(await call(app, { method: 'GET', url: '/v1/nowhere', headers: bearer(keyA) })).toMatchObject({
      status: 404, body: errorBody('Invalid URL (GET /v1/nowhere)', null, null),
    })
  })
})

describe('valid keys', () => {
  it('are accepted in Authorization: Bearer, Authorization: Basic (blank user), api-key and xi-api-key', async () => {
    app = await buildTestApp({ auth })
    const created = await call(app, { method: 'POST', url: '/v1/conversations', headers: bearer(keyA) })
    expect(created.status).toBe(200)
    const basic = { authorization: `Basic ${Buffer.from(`:${keyA}`).toString('base64')}` }
    for (const headers of [bearer(keyA), { authorization: `bearer   ${keyA}` }, basic, { 'api-key': keyA }, { 'xi-api-key': keyA }]) {
      expect(await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers })).toMatchObject({ status: 200, body: created.body })
    }
  })

  it('of the same tenant share its conversations; a key without a tenant is its own tenant', async () => {
    app = await buildTestApp({ auth: apiKeysAuth([{ key: keyA, tenant: 'tenant-a' }, { key: keyA2, tenant: 'tenant-a' }, { key: 'lonely-key', tenant: null }, { key: 'tenant-a', tenant: null }]) })
    const created = await call(app, { method: 'POST', url: '/v1/conversations', headers: bearer(keyA) })
    const url = `/v1/conversations/${created.body.id}`
    expect((await call(app, { method: 'GET', url, headers: bearer(keyA2) })).status).toBe(200)
    expect((await call(app, { method: 'GET', url, headers: bearer('lonely-key') })).status).toBe(404)
    // A key spelled like a tenant's name is not that tenant.
    expect((await call(app, { method: 'GET', url, headers: bearer('tenant-a') })).status).toBe(404)
  })
})

describe('x-ms-user-isolation-key', () => {
  it('gives each end user of one key a separate world; no header sees only data created without one', async () => {
    app = await buildTestApp({ auth })
    const as = (isolation?: string): Record<string, string> => ({ ...bearer(keyA), ...(isolation === undefined ? {} : { 'x-ms-user-isolation-key': isolation }) })
    const ids: Record<string, string> = {}
    for (const user of ['user-1', 'user-2', '', undefined]) {
      const created = await call(app, { method: 'POST', url: '/openai/v1/conversations?api-version=preview', headers: as(user), payload: { items: [userMessage(`hi from ${String(user)}`)] } })
      expect(created.status).toBe(200)
      ids[String(user)] = created.body.id
    }
    for (const viewer of ['user-1', 'user-2', '', undefined]) {
      for (const [creator, id] of Object.entries(ids)) {
        const seen = await call(app, { method: 'GET', url: `/openai/v1/conversations/${id}/items`, headers: as(viewer) })
        expect({ viewer, creator, status: seen.status }).toEqual({ viewer, creator, status: creator === String(viewer) ? 200 : 404 })
      }
    }
    // The same end user through another key of the same tenant is the same world.
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${ids['user-1']!}`, headers: { ...bearer(keyA2), 'x-ms-user-isolation-key': 'user-1' } })).status).toBe(200)
    // ... but not through another tenant's key.
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${ids['user-1']!}`, headers: { ...bearer(keyB), 'x-ms-user-isolation-key': 'user-1' } })).status).toBe(404)
  })

  it('also narrows the shared owner in open mode', async () => {
    app = await buildTestApp()
    const created = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'x-ms-user-isolation-key': 'u1' } })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}` })).status).toBe(404)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}`, headers: { 'x-ms-user-isolation-key': 'u1' } })).status).toBe(200)
  })
})

describe('open mode and open routes', () => {
  it('open mode needs no credentials and ignores any sent', async () => {
    app = await buildTestApp()
    const created = await call(app, { method: 'POST', url: '/v1/conversations', headers: bearer('anything') })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.body.id}` })).status).toBe(200)
  })

  it('routes declaring config.auth = false answer without credentials; others registered later are protected', async () => {
    app = await buildTestApp({ auth })
    app.get('/v1/__open', { config: { auth: false } }, async (request) => ({ owner: request.owner }))
    app.get('/v1/__closed', async (request) => ({ owner: request.owner }))
    expect(await call(app, { method: 'GET', url: '/v1/__open' })).toMatchObject({ status: 200, body: { owner: 'default' } })
    expect((await call(app, { method: 'GET', url: '/v1/__closed' })).status).toBe(401)
    expect(await call(app, { method: 'GET', url: '/v1/__closed', headers: bearer(keyB) })).toMatchObject({ status: 200, body: { owner: 'tenant:tenant-b' } })
  })
})

describe('the Azure surface', () => {
  it('serves every conversation route under /openai/v1, ignoring api-version, on the same data as /v1', async () => {
    app = await buildTestApp({ auth })
    const h = { 'api-key': keyA }
    const q = '?api-version=2025-04-01-preview'
    const created = await call(app, { method: 'POST', url: `/openai/v1/conversations${q}`, headers: h, payload: { metadata: { via: 'azure' } } })
    expect(created).toMatchObject({ status: 200, body: { object: 'conversation', metadata: { via: 'azure' } } })
    const id = created.body.id as string
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${id}`, headers: bearer(keyA) })).body).toEqual(created.body)
    expect((await call(app, { method: 'POST', url: `/openai/v1/conversations/${id}${q}`, headers: h, payload: { metadata: { v: '2' } } })).body.metadata).toEqual({ v: '2' })
    const added = await call(app, { method: 'POST', url: `/openai/v1/conversations/${id}/items${q}`, headers: h, payload: { items: [userMessage('hi')] } })
    const itemId = added.body.data[0].id as string
    expect((await call(app, { method: 'GET', url: `/openai/v1/conversations/${id}/items${q}&limit=5&order=asc`, headers: h })).body.data).toHaveLength(1)
    expect((await call(app, { method: 'GET', url: `/openai/v1/conversations/${id}/items/${itemId}${q}`, headers: h })).body.id).toBe(itemId)
    expect((await call(app, { method: 'DELETE', url: `/openai/v1/conversations/${id}/items/${itemId}${q}`, headers: h })).body.id).toBe(id)
    expect((await call(app, { method: 'DELETE', url: `/openai/v1/conversations/${id}${q}`, headers: h })).body).toEqual({ id, object: 'conversation.deleted', deleted: true })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${id}`, headers: h })).status).toBe(404)
  })
})
