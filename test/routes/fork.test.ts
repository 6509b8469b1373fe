import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addItems, buildTestApp, call, createConversation, errorBody, ID, userMessage } from '../helpers/app.js'
import { ownerFromTestHeader } from '../helpers/owners.js'

let app: FastifyInstance
beforeEach(async () => {
  app = await buildTestApp()
  ownerFromTestHeader(app)
})
afterEach(async () => { await app.close() })

const fork = async (conversationId: string, payload?: object, owner?: string) =>
  call(app, {
    method: 'POST',
    url: `/v1/conversations/${conversationId}/fork`,
    ...(payload === undefined ? {} : { payload }),
    ...(owner === undefined ? {} : { headers: { 'x-test-owner': owner } }),
  })

const listItems = async (conversationId: string, include = ''): Promise<any[]> =>
  (await call(app, { method: 'GET', url: `/v1/conversations/${conversationId}/items?order=asc&limit=100${include}` })).body.data

/** The items without their ids: what a fork must reproduce. */
const withoutIds = (items: any[]): any[] => items.map(({ id: _id, ...rest }) => rest)

/** A source conversation with five items of several types; returns it and its item ids. */
async function source (): Promise<{ id: string, itemIds: string[] }> {
  const conversation = await createConversation(app, { metadata: { topic: 'trip' } })
  const items = await addItems(app, conversation.id, [
    userMessage('Plan a trip to Lyon'),
    { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'opaque' },
    { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Lyon"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
    { role: 'assistant', content: 'Go in June.' },
  ])
  return { id: conversation.id, itemIds: items.data.map((item: { id: string }) => item.id) }
}

describe('POST /v1/conversations/:conversation_id/fork', () => {
  it('copies the whole conversation with new ids, in order, and leaves the source untouched', async () => {
    const src = await source()
    const before = await listItems(src.id, '&include[]=reasoning.encrypted_content')
    const { status, body } = await fork(src.id)
    expect(status).toBe(200)
    expect(body).toEqual({
      id: ID.conversation,
      object: 'conversation',
      created_at: expect.any(Number),
      metadata: { topic: 'trip' },
      forked_from: { conversation_id: src.id, item_id: src.itemIds[4] },
    })
    const copied = await listItems(body.id, '&include[]=reasoning.encrypted_content')
    expect(withoutIds(copied)).toEqual(withoutIds(before))
    expect(copied.map((item) => item.id)).toEqual([ID.message, ID.prefixed('rs'), ID.prefixed('fc'), expect.stringMatching(/^fco_[0-9a-f]{48}$/), ID.message])
    expect(copied.map((item) => item.id).filter((id) => src.itemIds.includes(id))).toEqual([])
    expect(await listItems(src.id, '&include[]=reasoning.encrypted_content')).toEqual(before)
    // Include-gated content is copied too, and stays gated.
    expect(copied[1]).toEqual({ id: copied[1].id, type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'opaque' })
    expect((await listItems(body.id))[1]).toEqual({ id: copied[1].id, type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }] })
  })

  it('is an ordinary conversation afterwards: plain OpenAI shape on retrieve, own items, independent writes', async () => {
    const src = await source()
    const { body: forked } = await fork(src.id)
    const { forked_from: _origin, ...conversation } = forked
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${forked.id}` })).body).toEqual(conversation)
    await addItems(app, forked.id, [userMessage('only in the fork')])
    await call(app, { method: 'DELETE', url: `/v1/conversations/${forked.id}/items/${(await listItems(forked.id))[0].id}` })
    expect(await listItems(src.id)).toHaveLength(5)
    expect(await listItems(forked.id)).toHaveLength(5)
  })

  it.each([
    ['the first item', 0],
    ['a middle item', 2],
    ['the last item', 4],
  ])('forks up to and including %s', async (_name, index) => {
    const src = await source()
    const { body } = await fork(src.id, { item_id: src.itemIds[index] })
    expect(body.forked_from).toEqual({ conversation_id: src.id, item_id: src.itemIds[index] })
    expect(withoutIds(await listItems(body.id))).toEqual(withoutIds((await listItems(src.id)).slice(0, index + 1)))
  })

  it('skips deleted items; a deleted item is no fork point', async () => {
    const src = await source()
    await call(app, { method: 'DELETE', url: `/v1/conversations/${src.id}/items/${src.itemIds[1]}` })
    await call(app, { method: 'DELETE', url: `/v1/conversations/${src.id}/items/${src.itemIds[4]}` })
    const { body } = await fork(src.id)
    expect(body.forked_from).toEqual({ conversation_id: src.id, item_id: src.itemIds[3] })
    const copied = await listItems(body.id)
    expect(withoutIds(copied)).toEqual(withoutIds(await listItems(src.id)))
    expect(copied).toHaveLength(3)
    // Pagination over the fork works like any conversation.
    const page = (await call(app, { method: 'GET', url: `/v1/conversations/${body.id}/items?order=asc&limit=1&after=${copied[0].id}` })).body
    expect({ ids: page.data.map((item: { id: string }) => item.id), hasMore: page.has_more }).toEqual({ ids: [copied[1].id], hasMore: true })
    const { status, body: error } = await fork(src.id, { item_id: src.itemIds[1] })
    expect(status).toBe(400)
    expect(error).toEqual(errorBody(`Invalid 'item_id': no item with id '${src.itemIds[1]}' was found in conversation '${src.id}'.`, 'item_id', 'invalid_value'))
  })

  it('is applied once when retried with the same Idempotency-Key', async () => {
    const src = await source()
    const request = { method: 'POST' as const, url: `/v1/conversations/${src.id}/fork`, headers: { 'idempotency-key': 'fork-once' }, payload: { item_id: src.itemIds[2] } }
    const first = await call(app, request)
    const again = await call(app, request)
    expect(again).toEqual(expect.objectContaining({ status: 200, body: first.body }))
    expect((await call(app, { method: 'GET', url: '/v1/conversations?order=asc' })).body.data.map((c: { id: string }) => c.id)).toEqual([src.id, first.body.id])
  })

  it('forks an empty conversation into an empty one', async () => {
    const empty = await createConversation(app)
    const { body } = await fork(empty.id, {})
    expect(body).toEqual({ id: ID.conversation, object: 'conversation', created_at: expect.any(Number), metadata: {}, forked_from: { conversation_id: empty.id, item_id: null } })
    expect(await listItems(body.id)).toEqual([])
  })

  it.each([
    ['omitted: copied from the source', {}, { topic: 'trip' }],
    ['given: replaces it', { metadata: { branch: 'b' } }, { branch: 'b' }],
    ['null: none', { metadata: null }, {}],
    ['empty: none', { metadata: {} }, {}],
  ])('metadata %s', async (_name, payload, expected) => {
    const src = await source()
    const { body } = await fork(src.id, payload)
    expect(body.metadata).toEqual(expected)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${body.id}` })).body.metadata).toEqual(expected)
  })

  it('answers the same 404 for a missing, a deleted and another owner\'s conversation', async () => {
    const theirs = (await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'x-test-owner': 'bob' }, payload: { items: [userMessage('secret')] } })).body
    const deleted = await createConversation(app)
    await call(app, { method: 'DELETE', url: `/v1/conversations/${deleted.id}` })
    for (const id of [theirs.id, deleted.id, 'conv_missing']) {
      const { status, body } = await fork(id, {}, 'alice')
      expect({ status, body }).toEqual({ status: 404, body: errorBody(`Conversation with id '${id}' not found.`, null, null) })
    }
    expect((await call(app, { method: 'GET', url: '/v1/conversations', headers: { 'x-test-owner': 'alice' } })).body.data).toEqual([])
  })
})

describe('POST /v1/conversations/:conversation_id/fork errors', () => {
  it.each([
    [{ item_id: 'msg_never' }, (id: string) => errorBody(`Invalid 'item_id': no item with id 'msg_never' was found in conversation '${id}'.`, 'item_id', 'invalid_value')],
    [{ item_id: 5 }, () => errorBody('Invalid type for \'item_id\': expected a string, but got an integer instead.', 'item_id', 'invalid_type')],
    [{ metadata: { k: 'v'.repeat(513) } }, () => errorBody('Invalid \'metadata.k\': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.', 'metadata.k', 'string_above_max_length')],
    [{ title: 'x' }, () => errorBody('Unknown parameter: \'title\'.', 'title', 'unknown_parameter')],
  ])('%j → 400, nothing created', async (payload, expected) => {
    const src = await source()
    const { status, body } = await fork(src.id, payload)
    expect(status).toBe(400)
    expect(body).toEqual(expected(src.id))
    expect((await call(app, { method: 'GET', url: '/v1/conversations' })).body.data.map((c: { id: string }) => c.id)).toEqual([src.id])
  })
})
