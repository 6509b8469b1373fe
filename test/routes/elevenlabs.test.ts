import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildTestApp, call, ID, userMessage } from '../helpers/app.js'
import { apiKeysAuth } from '../helpers/auth.js'

const key = 'xi-key-of-tenant-a-0123456789'
const auth = apiKeysAuth([{ key, tenant: 'a' }])
const xi = { 'xi-api-key': key }

let app: FastifyInstance
afterEach(async () => { await app.close() })

describe('DELETE /v1/convai/conversations/:conversation_id', () => {
  it('soft-deletes the caller\'s conversation: gone on every surface with its items', async () => {
    app = await buildTestApp({ auth })
    const created = await call(app, { method: 'POST', url: '/v1/conversations', headers: xi, payload: { items: [userMessage('hi')] } })
    const id = created.body.id as string
    const deleted = await call(app, { method: 'DELETE', url: `/v1/convai/conversations/${id}`, headers: xi })
    expect(deleted).toMatchObject({ status: 200, body: { id, object: 'conversation.deleted', deleted: true } })
    expect(deleted.headers['x-request-id']).toEqual(ID.requestId)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${id}`, headers: xi })).status).toBe(404)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${id}/items`, headers: xi })).status).toBe(404)
    // Deleting again is a 404, in ElevenLabs' shape.
    expect(await call(app, { method: 'DELETE', url: `/v1/convai/conversations/${id}`, headers: xi })).toMatchObject({
      status: 404,
      body: { detail: { type: 'not_found', code: 'conversation_not_found', message: `Conversation with id '${id}' not found.`, status: 'conversation_not_found' } },
    })
  })

  it('answers 422 in FastAPI\'s shape for an invalid conversation id or body', async () => {
    app = await buildTestApp({ auth })
    const long = 'c'.repeat(257)
    expect(await call(app, { method: 'DELETE', url: `/v1/convai/conversations/${long}`, headers: xi })).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['path', 'conversation_id'], msg: 'Invalid \'conversation_id\': string too long. Expected a string with maximum length 256, but got a string with length 257 instead.', type: 'string_too_long' }] },
    })
    const badJson = await call(app, { method: 'DELETE', url: '/v1/convai/conversations/conv_x', headers: { ...xi, 'content-type': 'application/json' }, payload: '{nope' })
    expect(badJson.status).toBe(422)
    expect(badJson.body.detail).toEqual([{ loc: ['body'], msg: expect.stringMatching(/^Invalid body: failed to parse JSON value/), type: 'json_invalid' }])
  })

  it('answers 401 as ElevenLabs does, with a Bearer challenge', async () => {
    app = await buildTestApp({ auth })
    const missing = await call(app, { method: 'DELETE', url: '/v1/convai/conversations/conv_x' })
    expect(missing).toMatchObject({
      status: 401,
      body: { detail: { type: 'authentication_error', code: 'unauthorized', message: 'Neither authorization header nor xi-api-key received, please provide one.', status: 'needs_authorization' } },
    })
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="Conversations API"')
    expect(await call(app, { method: 'DELETE', url: '/v1/convai/conversations/conv_x', headers: { 'xi-api-key': 'wrong' } })).toMatchObject({
      status: 401,
      body: { detail: { type: 'authentication_error', code: 'unauthorized', message: 'Invalid API key', status: 'invalid_api_key' } },
    })
  })

  it('leaves the error envelope of the other routes untouched', async () => {
    app = await buildTestApp({ auth })
    expect((await call(app, { method: 'DELETE', url: '/v1/conversations/conv_x' })).body).toHaveProperty('error')
    expect((await call(app, { method: 'DELETE', url: '/v1/conversations/conv_x', headers: xi })).body).toHaveProperty('error')
  })
})
