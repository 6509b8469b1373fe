// The extensions through the official SDK's generic helpers, as the README shows them.
import OpenAI from 'openai'
import type { Conversation } from 'openai/resources/conversations/conversations'
import { CursorPage } from 'openai/core/pagination'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ID } from '../helpers/app.js'
import { apiKeysAuth } from '../helpers/auth.js'
import { startServer, type ListeningServer } from '../helpers/server.js'

interface ConversationList { object: 'list', data: Conversation[], first_id: string, last_id: string, has_more: boolean }
interface SearchResult { id: string, object: 'conversation.search_result', conversation_id: string, item_id: string, item_type: string, snippet: string, rank: number }
type ForkedConversation = Conversation & { forked_from: { conversation_id: string, item_id: string | null } }

let server: ListeningServer
let client: OpenAI
beforeAll(async () => {
  server = await startServer()
  client = server.client()
})
afterAll(async () => { await server.close() })

describe('extensions through the openai SDK', () => {
  it('lists conversations with client.get and auto-paginates with client.getAPIList', async () => {
    const created: string[] = []
    for (let i = 0; i < 25; i++) created.push((await client.conversations.create({ metadata: { batch: i % 2 === 0 ? 'even' : 'odd' } })).id)
    const page = await client.get<ConversationList>('/conversations', { query: { limit: 3, order: 'asc', metadata: { batch: 'odd' } } })
    expect(page).toEqual({
      object: 'list',
      data: [1, 3, 5].map((i) => ({ id: created[i], object: 'conversation', created_at: expect.any(Number), metadata: { batch: 'odd' } })),
      first_id: created[1],
      last_id: created[5],
      has_more: true,
    })
    const seen: string[] = []
    for await (const conversation of client.getAPIList<Conversation, CursorPage<Conversation>>('/conversations', CursorPage<Conversation>, { query: { limit: 4 } })) seen.push(conversation.id)
    expect(seen).toEqual([...created].reverse())
    const error = await client.get('/conversations', { query: { limit: 1000 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect({ param: (error as InstanceType<typeof OpenAI.BadRequestError>).param, code: (error as InstanceType<typeof OpenAI.BadRequestError>).code }).toEqual({ param: 'limit', code: 'integer_above_max_value' })
  })

  it('searches with client.get and pages the results with client.getAPIList', async () => {
    const conversation = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'Where is the lighthouse?' }] })
    await client.conversations.items.create(conversation.id, {
      items: Array.from({ length: 6 }, (_, i) => ({ type: 'message' as const, role: 'assistant' as const, content: `The lighthouse is on cape ${i}.` })),
    })
    const first = await client.get<{ data: SearchResult[], has_more: boolean }>('/conversations/search', { query: { query: 'lighthouse cape', limit: 2 } })
    expect(first.data[0]).toEqual({
      id: expect.any(String),
      object: 'conversation.search_result',
      conversation_id: conversation.id,
      item_id: ID.message,
      item_type: 'message',
      snippet: expect.stringMatching(/^The <mark>lighthouse<\/mark> is on <mark>cape<\/mark> \d\.$/),
      rank: expect.any(Number),
    })
    expect(first.has_more).toBe(true)
    const all: SearchResult[] = []
    for await (const hit of client.getAPIList<SearchResult, CursorPage<SearchResult>>('/conversations/search', CursorPage<SearchResult>, { query: { query: 'lighthouse', limit: 2 } })) all.push(hit)
    expect(all).toHaveLength(7)
    expect(new Set(all.map((hit) => hit.item_id)).size).toBe(7)
  })

  it('forks with client.post; the fork is a conversation for every SDK method', async () => {
    const source = await client.conversations.create({
      metadata: { topic: 'fork' },
      items: [
        { type: 'message', role: 'user', content: 'one' },
        { type: 'message', role: 'user', content: 'two' },
        { type: 'message', role: 'user', content: 'three' },
      ],
    })
    const items = await client.conversations.items.list(source.id, { order: 'asc' })
    const forked = await client.post<ForkedConversation>(`/conversations/${source.id}/fork`, { body: { item_id: items.data[1]!.id } })
    expect(forked).toEqual({ id: ID.conversation, object: 'conversation', created_at: expect.any(Number), metadata: { topic: 'fork' }, forked_from: { conversation_id: source.id, item_id: items.data[1]!.id } })
    const { forked_from: _origin, ...plain } = forked
    expect(await client.conversations.retrieve(forked.id)).toEqual(plain)
    const copied: string[] = []
    for await (const item of client.conversations.items.list(forked.id, { order: 'asc' })) copied.push(item.type === 'message' && item.content[0]?.type === 'input_text' ? item.content[0].text : '')
    expect(copied).toEqual(['one', 'two'])
    const error = await client.post(`/conversations/${source.id}/fork`, { body: { item_id: 'msg_nope' } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('item_id')
    await expect(client.post('/conversations/conv_nope/fork', { body: {} })).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })
})

describe('extensions with API keys: each key sees only its own tenant', () => {
  const keyA = 'sk-tenant-a-ext-0123456789abcdef'
  const keyB = 'sk-tenant-b-ext-0123456789abcdef'
  let secured: ListeningServer
  beforeAll(async () => { secured = await startServer({ auth: apiKeysAuth([{ key: keyA, tenant: 'a' }, { key: keyB, tenant: 'b' }]) }) })
  afterAll(async () => { await secured.close() })

  it('lists, searches and forks within the tenant only', async () => {
    const a = secured.client({ apiKey: keyA })
    const b = secured.client({ apiKey: keyB })
    const mine = await a.conversations.create({ items: [{ type: 'message', role: 'user', content: 'the private pineapple' }] })
    const theirs = await b.conversations.create({ items: [{ type: 'message', role: 'user', content: 'the public pineapple' }] })
    expect((await a.get<ConversationList>('/conversations')).data.map((c) => c.id)).toEqual([mine.id])
    expect((await b.get<ConversationList>('/conversations')).data.map((c) => c.id)).toEqual([theirs.id])
    const hits = await b.get<{ data: SearchResult[] }>('/conversations/search', { query: { query: 'pineapple' } })
    expect(hits.data.map((hit) => [hit.conversation_id, hit.snippet])).toEqual([[theirs.id, 'the public <mark>pineapple</mark>']])
    const error = await b.post(`/conversations/${mine.id}/fork`, { body: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as Error).message).toBe(`404 Conversation with id '${mine.id}' not found.`)
    await expect(secured.client({ apiKey: 'sk-wrong' }).get('/conversations')).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
  })
})
