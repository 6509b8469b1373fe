// No owner can see, change or detect another's conversations: for every auth mode, every route on
// every surface answers owner B about owner A's data exactly as it answers about ids that never
// existed, and A's data is unchanged afterwards.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthSettings } from '../../src/auth/authenticate.js'
import { buildTestApp, userMessage } from '../helpers/app.js'
import { apiKeysAuth, bearer, hsToken, jwtAuth, makeSigner } from '../helpers/auth.js'

type Headers = Record<string, string>

interface Mode {
  name: string
  auth: AuthSettings
  a: Headers
  b: Headers
}

const fakeId = (prefix: string): string => `${prefix}_${randomBytes(24).toString('hex')}`

async function modes (): Promise<Mode[]> {
  const keys = apiKeysAuth([{ key: 'sk-tenant-a-0123456789', tenant: 'tenant-a' }, { key: 'sk-tenant-b-0123456789', tenant: 'tenant-b' }])
  const rs = await makeSigner('RS256')
  const es = await makeSigner('ES256')
  return [
    { name: 'API keys, Authorization: Bearer', auth: keys, a: bearer('sk-tenant-a-0123456789'), b: bearer('sk-tenant-b-0123456789') },
    { name: 'API keys, Azure api-key header', auth: keys, a: { 'api-key': 'sk-tenant-a-0123456789' }, b: { 'api-key': 'sk-tenant-b-0123456789' } },
    { name: 'API keys, ElevenLabs xi-api-key header', auth: keys, a: { 'xi-api-key': 'sk-tenant-a-0123456789' }, b: { 'xi-api-key': 'sk-tenant-b-0123456789' } },
    {
      name: 'API keys without tenants (each key its own tenant)',
      auth: apiKeysAuth([{ key: 'key-one', tenant: null }, { key: 'key-two', tenant: null }]),
      a: bearer('key-one'),
      b: bearer('key-two'),
    },
    { name: 'HS256 JWT', auth: jwtAuth({ secret: 'a-shared-secret-of-at-least-32-bytes!' }), a: bearer(await hsToken({ sub: 'alice' })), b: bearer(await hsToken({ sub: 'bob' })) },
    { name: 'RS256 JWT from a JWKS', auth: jwtAuth({ jwks: rs.jwks }), a: bearer(await rs.token({ sub: 'alice' })), b: bearer(await rs.token({ sub: 'bob' })) },
    { name: 'ES256 JWT from a JWKS', auth: jwtAuth({ jwks: es.jwks }), a: bearer(await es.token({ sub: 'alice' })), b: bearer(await es.token({ sub: 'bob' })) },
    {
      name: 'API key tenant and JWT subject with the same name',
      auth: jwtAuth({ secret: 'a-shared-secret-of-at-least-32-bytes!' }, [{ key: 'sk-alice-key', tenant: 'alice' }]),
      a: bearer('sk-alice-key'),
      b: bearer(await hsToken({ sub: 'alice' })),
    },
    {
      name: 'same API key, different isolation keys',
      auth: keys,
      a: { ...bearer('sk-tenant-a-0123456789'), 'x-ms-user-isolation-key': 'user-1' },
      b: { ...bearer('sk-tenant-a-0123456789'), 'x-ms-user-isolation-key': 'user-2' },
    },
    {
      name: 'same API key, isolation key versus none',
      auth: keys,
      a: { ...bearer('sk-tenant-a-0123456789'), 'x-ms-user-isolation-key': 'user-1' },
      b: bearer('sk-tenant-a-0123456789'),
    },
    {
      name: 'same API key, no isolation key versus one',
      auth: keys,
      a: bearer('sk-tenant-a-0123456789'),
      b: { ...bearer('sk-tenant-a-0123456789'), 'x-ms-user-isolation-key': 'user-1' },
    },
    {
      name: 'same JWT subject, different isolation keys',
      auth: jwtAuth({ secret: 'a-shared-secret-of-at-least-32-bytes!' }),
      a: { ...bearer(await hsToken({ sub: 'alice' })), 'x-ms-user-isolation-key': 'a' },
      b: { ...bearer(await hsToken({ sub: 'alice' })), 'x-ms-user-isolation-key': 'b' },
    },
    {
      name: 'isolation keys that an unescaped join would confuse',
      auth: apiKeysAuth([{ key: 'sk-k1', tenant: 't' }, { key: 'sk-k2', tenant: 't:x' }]),
      a: { ...bearer('sk-k1'), 'x-ms-user-isolation-key': 'x:y' },
      b: { ...bearer('sk-k2'), 'x-ms-user-isolation-key': 'y' },
    },
    {
      name: 'open mode, different isolation keys',
      auth: apiKeysAuth([]),
      a: { 'x-ms-user-isolation-key': 'user-1' },
      b: { 'x-ms-user-isolation-key': 'user-2' },
    },
  ]
}

/** Every id-bearing request B can make, with the ids to substitute. */
function probes (own: string): Array<{ label: string, request: (ids: { conversation: string, item: string }) => InjectOptions }> {
  const list: Array<{ label: string, request: (ids: { conversation: string, item: string }) => InjectOptions }> = []
  for (const prefix of ['/v1', '/openai/v1']) {
    const q = prefix === '/openai/v1' ? '?api-version=preview' : ''
    const qa = prefix === '/openai/v1' ? '&api-version=preview' : ''
    list.push(
      { label: `GET ${prefix}/conversations/{A}`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${ids.conversation}${q}` }) },
      { label: `POST ${prefix}/conversations/{A}`, request: (ids) => ({ method: 'POST', url: `${prefix}/conversations/${ids.conversation}${q}`, payload: { metadata: { by: 'b' } } }) },
      { label: `POST ${prefix}/conversations/{A}/items`, request: (ids) => ({ method: 'POST', url: `${prefix}/conversations/${ids.conversation}/items${q}`, payload: { items: [userMessage('from b')] } }) },
      { label: `GET ${prefix}/conversations/{A}/items`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${ids.conversation}/items${q}` }) },
      { label: `GET ${prefix}/conversations/{A}/items?after={A item}`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${ids.conversation}/items?order=asc&after=${ids.item}${qa}` }) },
      { label: `GET ${prefix}/conversations/{A}/items/{A item}`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${ids.conversation}/items/${ids.item}${q}` }) },
      { label: `DELETE ${prefix}/conversations/{A}/items/{A item}`, request: (ids) => ({ method: 'DELETE', url: `${prefix}/conversations/${ids.conversation}/items/${ids.item}${q}` }) },
      { label: `GET ${prefix}/conversations/{B}/items/{A item}`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${own}/items/${ids.item}${q}` }) },
      { label: `DELETE ${prefix}/conversations/{B}/items/{A item}`, request: (ids) => ({ method: 'DELETE', url: `${prefix}/conversations/${own}/items/${ids.item}${q}` }) },
      { label: `GET ${prefix}/conversations/{B}/items?after={A item}`, request: (ids) => ({ method: 'GET', url: `${prefix}/conversations/${own}/items?after=${ids.item}${qa}` }) },
      { label: `DELETE ${prefix}/conversations/{A}`, request: (ids) => ({ method: 'DELETE', url: `${prefix}/conversations/${ids.conversation}${q}` }) },
    )
  }
  list.push({ label: 'DELETE /v1/convai/conversations/{A}', request: (ids) => ({ method: 'DELETE', url: `/v1/convai/conversations/${ids.conversation}` }) })
  return list
}

async function snapshot (app: FastifyInstance, headers: Headers, conversation: string, item: string): Promise<string[]> {
  const urls = [`/v1/conversations/${conversation}`, `/v1/conversations/${conversation}/items?order=asc&limit=100`, `/v1/conversations/${conversation}/items/${item}`]
  const bodies: string[] = []
  for (const url of urls) {
    const response = await app.inject({ method: 'GET', url, headers })
    expect(response.statusCode).toBe(200)
    bodies.push(response.body)
  }
  // The Azure surface shows A the same data.
  const azure = await app.inject({ method: 'GET', url: `/openai/v1/conversations/${conversation}?api-version=preview`, headers })
  expect(azure.body).toBe(bodies[0])
  return bodies
}

const allModes = await modes()

describe.each(allModes)('cross-tenant isolation: $name', (mode) => {
  let app: FastifyInstance
  beforeAll(async () => { app = await buildTestApp({ auth: mode.auth }) })
  afterAll(async () => { await app.close() })

  it('answers B about A\'s conversation and items exactly as about ids that never existed, and changes nothing of A\'s', async () => {
    const created = await app.inject({
      method: 'POST', url: '/v1/conversations', headers: mode.a,
      payload: { metadata: { owner: 'a' }, items: [userMessage('secret of a'), userMessage('second')] },
    })
    expect(created.statusCode).toBe(200)
    const conversation = created.json().id as string
    const items = await app.inject({ method: 'GET', url: `/v1/conversations/${conversation}/items?order=asc`, headers: mode.a })
    const item = items.json().data[0].id as string
    const own = (await app.inject({ method: 'POST', url: '/v1/conversations', headers: mode.b })).json().id as string
    const before = await snapshot(app, mode.a, conversation, item)

    const ghost = { conversation: fakeId('conv'), item: fakeId('msg') }
    const seen: string[] = []
    for (const probe of probes(own)) {
      const real = await app.inject({ ...probe.request({ conversation, item }), headers: mode.b })
      const missing = await app.inject({ ...probe.request(ghost), headers: mode.b })
      const unmask = (body: string): string => body.replaceAll(ghost.conversation, conversation).replaceAll(ghost.item, item)
      expect({ probe: probe.label, status: real.statusCode, body: real.body, type: real.headers['content-type'] })
        .toEqual({ probe: probe.label, status: missing.statusCode, body: unmask(missing.body), type: missing.headers['content-type'] })
      expect(real.body).not.toContain('secret of a')
      seen.push(`${real.statusCode}`)
    }
    // Not found everywhere, except cursors B names in its own conversation (400 invalid `after`).
    expect(seen.filter((status) => status !== '404')).toEqual(['400', '400'])
    expect(seen.filter((status) => status === '404')).toHaveLength(21)

    expect(await snapshot(app, mode.a, conversation, item)).toEqual(before)
    // B still sees its own conversation, and A's is absent from every answer B got.
    expect((await app.inject({ method: 'GET', url: `/v1/conversations/${own}`, headers: mode.b })).statusCode).toBe(200)
  })
})
