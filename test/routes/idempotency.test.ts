import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { ID, buildTestApp, call, createConversation, errorBody, userMessage } from '../helpers/app.js'
import { startServer, type ListeningServer } from '../helpers/server.js'

let app: FastifyInstance
afterEach(async () => { await app?.close() })

const post = (url: string, payload: unknown, key: string | undefined) =>
  call(app, { method: 'POST', url, payload: payload as object, headers: key === undefined ? {} : { 'idempotency-key': key } })

async function itemTexts (conversationId: string): Promise<string[]> {
  const { body } = await call(app, { method: 'GET', url: `/v1/conversations/${conversationId}/items?order=asc&limit=100` })
  return body.data.map((item: any) => item.content[0].text)
}

describe('Idempotency-Key on POST /v1/conversations/:id/items', () => {
  it('replays the first answer for the same key and request, and appends once', async () => {
    app = await buildTestApp()
    const { id } = await createConversation(app)
    const first = await post(`/v1/conversations/${id}/items`, { items: [userMessage('once')] }, 'key-1')
    const second = await post(`/v1/conversations/${id}/items`, { items: [userMessage('once')] }, 'key-1')
    expect(first.status).toBe(200)
    expect(second).toMatchObject({ status: 200, body: first.body })
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    expect(second.headers['x-request-id']).toEqual(ID.requestId)
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id'])
    expect(await itemTexts(id)).toEqual(['once'])
  })

  it('answers 400 idempotency_key_reused for the same key with another body or path', async () => {
    app = await buildTestApp()
    const { id } = await createConversation(app)
    const other = await createConversation(app)
    await post(`/v1/conversations/${id}/items`, { items: [userMessage('a')] }, 'key-2')
    const expected = errorBody('This Idempotency-Key was already used with a different request. Use a new key for a new request.', null, 'idempotency_key_reused')
    expect(await post(`/v1/conversations/${id}/items`, { items: [userMessage('b')] }, 'key-2')).toMatchObject({ status: 400, body: expected })
    expect(await post(`/v1/conversations/${other.id}/items`, { items: [userMessage('a')] }, 'key-2')).toMatchObject({ status: 400, body: expected })
    expect(await itemTexts(id)).toEqual(['a'])
    expect(await itemTexts(other.id)).toEqual([])
  })

  it('applies concurrent duplicates once: every duplicate gets the same answer', async () => {
    app = await buildTestApp()
    const { id } = await createConversation(app)
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      post(`/v1/conversations/${id}/items`, { items: [userMessage('x'), userMessage('y')] }, 'burst')))
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: answers[0]!.body })
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(7)
    expect(await itemTexts(id)).toEqual(['x', 'y'])
  })

  it('replays a stored 4xx answer too', async () => {
    app = await buildTestApp()
    const url = '/v1/conversations/conv_missing/items'
    const first = await post(url, { items: [userMessage('a')] }, 'key-404')
    expect(first).toMatchObject({ status: 404, body: errorBody("Conversation with id 'conv_missing' not found.", null, null) })
    const second = await post(url, { items: [userMessage('a')] }, 'key-404')
    expect(second).toMatchObject({ status: 404, body: first.body })
    expect(second.headers['idempotent-replayed']).toBe('true')
  })

  it('keeps keys of different callers apart (owner scope)', async () => {
    app = await buildTestApp()
    app.addHook('onRequest', async (request) => { request.owner = String(request.headers['x-test-owner'] ?? 'default') })
    const alice = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'idempotency-key': 'shared', 'x-test-owner': 'alice' } })
    const bob = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'idempotency-key': 'shared', 'x-test-owner': 'bob' } })
    expect(alice.status).toBe(200)
    expect(bob.status).toBe(200)
    expect(bob.body.id).not.toBe(alice.body.id)
  }, 10_000)
})

describe('Idempotency-Key on the other POST routes', () => {
  it('creates one conversation for a repeated create, and one update result', async () => {
    app = await buildTestApp()
    const a = await post('/v1/conversations', { metadata: { k: 'v' } }, 'create-1')
    const b = await post('/v1/conversations', { metadata: { k: 'v' } }, 'create-1')
    expect(b).toMatchObject({ status: 200, body: a.body })
    const c = await post('/v1/conversations', { metadata: { k: 'v' } }, 'create-2')
    expect(c.body.id).not.toBe(a.body.id)
    const u1 = await post(`/v1/conversations/${a.body.id}`, { metadata: { n: '1' } }, 'update-1')
    await post(`/v1/conversations/${a.body.id}`, { metadata: { n: '2' } }, undefined)
    const u2 = await post(`/v1/conversations/${a.body.id}`, { metadata: { n: '1' } }, 'update-1')
    expect(u2).toMatchObject({ status: 200, body: u1.body })
  })

  it('is ignored on GET and DELETE', async () => {
    app = await buildTestApp()
    const { id } = await createConversation(app)
    const got = await call(app, { method: 'GET', url: `/v1/conversations/${id}`, headers: { 'idempotency-key': 'g' } })
    expect(got.headers['idempotent-replayed']).toBeUndefined()
    expect((await call(app, { method: 'DELETE', url: `/v1/conversations/${id}`, headers: { 'idempotency-key': 'g' } })).status).toBe(200)
    expect((await call(app, { method: 'DELETE', url: `/v1/conversations/${id}`, headers: { 'idempotency-key': 'g' } })).status).toBe(404)
  })

  it('rejects a malformed key with 400', async () => {
    app = await buildTestApp()
    const expected = errorBody("Invalid 'Idempotency-Key' header: expected 1 to 255 printable ASCII characters without spaces.", null, null)
    expect(await post('/v1/conversations', {}, 'k'.repeat(256))).toMatchObject({ status: 400, body: expected })
    expect(await post('/v1/conversations', {}, 'with space')).toMatchObject({ status: 400, body: expected })
  })

  it('answers 400 idempotency_key_in_use while the first request has not answered within the wait', async () => {
    app = await buildTestApp({ idempotencyWaitMs: 200 })
    const hash = createHash('sha256').update('POST\n/v1/conversations\nnull').digest('hex')
    await app.repos.idempotency.claim('default', 'stuck', hash, 60_000)
    const started = Date.now()
    const answer = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'idempotency-key': 'stuck' } })
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    expect(answer).toMatchObject({
      status: 400,
      body: errorBody('A request with this Idempotency-Key is still being processed, or was interrupted before it answered. Retry later with the same key to get its answer, or use a new key.', null, 'idempotency_key_in_use'),
    })
  })

  it('runs the request again once the first answer has expired', async () => {
    app = await buildTestApp({ idempotencyTtlSeconds: 1 })
    const a = await post('/v1/conversations', {}, 'short')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const b = await post('/v1/conversations', {}, 'short')
    expect(b.status).toBe(200)
    expect(b.body.id).not.toBe(a.body.id)
    expect(b.headers['idempotent-replayed']).toBeUndefined()
  })

  it('does not store 5xx or retryable answers: the retry runs again', async () => {
    app = await buildTestApp()
    const answers = [new AppError('service_unavailable', 'busy'), new AppError('rate_limit_exceeded', 'slow down')]
    let runs = 0
    app.post('/v1/__flaky', async () => {
      runs++
      const failure = answers.shift()
      if (failure !== undefined) throw failure
      return { runs }
    })
    expect((await post('/v1/__flaky', { a: 1 }, 'flaky')).status).toBe(503)
    expect((await post('/v1/__flaky', { a: 1 }, 'flaky')).status).toBe(429)
    expect(await post('/v1/__flaky', { a: 1 }, 'flaky')).toMatchObject({ status: 200, body: { runs: 3 } })
    expect(await post('/v1/__flaky', { a: 1 }, 'flaky')).toMatchObject({ status: 200, body: { runs: 3 } })
    expect(runs).toBe(3)
  })

  it('still answers when storing the answer fails, and then refuses the key rather than applying it twice', async () => {
    app = await buildTestApp({ idempotencyWaitMs: 100 })
    const { id } = await createConversation(app)
    app.repos.idempotency.complete = async () => { throw new Error('disk full') }
    const first = await post(`/v1/conversations/${id}/items`, { items: [userMessage('once')] }, 'unstored')
    expect(first.status).toBe(200)
    const retry = await post(`/v1/conversations/${id}/items`, { items: [userMessage('once')] }, 'unstored')
    expect(retry).toMatchObject({ status: 400, body: { error: { code: 'idempotency_key_in_use' } } })
    expect(await itemTexts(id)).toEqual(['once'])
  })

  it('is off with a time to live of 0', async () => {
    app = await buildTestApp({ idempotencyTtlSeconds: 0 })
    const a = await post('/v1/conversations', {}, 'off')
    const b = await post('/v1/conversations', {}, 'off')
    expect(b.body.id).not.toBe(a.body.id)
  })
})

describe('Idempotency-Key through the official openai SDK', () => {
  let server: ListeningServer
  afterEach(async () => { await server?.close() })

  it('replays items.create called twice with the same Idempotency-Key header', async () => {
    server = await startServer()
    app = server.app
    const client = server.client()
    const conversation = await client.conversations.create()
    const items = [{ type: 'message' as const, role: 'user' as const, content: 'remember me' }]
    const first = await client.conversations.items.create(conversation.id, { items }, { headers: { 'Idempotency-Key': 'sdk-key-1' } })
    const second = await client.conversations.items.create(conversation.id, { items }, { headers: { 'Idempotency-Key': 'sdk-key-1' } })
    expect(second.data.map((i) => i.id)).toEqual(first.data.map((i) => i.id))
    const listed = []
    for await (const item of client.conversations.items.list(conversation.id)) listed.push(item.id)
    expect(listed).toEqual(first.data.map((i) => i.id))
  })

  it('makes the SDK\'s automatic retry after a lost answer safe: the items are added once', async () => {
    const built = await buildTestApp()
    let dropped = 0
    // The write commits and its answer is stored, then the connection dies before the answer leaves.
    built.addHook('onSend', async (request, _reply, payload) => {
      if (request.method === 'POST' && request.url.endsWith('/items') && dropped === 0) {
        dropped++
        request.raw.socket.destroy()
      }
      return payload
    })
    await built.listen({ host: '127.0.0.1', port: 0 })
    app = built
    const { port } = built.server.address() as { port: number }
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 2 })
    const conversation = await client.conversations.create()
    const created = await client.conversations.items.create(conversation.id,
      { items: [{ type: 'message', role: 'user', content: 'only once' }] },
      { headers: { 'Idempotency-Key': 'lost-answer' } })
    expect(dropped).toBe(1)
    const listed = []
    for await (const item of client.conversations.items.list(conversation.id)) listed.push(item.id)
    expect(listed).toEqual(created.data.map((i) => i.id))
  }, 20_000)
})
