import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ID } from '../helpers/app.js'
import { startServer, type ListeningServer } from '../helpers/server.js'

let server: ListeningServer
let client: OpenAI
beforeAll(async () => {
  server = await startServer()
  client = server.client()
})
afterAll(async () => { await server.close() })

describe('client.conversations', () => {
  it('create, retrieve, update, delete', async () => {
    const created = await client.conversations.create({ metadata: { topic: 'demo' }, items: [{ type: 'message', role: 'user', content: 'Hello!' }] })
    expect(created).toEqual({ id: ID.conversation, object: 'conversation', created_at: expect.any(Number), metadata: { topic: 'demo' } })
    expect(created._request_id).toEqual(ID.requestId)

    expect(await client.conversations.retrieve(created.id)).toEqual(created)
    expect(await client.conversations.update(created.id, { metadata: { topic: 'new' } })).toEqual({ ...created, metadata: { topic: 'new' } })
    expect(await client.conversations.delete(created.id)).toEqual({ id: created.id, object: 'conversation.deleted', deleted: true })
    await expect(client.conversations.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('create with no arguments', async () => {
    const created = await client.conversations.create()
    expect(created.metadata).toEqual({})
  })

  it('raises NotFoundError with the request id and OpenAI message', async () => {
    const error = await client.conversations.retrieve('conv_missing').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    const notFound = error as InstanceType<typeof OpenAI.NotFoundError>
    expect(notFound.status).toBe(404)
    expect(notFound.message).toBe('404 Conversation with id \'conv_missing\' not found.')
    expect(notFound.requestID).toEqual(ID.requestId)
    expect(notFound.code).toBeNull()
  })

  it('raises BadRequestError with param and code', async () => {
    const error = await client.conversations.update('conv_x', { metadata: null }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>
    expect({ param: bad.param, code: bad.code, type: bad.type }).toEqual({ param: 'metadata', code: 'invalid_type', type: 'invalid_request_error' })
  })
})

describe('client.conversations.items', () => {
  it('create, retrieve, list, delete', async () => {
    const conversation = await client.conversations.create()
    const created = await client.conversations.items.create(conversation.id, {
      items: [
        { type: 'message', role: 'user', content: 'Hello!' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How are you?' }] },
      ],
    })
    expect(created.data).toHaveLength(2)
    expect(created.first_id).toBe(created.data[0]!.id)
    expect(created.has_more).toBe(false)

    const item = await client.conversations.items.retrieve(created.first_id, { conversation_id: conversation.id })
    expect(item).toEqual({ id: created.first_id, type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'Hello!' }] })

    const page = await client.conversations.items.list(conversation.id, { order: 'asc' })
    expect(page.data.map((i) => i.id)).toEqual(created.data.map((i) => i.id))

    const afterDelete = await client.conversations.items.delete(created.first_id, { conversation_id: conversation.id })
    expect(afterDelete).toEqual({ ...conversation })
    await expect(client.conversations.items.retrieve(created.first_id, { conversation_id: conversation.id })).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('include is sent as include[] and honoured', async () => {
    const conversation = await client.conversations.create()
    await client.conversations.items.create(conversation.id, { items: [{ id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'secret' }] })
    const plain = await client.conversations.items.retrieve('rs_1', { conversation_id: conversation.id })
    expect(plain).toEqual({ id: 'rs_1', type: 'reasoning', summary: [] })
    const full = await client.conversations.items.retrieve('rs_1', { conversation_id: conversation.id, include: ['reasoning.encrypted_content'] })
    expect(full).toEqual({ id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'secret' })
  })

  it('auto-paginates over 250 items in both orders', async () => {
    const conversation = await client.conversations.create()
    const ids: string[] = []
    for (let batch = 0; batch < 250 / 10; batch++) {
      const created = await client.conversations.items.create(conversation.id, {
        items: Array.from({ length: 10 }, (_, i) => ({ type: 'message' as const, role: 'user' as const, content: `m${batch * 10 + i}` })),
      })
      ids.push(...created.data.map((i) => i.id!))
    }
    const collect = async (order: 'asc' | 'desc', limit?: number) => {
      const seen: string[] = []
      for await (const item of client.conversations.items.list(conversation.id, { order, ...(limit === undefined ? {} : { limit }) })) seen.push(item.id!)
      return seen
    }
    expect(await collect('asc')).toEqual(ids)
    expect(await collect('desc')).toEqual([...ids].reverse())
    expect(await collect('asc', 100)).toEqual(ids)
    expect(await collect('desc', 7)).toEqual([...ids].reverse())
  })

  it('raises BadRequestError for a missing required id, with param and code', async () => {
    const conversation = await client.conversations.create()
    const error = await client.conversations.items.create(conversation.id, {
      items: [{ type: 'file_search_call', status: 'completed', queries: ['q'] } as never],
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const bad = error as InstanceType<typeof OpenAI.BadRequestError>
    expect(bad.message).toBe('400 Missing required parameter: \'items[0].id\'.')
    expect({ param: bad.param, code: bad.code }).toEqual({ param: 'items[0].id', code: 'missing_required_parameter' })
  })
})
