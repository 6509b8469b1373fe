import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildTestApp, call, createConversation, errorBody, userMessage } from '../helpers/app.js'
import { ownerFromTestHeader } from '../helpers/owners.js'

let app: FastifyInstance
beforeEach(async () => {
  app = await buildTestApp()
  ownerFromTestHeader(app)
})
afterEach(async () => { await app.close() })

const list = async (query = '', owner?: string) =>
  call(app, { method: 'GET', url: `/v1/conversations${query}`, ...(owner === undefined ? {} : { headers: { 'x-test-owner': owner } }) })

/** Creates n conversations c0..c(n-1) (metadata n=<index>) and returns their ids in creation order. */
async function seed (n: number, owner?: string): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const { body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: { metadata: { n: String(i) } }, ...(owner === undefined ? {} : { headers: { 'x-test-owner': owner } }) })
    ids.push(body.id)
  }
  return ids
}

const ids = (body: { data: Array<{ id: string }> }): string[] => body.data.map((c) => c.id)

describe('GET /v1/conversations', () => {
  it('answers an empty list envelope when there is nothing', async () => {
    const { status, body, headers } = await list()
    expect(status).toBe(200)
    expect(body).toEqual({ object: 'list', data: [], first_id: '', last_id: '', has_more: false })
    expect(headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/)
  })

  it('lists conversation objects newest first, 20 by default, with has_more', async () => {
    const created = await seed(22)
    const { status, body } = await list()
    expect(status).toBe(200)
    const expected = [...created].reverse().slice(0, 20)
    expect(body).toEqual({
      object: 'list',
      data: expected.map((id, i) => ({ id, object: 'conversation', created_at: expect.any(Number), metadata: { n: String(21 - i) } })),
      first_id: expected[0],
      last_id: expected[19],
      has_more: true,
    })
  })

  it('walks every conversation with after, in both orders, has_more false on the last page', async () => {
    const created = await seed(7)
    for (const order of ['asc', 'desc'] as const) {
      const expected = order === 'asc' ? created : [...created].reverse()
      const seen: string[] = []
      let after = ''
      let pages = 0
      for (;;) {
        const { body } = await list(`?order=${order}&limit=3${after === '' ? '' : `&after=${after}`}`)
        seen.push(...ids(body))
        pages++
        if (!body.has_more) break
        after = body.last_id
      }
      expect({ order, seen, pages }).toEqual({ order, seen: expected, pages: 3 })
    }
  })

  it('before gives the page right before the cursor, in the same order', async () => {
    const created = await seed(6)
    const desc = [...created].reverse() // c5 c4 c3 c2 c1 c0
    expect(await list(`?before=${created[1]}&limit=2`).then((r) => r.body)).toEqual(expect.objectContaining({ data: [expect.objectContaining({ id: desc[2] }), expect.objectContaining({ id: desc[3] })], has_more: true }))
    expect(ids((await list(`?before=${created[1]}&limit=10`)).body)).toEqual(desc.slice(0, 4))
    expect((await list(`?before=${created[1]}&limit=10`)).body.has_more).toBe(false)
    expect(ids((await list(`?order=asc&before=${created[4]}&limit=2`)).body)).toEqual([created[2], created[3]])
    expect(ids((await list(`?order=asc&before=${created[0]}`)).body)).toEqual([])
    expect(ids((await list(`?order=asc&after=${created[5]}`)).body)).toEqual([])
  })

  it('after and before together bound a range', async () => {
    const created = await seed(6)
    expect(ids((await list(`?order=asc&after=${created[0]}&before=${created[4]}`)).body)).toEqual(created.slice(1, 4))
    const page = await list(`?order=desc&after=${created[5]}&before=${created[0]}&limit=2`)
    expect({ ids: ids(page.body), hasMore: page.body.has_more }).toEqual({ ids: [created[4], created[3]], hasMore: true })
  })

  it('never shows deleted conversations, and a deleted conversation still works as a cursor', async () => {
    const created = await seed(5)
    await call(app, { method: 'DELETE', url: `/v1/conversations/${created[2]}` })
    expect(ids((await list('?order=asc')).body)).toEqual([created[0], created[1], created[3], created[4]])
    expect(ids((await list(`?order=asc&after=${created[2]}`)).body)).toEqual([created[3], created[4]])
    expect(ids((await list(`?before=${created[2]}`)).body)).toEqual([created[4], created[3]])
  })

  it('filters by metadata, several pairs ANDed, keys of any characters', async () => {
    const a = await createConversation(app, { metadata: { project: 'x', 'user.id': 'u"1' } })
    const b = await createConversation(app, { metadata: { project: 'x', 'user.id': 'u2' } })
    await createConversation(app, { metadata: { project: 'y' } })
    await createConversation(app)
    expect(ids((await list('?order=asc&metadata[project]=x')).body)).toEqual([a.id, b.id])
    expect(ids((await list(`?metadata[project]=x&metadata[user.id]=${encodeURIComponent('u"1')}`)).body)).toEqual([a.id])
    expect(ids((await list('?metadata[project]=x&metadata[user.id]=nobody')).body)).toEqual([])
    expect(ids((await list('?metadata[missing]=')).body)).toEqual([])
    // A filtered page is still a keyset page: has_more and after follow the filtered sequence.
    const first = await list('?order=asc&limit=1&metadata[project]=x')
    expect({ ids: ids(first.body), hasMore: first.body.has_more }).toEqual({ ids: [a.id], hasMore: true })
    const second = await list(`?order=asc&limit=1&metadata[project]=x&after=${a.id}`)
    expect({ ids: ids(second.body), hasMore: second.body.has_more }).toEqual({ ids: [b.id], hasMore: false })
  })

  it('lists only the caller\'s conversations; another owner\'s id is no cursor', async () => {
    const mine = await seed(2, 'alice')
    const theirs = await seed(2, 'bob')
    expect(ids((await list('?order=asc', 'alice')).body)).toEqual(mine)
    expect(ids((await list('?order=asc', 'bob')).body)).toEqual(theirs)
    expect(ids((await list('', 'carol')).body)).toEqual([])
    const { status, body } = await list(`?after=${theirs[0]}`, 'alice')
    expect(status).toBe(400)
    expect(body).toEqual(errorBody(`Invalid 'after': no conversation with id '${theirs[0]}' was found.`, 'after', 'invalid_value'))
  })
})

describe('GET /v1/conversations errors', () => {
  it.each([
    ['?limit=0', errorBody('Invalid \'limit\': integer below minimum value. Expected a value >= 1, but got 0 instead.', 'limit', 'integer_below_min_value')],
    ['?limit=101', errorBody('Invalid \'limit\': integer above maximum value. Expected a value <= 100, but got 101 instead.', 'limit', 'integer_above_max_value')],
    ['?limit=ten', errorBody('Invalid type for \'limit\': expected an integer, but got a string instead.', 'limit', 'invalid_type')],
    ['?order=newest', errorBody('Invalid value: \'newest\'. Supported values are: \'asc\' and \'desc\'.', 'order', 'invalid_value')],
    ['?after=conv_nope', errorBody('Invalid \'after\': no conversation with id \'conv_nope\' was found.', 'after', 'invalid_value')],
    ['?before=conv_nope', errorBody('Invalid \'before\': no conversation with id \'conv_nope\' was found.', 'before', 'invalid_value')],
    ['?metadata=x', errorBody('Invalid type for \'metadata\': expected an object, but got a string instead.', 'metadata', 'invalid_type')],
    ['?metadata[k]=1&metadata[k]=2', errorBody('Invalid type for \'metadata.k\': expected a string, but got an array instead.', 'metadata.k', 'invalid_type')],
  ])('%s → 400', async (query, expected) => {
    const { status, body } = await list(query)
    expect(status).toBe(400)
    expect(body).toEqual(expected)
  })

  it('answers on the Azure surface too (its api-version query ignored)', async () => {
    const created = await createConversation(app, { items: [userMessage('azure kumquat')] })
    expect((await call(app, { method: 'GET', url: '/openai/v1/conversations?api-version=preview' })).body.data.map((c: { id: string }) => c.id)).toEqual([created.id])
    expect((await call(app, { method: 'GET', url: '/openai/v1/conversations/search?query=kumquat&api-version=preview' })).body.data[0].conversation_id).toBe(created.id)
    const forked = await call(app, { method: 'POST', url: `/openai/v1/conversations/${created.id}/fork?api-version=preview`, payload: {} })
    expect(forked.body.forked_from.conversation_id).toBe(created.id)
  })

  it('leaves the OpenAI routes on /v1/conversations as they were', async () => {
    const created = await createConversation(app, { metadata: { a: 'b' } })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${created.id}` })).body).toEqual(created)
    expect((await call(app, { method: 'GET', url: '/v1/conversations/conv_missing' })).body).toEqual(errorBody('Conversation with id \'conv_missing\' not found.', null, null))
  })
})
