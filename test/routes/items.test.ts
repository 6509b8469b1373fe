import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addItems, buildTestApp, call, createConversation, errorBody, ID, userMessage } from '../helpers/app.js'

let app: FastifyInstance
let conversationId: string
beforeEach(async () => {
  app = await buildTestApp()
  conversationId = (await createConversation(app)).id
})
afterEach(async () => { await app.close() })

const itemsUrl = (query = ''): string => `/v1/conversations/${conversationId}/items${query}`
const list = async (query = '') => call(app, { method: 'GET', url: itemsUrl(query) })

/** Appends n user messages m0..m(n-1) in batches of 20 and returns their ids in order. */
async function seed (n: number): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < n; start += 20) {
    const batch = Array.from({ length: Math.min(20, n - start) }, (_, i) => userMessage(`m${start + i}`))
    ids.push(...(await addItems(app, conversationId, batch)).data.map((item: { id: string }) => item.id))
  }
  return ids
}

const message = (id: string, text: string) => ({ id, type: 'message', status: 'completed', content: [{ type: 'input_text', text }], role: 'user' })

describe('POST /v1/conversations/:conversation_id/items', () => {
  it('returns only the new items, in request order, has_more false', async () => {
    await seed(2)
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items: [userMessage('a'), userMessage('b')] } })
    expect(status).toBe(200)
    expect(body).toEqual({
      object: 'list',
      data: [message(body.data[0].id, 'a'), message(body.data[1].id, 'b')],
      first_id: body.data[0].id,
      last_id: body.data[1].id,
      has_more: false,
    })
    expect(body.data[0].id).toEqual(ID.message)
  })

  it('accepts the SDK shapes: type-less messages, assistant output_text without id/status, reasoning with id', async () => {
    const { body } = await call(app, {
      method: 'POST',
      url: itemsUrl(),
      payload: {
        items: [
          { role: 'user', content: 'Hello' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi', annotations: [] }] },
          { id: 'rs_abc', type: 'reasoning', summary: [] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        ],
      },
    })
    expect(body.data).toEqual([
      message(body.data[0].id, 'Hello'),
      { id: ID.message, type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [] }], role: 'assistant' },
      { id: 'rs_abc', type: 'reasoning', summary: [] },
      { id: ID.prefixed('fc'), type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: expect.stringMatching(/^fco_[0-9a-f]{48}$/), type: 'function_call_output', status: 'completed', call_id: 'call_1', output: 'sunny' },
    ])
  })

  it('keeps a client-supplied id', async () => {
    const { body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items: [{ id: 'msg_client_1', ...userMessage('x') }] } })
    expect(body.data[0].id).toBe('msg_client_1')
    expect((await call(app, { method: 'GET', url: itemsUrl('/msg_client_1') })).body).toEqual(message('msg_client_1', 'x'))
  })

  it('rejects an id already in the conversation, and the same id twice in one request', async () => {
    await addItems(app, conversationId, [{ id: 'msg_1', ...userMessage('x') }])
    for (const items of [[{ id: 'msg_1', ...userMessage('again') }], [{ id: 'msg_2', ...userMessage('a') }, { id: 'msg_2', ...userMessage('b') }]]) {
      const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items } })
      expect(status).toBe(400)
      const id = items[0]!.id
      expect(body).toEqual(errorBody(`Duplicate item found with id ${id}. Remove duplicate items from your input and try again.`, 'items', null))
    }
    expect((await list()).body.data).toHaveLength(1)
  })

  it('allows the same id in two conversations', async () => {
    const other = (await createConversation(app)).id
    await addItems(app, conversationId, [{ id: 'msg_shared', ...userMessage('a') }])
    await addItems(app, other, [{ id: 'msg_shared', ...userMessage('b') }])
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${other}/items/msg_shared` })).body).toEqual(message('msg_shared', 'b'))
  })

  it('rejects more than 20 items and writes none of them', async () => {
    const items = Array.from({ length: 21 }, (_, i) => userMessage(`m${i}`))
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Invalid \'items\': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.', 'items', 'array_above_max_length'))
    expect((await list()).body.data).toEqual([])
  })

  it('writes nothing when one item of the batch is invalid', async () => {
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items: [userMessage('ok'), userMessage('ok'), { type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } }] } })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Missing required parameter: \'items[2].id\'.', 'items[2].id', 'missing_required_parameter'))
    expect((await list()).body.data).toEqual([])
  })

  it.each([
    ['an unknown type', { type: 'bogus_call' }, 'items[0].type', 'invalid_value'],
    ['an unknown field', { type: 'message', role: 'user', content: 'x', bogus: true }, 'items[0].bogus', 'unknown_parameter'],
    ['an empty item', {}, 'items[0]', 'invalid_value'],
    ['a reasoning item with neither id nor encrypted_content', { type: 'reasoning', summary: [] }, 'item', 'invalid_item'],
  ])('rejects %s', async (_name, item, param, code) => {
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items: [item] } })
    expect(status).toBe(400)
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param, code })
  })

  it('requires items', async () => {
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: {} })
    expect(status).toBe(400)
    expect(body).toEqual(errorBody('Missing required parameter: \'items\'.', 'items', 'missing_required_parameter'))
  })

  it('answers 404 for an unknown conversation', async () => {
    const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations/conv_nope/items', payload: { items: [userMessage('x')] } })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Conversation with id \'conv_nope\' not found.', null, null))
  })
})

describe('GET /v1/conversations/:conversation_id/items', () => {
  it('returns an empty list with empty cursors', async () => {
    expect((await list()).body).toEqual({ object: 'list', data: [], first_id: '', last_id: '', has_more: false })
  })

  it('defaults to 20 items, newest first', async () => {
    const ids = await seed(25)
    const { body } = await list()
    expect(body.data.map((i: { id: string }) => i.id)).toEqual(ids.slice(5).reverse())
    expect(body).toMatchObject({ first_id: ids[24], last_id: ids[5], has_more: true })
  })

  it('pages in both orders with after excluding the cursor', async () => {
    const ids = await seed(7)
    const asc1 = (await list('?order=asc&limit=3')).body
    expect(asc1).toEqual({ object: 'list', data: ids.slice(0, 3).map((id, i) => message(id, `m${i}`)), first_id: ids[0], last_id: ids[2], has_more: true })
    const asc2 = (await list(`?order=asc&limit=3&after=${asc1.last_id}`)).body
    expect(asc2.data.map((i: { id: string }) => i.id)).toEqual(ids.slice(3, 6))
    expect(asc2.has_more).toBe(true)
    const asc3 = (await list(`?order=asc&limit=3&after=${asc2.last_id}`)).body
    expect(asc3).toEqual({ object: 'list', data: [message(ids[6]!, 'm6')], first_id: ids[6], last_id: ids[6], has_more: false })

    const desc = (await list(`?order=desc&limit=4&after=${ids[4]}`)).body
    expect(desc.data.map((i: { id: string }) => i.id)).toEqual([ids[3], ids[2], ids[1], ids[0]])
    expect(desc.has_more).toBe(false)
  })

  it('has_more is exact when the page ends on the last item', async () => {
    await seed(4)
    expect((await list('?limit=4')).body.has_more).toBe(false)
    expect((await list('?limit=3')).body.has_more).toBe(true)
  })

  it('a cursor whose item was deleted meanwhile still works', async () => {
    const ids = await seed(5)
    await call(app, { method: 'DELETE', url: itemsUrl(`/${ids[2]}`) })
    const { body } = await list(`?order=asc&after=${ids[2]}`)
    expect(body.data.map((i: { id: string }) => i.id)).toEqual([ids[3], ids[4]])
    const all = (await list('?order=asc')).body
    expect(all.data.map((i: { id: string }) => i.id)).toEqual([ids[0], ids[1], ids[3], ids[4]])
  })

  it('rejects an after id that never was in the conversation', async () => {
    const { status, body } = await list('?after=msg_never')
    expect(status).toBe(400)
    expect(body).toEqual(errorBody(`Invalid 'after': no item with id 'msg_never' was found in conversation '${conversationId}'.`, 'after', 'invalid_value'))
  })

  it.each([
    ['?limit=0', 'Invalid \'limit\': integer below minimum value. Expected a value >= 1, but got 0 instead.', 'limit', 'integer_below_min_value'],
    ['?limit=101', 'Invalid \'limit\': integer above maximum value. Expected a value <= 100, but got 101 instead.', 'limit', 'integer_above_max_value'],
    ['?limit=1000', 'Invalid \'limit\': integer above maximum value. Expected a value <= 100, but got 1000 instead.', 'limit', 'integer_above_max_value'],
    ['?limit=abc', 'Invalid type for \'limit\': expected an integer, but got a string instead.', 'limit', 'invalid_type'],
    ['?limit=2.5', 'Invalid type for \'limit\': expected an integer, but got a decimal instead.', 'limit', 'invalid_type'],
    ['?order=up', 'Invalid value: \'up\'. Supported values are: \'asc\' and \'desc\'.', 'order', 'invalid_value'],
    ['?include=bogus', expect.stringContaining('Invalid value: \'bogus\'. Supported values are: '), 'include', 'invalid_value'],
  ])('rejects %s', async (query, message, param, code) => {
    const { status, body } = await list(query)
    expect(status).toBe(400)
    expect(body).toEqual({ error: { message, type: 'invalid_request_error', param, code } })
  })

  it('accepts limit 1 and 100 and ignores unknown query parameters', async () => {
    await seed(3)
    expect((await list('?limit=1&api-version=2025-01-01&foo=bar')).body.data).toHaveLength(1)
    expect((await list('?limit=100')).body.data).toHaveLength(3)
  })

  it('paginates 250 items exactly in both orders', async () => {
    const ids = await seed(250)
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = []
      let after = ''
      for (;;) {
        const { body } = await list(`?order=${order}&limit=100${after === '' ? '' : `&after=${after}`}`)
        seen.push(...body.data.map((i: { id: string }) => i.id))
        if (!body.has_more) break
        after = body.last_id
      }
      expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse())
    }
  })
})

describe('include', () => {
  const withLogprobs = {
    type: 'message',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [] }] }],
  }
  const reasoning = { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAA' }

  it('stores gated fields and returns them only when asked, in both wire forms', async () => {
    const created = await addItems(app, conversationId, [withLogprobs, reasoning])
    const messageId = created.data[0].id
    expect(created.data[0].content[0].logprobs).toEqual([])
    expect(created.data[1]).toEqual({ id: 'rs_1', type: 'reasoning', summary: [] })

    const plain = (await list('?order=asc')).body.data
    expect(plain[0].content[0].logprobs).toEqual([])
    expect(plain[1]).toEqual({ id: 'rs_1', type: 'reasoning', summary: [] })

    for (const query of ['?order=asc&include[]=message.output_text.logprobs&include[]=reasoning.encrypted_content',
      '?order=asc&include=message.output_text.logprobs&include=reasoning.encrypted_content',
      '?order=asc&include%5B%5D=message.output_text.logprobs&include%5B%5D=reasoning.encrypted_content']) {
      const data = (await list(query)).body.data
      expect(data[0].content[0].logprobs).toEqual(withLogprobs.content[0]!.logprobs)
      expect(data[1]).toEqual(reasoning)
    }
    const one = (await list('?order=asc&include=reasoning.encrypted_content')).body.data
    expect(one[0].content[0].logprobs).toEqual([])
    expect(one[1]).toEqual(reasoning)

    const single = await call(app, { method: 'GET', url: itemsUrl(`/${messageId}?include[]=message.output_text.logprobs`) })
    expect(single.body.content[0].logprobs).toEqual(withLogprobs.content[0]!.logprobs)
    const created2 = await call(app, { method: 'POST', url: itemsUrl('?include[]=reasoning.encrypted_content'), payload: { items: [{ ...reasoning, id: 'rs_2' }] } })
    expect(created2.body.data[0]).toEqual({ ...reasoning, id: 'rs_2' })
  })
})

describe('GET /v1/conversations/:conversation_id/items/:item_id', () => {
  it('returns the item', async () => {
    const [id] = await seed(1)
    const { status, body } = await call(app, { method: 'GET', url: itemsUrl(`/${id}`) })
    expect(status).toBe(200)
    expect(body).toEqual(message(id!, 'm0'))
  })

  it('answers 404 for an unknown item, and for an item of another conversation', async () => {
    const other = (await createConversation(app, { items: [userMessage('elsewhere')] })).id
    const otherItem = (await call(app, { method: 'GET', url: `/v1/conversations/${other}/items` })).body.data[0].id
    for (const id of ['msg_nonexistent123', otherItem]) {
      const { status, body } = await call(app, { method: 'GET', url: itemsUrl(`/${id}`) })
      expect(status).toBe(404)
      expect(body).toEqual(errorBody(`Item with id '${id}' not found in conversation.`, null, null))
    }
  })
})

describe('DELETE /v1/conversations/:conversation_id/items/:item_id', () => {
  it('returns the conversation, and the item is gone for good', async () => {
    const conversation = (await call(app, { method: 'GET', url: `/v1/conversations/${conversationId}` })).body
    const [first, second] = await seed(2)
    const { status, body } = await call(app, { method: 'DELETE', url: itemsUrl(`/${first}`) })
    expect(status).toBe(200)
    expect(body).toEqual(conversation)
    expect((await call(app, { method: 'GET', url: itemsUrl(`/${first}`) })).status).toBe(404)
    expect((await list()).body.data).toEqual([message(second!, 'm1')])
    const again = await call(app, { method: 'DELETE', url: itemsUrl(`/${first}`) })
    expect(again).toMatchObject({ status: 404, body: errorBody(`Item with id '${first}' not found in conversation.`, null, null) })
  })

  it('never reuses a deleted id', async () => {
    await addItems(app, conversationId, [{ id: 'msg_once', ...userMessage('x') }])
    await call(app, { method: 'DELETE', url: itemsUrl('/msg_once') })
    const { status, body } = await call(app, { method: 'POST', url: itemsUrl(), payload: { items: [{ id: 'msg_once', ...userMessage('y') }] } })
    expect(status).toBe(400)
    expect(body.error.message).toBe('Duplicate item found with id msg_once. Remove duplicate items from your input and try again.')
  })
})
