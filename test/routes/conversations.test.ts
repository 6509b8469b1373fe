import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, call, createConversation, errorBody, ID, nowSeconds, userMessage } from '../helpers/app.js'

let app: FastifyInstance
beforeEach(async () => { app = await buildTestApp() })
afterEach(async () => { await app.close() })

const conversationBody = (metadata: Record<string, string> = {}) => ({
  id: ID.conversation,
  object: 'conversation',
  created_at: expect.any(Number),
  metadata,
})

describe('POST /v1/conversations', () => {
  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['no items', { items: [] }],
    ['null metadata and items', { metadata: null, items: null }],
  ])('creates a conversation from %s with metadata {}', async (_name, payload) => {
    const before = nowSeconds()
    const response = await app.inject({ method: 'POST', url: '/v1/conversations', ...(payload === undefined ? {} : { payload }) })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const body = response.json()
    expect(body).toEqual(conversationBody())
    expect(body.created_at).toBeGreaterThanOrEqual(before)
    expect(body.created_at).toBeLessThanOrEqual(nowSeconds())
    // the id's first 8 hex digits are its creation time
    expect(parseInt(body.id.slice(5, 13), 16)).toBe(body.created_at)
  })

  it('creates a conversation from a JSON body sent without a content type (curl -d)', async () => {
    const { status, body } = await call(app, {
      method: 'POST',
      url: '/v1/conversations',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '{"metadata":{"topic":"demo"}}',
    })
    expect(status).toBe(200)
    expect(body).toEqual(conversationBody({ topic: 'demo' }))
  })

  it('stores metadata and initial items, in order', async () => {
    const conversation = await createConversation(app, {
      metadata: { topic: 'demo' },
      items: [userMessage('Hello!'), { role: 'assistant', content: 'Hi there.' }],
    })
    expect(conversation).toEqual(conversationBody({ topic: 'demo' }))
    const { body } = await call(app, { method: 'GET', url: `/v1/conversations/${conversation.id}/items?order=asc` })
    expect(body).toEqual({
      object: 'list',
      data: [
        { id: ID.message, type: 'message', status: 'completed', content: [{ type: 'input_text', text: 'Hello!' }], role: 'user' },
        { id: ID.message, type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hi there.', annotations: [], logprobs: [] }], role: 'assistant' },
      ],
      first_id: body.data[0].id,
      last_id: body.data[1].id,
      has_more: false,
    })
  })

  it('rejects more than 20 initial items', async () => {
    const items = Array.from({ length: 21 }, (_, i) => userMessage(`m${i}`))
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: { items } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid \'items\': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.', 'items', 'array_above_max_length'))
  })

  it('rejects an invalid initial item and creates nothing', async () => {
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: { items: [userMessage('ok'), { type: 'message', role: 'user', content: 'x', bogus: 1 }] } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Unknown parameter: \'items[1].bogus\'.', 'items[1].bogus', 'unknown_parameter'))
  })

  it('rejects unknown top-level fields', async () => {
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: { metadata: {}, title: 'x' } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Unknown parameter: \'title\'.', 'title', 'unknown_parameter'))
  })

  it('rejects a body that is not an object', async () => {
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: '[1]', headers: { 'content-type': 'application/json' } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid type for request body: expected an object, but got an array instead.', null, 'invalid_type'))
  })
})

describe('metadata limits', () => {
  const post = async (metadata: unknown) => call(app, { method: 'POST', url: '/v1/conversations', payload: { metadata } })
  const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']))

  it('accepts 16 pairs, a 64-character key and a 512-character value', async () => {
    expect((await post(sixteen)).status).toBe(200)
    const edge = { ['k'.repeat(64)]: 'v'.repeat(512) }
    expect(await post(edge)).toMatchObject({ status: 200, body: conversationBody(edge) })
  })

  it('rejects a 17th pair', async () => {
    const { status, body } = await post({ ...sixteen, k16: 'v' })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid \'metadata\': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.', 'metadata', 'object_above_max_properties'))
  })

  it('rejects a 65-character key', async () => {
    const key = 'k'.repeat(65)
    const { status, body } = await post({ [key]: 'v' })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody(`Invalid property name in 'metadata': '${key}' is too long. Expected a string with maximum length 64, but got a string with length 65 instead.`, `metadata.${key}`, 'string_above_max_length'))
  })

  it('rejects a 513-character value', async () => {
    const { status, body } = await post({ topic: 'v'.repeat(513) })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid \'metadata.topic\': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.', 'metadata.topic', 'string_above_max_length'))
  })

  it('rejects a value that is not a string', async () => {
    const { status, body } = await post({ count: 3 })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid type for \'metadata.count\': expected a string, but got an integer instead.', 'metadata.count', 'invalid_type'))
  })

  it('rejects metadata that is not an object', async () => {
    const { status, body } = await post('topic')
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid type for \'metadata\': expected one of an object or null, but got a string instead.', 'metadata', 'invalid_type'))
  })

  it('keeps Unicode keys and values intact', async () => {
    const metadata = { 'émoji 🎉': 'naïve — 日本語', __proto__x: 'y' }
    expect(await post(metadata)).toMatchObject({ status: 200, body: conversationBody(metadata) })
  })
})

describe('GET /v1/conversations/:conversation_id', () => {
  it('returns the conversation', async () => {
    const created = await createConversation(app, { metadata: { a: 'b' } })
    const { status, body } = await call(app, { method: 'GET', url: `/v1/conversations/${created.id}` })
    expect(status).toBe(200)
    expect(body).toEqual(created)
  })

  it('answers 404 for an unknown id', async () => {
    const { status, body, headers } = await call(app, { method: 'GET', url: '/v1/conversations/conv_nonexistent123' })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Conversation with id \'conv_nonexistent123\' not found.', null, null))
    expect(headers['x-request-id']).toEqual(ID.requestId)
  })

  it('accepts a GET that carries Content-Type: application/json and no body (Python SDK)', async () => {
    const created = await createConversation(app)
    const { status, body } = await call(app, { method: 'GET', url: `/v1/conversations/${created.id}`, headers: { 'content-type': 'application/json' } })
    expect(status).toBe(200)
    expect(body).toEqual(created)
  })
})

describe('POST /v1/conversations/:conversation_id (update)', () => {
  const update = async (id: string, payload?: unknown) =>
    call(app, { method: 'POST', url: `/v1/conversations/${id}`, ...(payload === undefined ? {} : { payload: payload as object }) })

  it('replaces the whole metadata map', async () => {
    const created = await createConversation(app, { metadata: { topic: 'demo', keep: 'no' } })
    const { status, body } = await update(created.id, { metadata: { topic: 'the new topic' } })
    expect(status).toBe(200)
    expect(body).toEqual({ ...created, metadata: { topic: 'the new topic' } })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.id}` })).body).toEqual(body)
  })

  it('clears metadata with {}', async () => {
    const created = await createConversation(app, { metadata: { topic: 'demo' } })
    expect((await update(created.id, { metadata: {} })).body).toEqual({ ...created, metadata: {} })
  })

  it.each([
    ['no body', undefined],
    ['a body without metadata', {}],
  ])('rejects %s', async (_name, payload) => {
    const created = await createConversation(app)
    const { status, body } = await update(created.id, payload)
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Missing required parameter: \'metadata\'.', 'metadata', 'missing_required_parameter'))
  })

  it('rejects metadata: null', async () => {
    const created = await createConversation(app)
    const { status, body } = await update(created.id, { metadata: null })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid type for \'metadata\': expected an object, but got null instead.', 'metadata', 'invalid_type'))
  })

  it('enforces the metadata limits', async () => {
    const created = await createConversation(app)
    const { status, body } = await update(created.id, { metadata: { topic: 'v'.repeat(513) } })
    expect(status).toBe(400)
    expect(body.error.code).toBe('string_above_max_length')
  })

  it('answers 404 for an unknown id', async () => {
    const { status, body } = await update('conv_missing', { metadata: {} })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Conversation with id \'conv_missing\' not found.', null, null))
  })
})

describe('DELETE /v1/conversations/:conversation_id', () => {
  it('soft-deletes, then every route on it answers 404', async () => {
    const created = await createConversation(app, { items: [userMessage('hi')] })
    const item = (await call(app, { method: 'GET', url: `/v1/conversations/${created.id}/items` })).body.data[0]
    const deleted = await call(app, { method: 'DELETE', url: `/v1/conversations/${created.id}` })
    expect(deleted).toMatchObject({ status: 200, body: { id: created.id, object: 'conversation.deleted', deleted: true } })
    expect(Object.keys(deleted.body)).toEqual(['id', 'object', 'deleted'])

    const notFound = errorBody(`Conversation with id '${created.id}' not found.`, null, null)
    const base = `/v1/conversations/${created.id}`
    for (const [method, url, payload] of [
      ['GET', base, undefined],
      ['POST', base, { metadata: {} }],
      ['DELETE', base, undefined],
      ['GET', `${base}/items`, undefined],
      ['POST', `${base}/items`, { items: [userMessage('again')] }],
      ['GET', `${base}/items/${item.id}`, undefined],
      ['DELETE', `${base}/items/${item.id}`, undefined],
    ] as const) {
      const response = await call(app, { method, url, ...(payload === undefined ? {} : { payload }) })
      expect({ method, url, ...response }).toMatchObject({ method, url, status: 404, body: notFound })
    }
  })

  it('accepts a DELETE with Content-Type: application/json and no body', async () => {
    const created = await createConversation(app)
    const { status } = await call(app, { method: 'DELETE', url: `/v1/conversations/${created.id}`, headers: { 'content-type': 'application/json' } })
    expect(status).toBe(200)
  })
})
