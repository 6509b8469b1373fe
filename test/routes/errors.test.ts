import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError, errorStatus, type ErrorCode } from '../../src/errors.js'
import { buildTestApp, call, createConversation, errorBody, ID } from '../helpers/app.js'

let app: FastifyInstance
afterEach(async () => { await app?.close() })

describe('the error envelope', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    app = await buildTestApp()
    const { status, body, headers } = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'content-type': 'application/json' }, payload: '{"metadata": {' })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid body: failed to parse JSON value. Please check the value to ensure it is valid JSON. (Common errors include trailing commas, missing closing brackets, missing quotation marks, etc.)', null, 'invalid_json'))
    expect(headers['x-request-id']).toEqual(ID.requestId)
  })

  it('answers a body over the limit with 413', async () => {
    app = await buildTestApp({ bodyLimit: 2048 })
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: { metadata: { a: 'x'.repeat(3000) } } })
    expect(status).toBe(413)
    expect(body).toEqual(errorBody('Request body too large. The maximum size is 2048 bytes.', null, null))
  })

  it('answers JSON nested deeper than the limit with 400', async () => {
    app = await buildTestApp({ maxJsonDepth: 8 })
    const deep = `{"metadata":${'['.repeat(20)}${']'.repeat(20)}}`
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'content-type': 'application/json' }, payload: deep })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid body: JSON nested deeper than 8 levels.', null, null))
  })

  it('rejects prototype poisoning', async () => {
    app = await buildTestApp()
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'content-type': 'application/json' }, payload: '{"metadata":{"__proto__":{"x":"y"}}}' })
    expect(status).toBe(400)
    expect(body.error.code).toBe('invalid_json')
  })

  it('answers an unknown route with 404 in the same envelope', async () => {
    app = await buildTestApp()
    const { status, body, headers } = await call(app, { method: 'GET', url: '/v1/nothing?x=1' })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Invalid URL (GET /v1/nothing)', null, null))
    expect(headers['x-request-id']).toEqual(ID.requestId)
  })

  it('answers a badly encoded path with 400, not 500', async () => {
    app = await buildTestApp()
    const { status, body } = await call(app, { method: 'GET', url: '/v1/conversations/%E0%A4%A' })
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null })
  })

  it('decodes percent-encoded path ids', async () => {
    app = await buildTestApp()
    const { status, body } = await call(app, { method: 'GET', url: '/v1/conversations/conv%20x' })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Conversation with id \'conv x\' not found.', null, null))
  })

  it('answers unexpected failures with 500 and a generic message', async () => {
    app = await buildTestApp()
    app.get('/v1/__boom', async () => { throw new Error('secret detail') })
    const { status, body } = await call(app, { method: 'GET', url: '/v1/__boom' })
    expect(status).toBe(500)
    expect(body).toEqual(errorBody('The server had an error while processing your request. Sorry about that!', null, null, 'server_error'))
  })

  it('maps every error code to its status', async () => {
    app = await buildTestApp()
    app.get('/v1/__error/:code', async (request) => {
      throw new AppError((request.params as { code: ErrorCode }).code, 'm')
    })
    for (const [code, expected] of Object.entries(errorStatus)) {
      const response = await app.inject({ method: 'GET', url: `/v1/__error/${code}` })
      expect({ code, status: response.statusCode }).toEqual({ code, status: expected })
      expect(Object.keys(response.json().error)).toEqual(['message', 'type', 'param', 'code'])
    }
  })
})

describe('every response', () => {
  it('carries a distinct x-request-id and successes are 200 application/json', async () => {
    app = await buildTestApp()
    const first = await app.inject({ method: 'POST', url: '/v1/conversations' })
    const second = await app.inject({ method: 'GET', url: `/v1/conversations/${first.json().id}` })
    for (const response of [first, second]) {
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.headers['x-request-id']).toEqual(ID.requestId)
    }
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id'])
  })

  it('tolerates a trailing slash', async () => {
    app = await buildTestApp()
    const conversation = await createConversation(app)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${conversation.id}/` })).body).toEqual(conversation)
  })
})
