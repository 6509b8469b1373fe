import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addItems, buildTestApp, call, createConversation, errorBody, userMessage } from '../helpers/app.js'
import { ownerFromTestHeader } from '../helpers/owners.js'

let app: FastifyInstance
beforeEach(async () => {
  app = await buildTestApp()
  ownerFromTestHeader(app)
})
afterEach(async () => { await app.close() })

const search = async (query: string, extra = '', owner?: string) =>
  call(app, {
    method: 'GET',
    url: `/v1/conversations/search?query=${encodeURIComponent(query)}${extra}`,
    ...(owner === undefined ? {} : { headers: { 'x-test-owner': owner } }),
  })

const hitIds = async (query: string, extra = '', owner?: string): Promise<string[]> =>
  (await search(query, extra, owner)).body.data.map((hit: { item_id: string }) => hit.item_id)

describe('GET /v1/conversations/search', () => {
  it('answers OpenAI-style list of results with conversation, item, snippet and rank', async () => {
    const conversation = await createConversation(app, { items: [userMessage('What is the weather in Paris & Lyon <today>?')] })
    const [item] = (await addItems(app, conversation.id, [{ role: 'assistant', content: 'Sunny in Lyon.' }])).data
    const { status, body } = await search('weather')
    expect(status).toBe(200)
    const { body: items } = await call(app, { method: 'GET', url: `/v1/conversations/${conversation.id}/items?order=asc` })
    expect(body).toEqual({
      object: 'list',
      data: [{
        id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        object: 'conversation.search_result',
        conversation_id: conversation.id,
        item_id: items.data[0].id,
        item_type: 'message',
        snippet: 'What is the <mark>weather</mark> in Paris &amp; Lyon &lt;today&gt;?',
        rank: expect.any(Number),
      }],
      first_id: body.data[0].id,
      last_id: body.data[0].id,
      has_more: false,
    })
    expect(body.data[0].rank).toBeGreaterThan(0)
    expect(await hitIds('lyon')).toHaveLength(2)
    expect(await hitIds('sunny')).toEqual([item.id])
  })

  it('searches message text, refusals, function arguments and outputs, reasoning summaries, tool inputs', async () => {
    const conversation = await createConversation(app)
    const items = (await addItems(app, conversation.id, [
      { role: 'user', content: [{ type: 'input_text', text: 'alpha words' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'bravo refused' }] },
      { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"city":"charlie"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'delta result' },
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'echo thought' }] },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'shell', input: 'foxtrot command' },
    ])).data.map((item: { id: string }) => item.id)
    for (const [index, word] of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'].entries()) {
      expect({ word, hits: await hitIds(word) }).toEqual({ word, hits: [items[index]] })
    }
  })

  it('never finds include-gated content', async () => {
    const conversation = await createConversation(app)
    await addItems(app, conversation.id, [
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'visible' }], encrypted_content: 'hiddenreasoning' },
      { id: 'fs_1', type: 'file_search_call', status: 'completed', queries: ['visible'], results: [{ file_id: 'file_1', text: 'hiddenresult', filename: 'a.txt', score: 0.5 }] },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'visible', annotations: [], logprobs: [{ token: 'hiddentoken', logprob: -0.1, bytes: [104], top_logprobs: [] }] }],
      },
    ])
    expect(await hitIds('hiddenreasoning')).toEqual([])
    expect(await hitIds('hiddenresult')).toEqual([])
    expect(await hitIds('hiddentoken')).toEqual([])
    const visible = await hitIds('visible')
    expect({ count: visible.length, reasoning: visible.includes('rs_1'), fileSearch: visible.includes('fs_1') }).toEqual({ count: 2, reasoning: true, fileSearch: false })
  })

  it('requires every word, matches phrases in order and prefixes with *, ranks better matches first', async () => {
    const conversation = await createConversation(app)
    const [a, b, c] = (await addItems(app, conversation.id, [
      userMessage('the quick brown fox'),
      userMessage('brown bread, quick service, quick quick quick'),
      userMessage('a quickly written note'),
    ])).data.map((item: { id: string }) => item.id)
    expect(await hitIds('quick brown')).toEqual(expect.arrayContaining([a, b]))
    expect(await hitIds('quick brown')).toHaveLength(2)
    expect(await hitIds('"quick brown"')).toEqual([a])
    expect(await hitIds('"brown quick"')).toEqual([])
    expect((await hitIds('quickl*'))).toEqual([c])
    // porter stemming: "notes" finds "note"
    expect(await hitIds('notes')).toEqual([c])
    const ranked = (await search('quick')).body.data
    expect(ranked[0].item_id).toBe(b)
    expect(ranked.map((hit: { rank: number }) => hit.rank)).toEqual([...ranked.map((hit: { rank: number }) => hit.rank)].sort((x, y) => y - x))
  })

  it('pages with after = last_id, every result exactly once, in rank order', async () => {
    const conversation = await createConversation(app)
    for (let batch = 0; batch < 3; batch++) {
      await addItems(app, conversation.id, Array.from({ length: 9 }, (_, i) => userMessage(`needle ${'needle '.repeat((batch * 9 + i) % 4)}hay ${batch}-${i}`)))
    }
    const all = (await search('needle', '&limit=100')).body
    expect(all.data).toHaveLength(27)
    const walked: string[] = []
    let after = ''
    let pages = 0
    for (;;) {
      const { body } = await search('needle', `&limit=4${after === '' ? '' : `&after=${after}`}`)
      walked.push(...body.data.map((hit: { item_id: string }) => hit.item_id))
      pages++
      if (!body.has_more) break
      after = body.last_id
    }
    expect({ pages, walked }).toEqual({ pages: 7, walked: all.data.map((hit: { item_id: string }) => hit.item_id) })
    expect(new Set(walked).size).toBe(27)
  })

  it('stays in sync with item deletes, conversation deletes and forks', async () => {
    const one = await createConversation(app, { items: [userMessage('kiwi one'), userMessage('kiwi two')] })
    const two = await createConversation(app, { items: [userMessage('kiwi three')] })
    const oneItems = (await call(app, { method: 'GET', url: `/v1/conversations/${one.id}/items?order=asc` })).body.data
    expect(await hitIds('kiwi')).toHaveLength(3)
    await call(app, { method: 'DELETE', url: `/v1/conversations/${one.id}/items/${oneItems[0].id}` })
    expect(await hitIds('kiwi')).toEqual(expect.arrayContaining([oneItems[1].id]))
    expect(await hitIds('one')).toEqual([])
    expect(await hitIds('kiwi')).toHaveLength(2)
    const fork = (await call(app, { method: 'POST', url: `/v1/conversations/${one.id}/fork`, payload: {} })).body
    const forkHits = (await search('two')).body.data.map((hit: { conversation_id: string }) => hit.conversation_id)
    expect(forkHits).toEqual(expect.arrayContaining([one.id, fork.id]))
    await call(app, { method: 'DELETE', url: `/v1/conversations/${one.id}` })
    expect((await search('kiwi')).body.data.map((hit: { conversation_id: string }) => hit.conversation_id).sort()).toEqual([fork.id, two.id].sort())
  })

  it('finds only the caller\'s items', async () => {
    await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'x-test-owner': 'alice' }, payload: { items: [userMessage('mango alice')] } })
    await call(app, { method: 'POST', url: '/v1/conversations', headers: { 'x-test-owner': 'bob' }, payload: { items: [userMessage('mango bob')] } })
    expect((await search('mango', '', 'alice')).body.data.map((hit: { snippet: string }) => hit.snippet)).toEqual(['<mark>mango</mark> alice'])
    expect((await search('mango', '', 'bob')).body.data.map((hit: { snippet: string }) => hit.snippet)).toEqual(['<mark>mango</mark> bob'])
    expect(await hitIds('mango', '', 'carol')).toEqual([])
  })

  it('takes precedence over GET /v1/conversations/:conversation_id only for the literal path', async () => {
    const conversation = await createConversation(app)
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${conversation.id}` })).body).toEqual(conversation)
    expect((await call(app, { method: 'GET', url: '/v1/conversations/search?query=x' })).body.object).toBe('list')
  })
})

describe('GET /v1/conversations/search errors', () => {
  it.each([
    ['', errorBody('Missing required parameter: \'query\'.', 'query', 'missing_required_parameter')],
    ['?query=', errorBody('Invalid \'query\': string too short. Expected a string with minimum length 1, but got an empty string instead.', 'query', 'string_below_min_length')],
    [`?query=${'a'.repeat(513)}`, errorBody('Invalid \'query\': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.', 'query', 'string_above_max_length')],
    ['?query=%22%22%20***%20!', errorBody('Invalid \'query\': expected at least one word to search for.', 'query', 'invalid_value')],
    ['?query=x&limit=101', errorBody('Invalid \'limit\': integer above maximum value. Expected a value <= 100, but got 101 instead.', 'limit', 'integer_above_max_value')],
    ['?query=x&after=bogus', errorBody('Invalid \'after\': \'bogus\' is not a cursor returned by this search.', 'after', 'invalid_value')],
  ])('%s → 400', async (query, expected) => {
    const { status, body } = await call(app, { method: 'GET', url: `/v1/conversations/search${query}` })
    expect(status).toBe(400)
    expect(body).toEqual(expected)
  })

  it('treats FTS5 syntax in the query as text: never a 500', async () => {
    await createConversation(app, { items: [userMessage('AND OR NOT near "quoted" text: col^umn (paren) -minus +plus {brace} star*')] })
    for (const query of ['"foo', 'AND', 'OR NOT', 'NEAR(a b)', 'text:quoted', '^col', '(paren', '-minus', '{brace}', 'star*', '*', '"quoted" AND']) {
      const { status } = await search(query)
      expect({ query, status }).toEqual({ query, status: expect.toBeOneOf([200, 400]) })
    }
    expect(await hitIds('AND')).toHaveLength(1)
    expect(await hitIds('"quoted')).toHaveLength(1)
    await fc.assert(fc.asyncProperty(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '*', '(', ')', ':', '^', '-', '+', '{', '}', 'AND', 'OR', 'NOT', 'NEAR', ',', '\'', '\\', 'é', '\u0000'), maxLength: 20 }),
      async (query) => {
        const { status } = await search(query)
        return status === 200 || status === 400
      },
    ), { numRuns: 150 })
  })
})
