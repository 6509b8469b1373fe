// The repository contract: any backend's repositories must pass this suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { parseSearchQuery } from '../../src/repositories/search-query.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

export type MakeRepositories = (options: { now: () => number }) => Promise<Repositories>

const message = (text: string, id?: string): NewItem => ({
  id,
  type: 'message',
  item: { type: 'message', status: 'completed', content: [{ type: 'input_text', text }], role: 'user' },
})

const ids = (items: Array<{ id: string }>): string[] => items.map((i) => i.id)

async function expectAppError (promise: Promise<unknown>, code: string, param: string | null = null): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(AppError)
  expect({ code: (error as AppError).code, param: (error as AppError).param }).toEqual({ code, param })
}

export function runRepositoryContract (name: string, make: MakeRepositories): void {
  describe(`repository contract: ${name}`, () => {
    let repos: Repositories
    let clock = 1_760_000_000_000
    beforeEach(async () => { repos = await make({ now: () => clock }) })
    afterEach(async () => { await repos.close() })

    it('creates a conversation with time-stamped id, metadata and initial items', async () => {
      const { conversation, items } = await repos.conversations.create('alice', { metadata: { a: 'b' }, items: [message('hi')] })
      expect(conversation).toEqual({ id: expect.stringMatching(/^conv_[0-9a-f]{48}$/), createdAt: 1_760_000_000, metadata: { a: 'b' } })
      expect(conversation.id.slice(5, 13)).toBe((1_760_000_000).toString(16))
      expect(items).toEqual([{ id: expect.stringMatching(/^msg_[0-9a-f]{48}$/), type: 'message', body: expect.any(String), full: null }])
      expect(JSON.parse(items[0]!.body)).toEqual({ id: items[0]!.id, ...message('hi').item })
      expect(await repos.conversations.get('alice', conversation.id)).toEqual(conversation)
    })

    it('scopes every read and write to the owner', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      const [item] = await repos.items.append('alice', conversation.id, [message('secret')])
      await expectAppError(repos.conversations.get('bob', conversation.id), 'not_found')
      await expectAppError(repos.conversations.updateMetadata('bob', conversation.id, { x: 'y' }), 'not_found')
      await expectAppError(repos.conversations.delete('bob', conversation.id), 'not_found')
      await expectAppError(repos.items.append('bob', conversation.id, [message('x')]), 'not_found')
      await expectAppError(repos.items.list('bob', conversation.id, { limit: 20, order: 'asc' }), 'not_found')
      await expectAppError(repos.items.get('bob', conversation.id, item!.id), 'not_found')
      await expectAppError(repos.items.delete('bob', conversation.id, item!.id), 'not_found')
      expect(ids((await repos.items.list('alice', conversation.id, { limit: 20, order: 'asc' })).data)).toEqual([item!.id])
      expect(await repos.conversations.get('alice', conversation.id)).toEqual(conversation)
    })

    it('replaces metadata and validates it', async () => {
      const { conversation } = await repos.conversations.create('alice', { metadata: { a: '1', b: '2' } })
      expect(await repos.conversations.updateMetadata('alice', conversation.id, { c: '3' })).toEqual({ ...conversation, metadata: { c: '3' } })
      await expectAppError(repos.conversations.updateMetadata('alice', conversation.id, { k: 'v'.repeat(513) }), 'string_above_max_length', 'metadata.k')
      await expectAppError(repos.conversations.create('alice', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }), 'object_above_max_properties', 'metadata')
    })

    it('soft-deletes a conversation: gone for every method, never twice', async () => {
      const { conversation } = await repos.conversations.create('alice', { items: [message('a')] })
      await repos.conversations.delete('alice', conversation.id)
      await expectAppError(repos.conversations.get('alice', conversation.id), 'not_found')
      await expectAppError(repos.conversations.delete('alice', conversation.id), 'not_found')
      await expectAppError(repos.items.list('alice', conversation.id, { limit: 20, order: 'asc' }), 'not_found')
    })

    it('appends in order and pages by keyset in both orders', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      const stored = await repos.items.append('alice', conversation.id, Array.from({ length: 5 }, (_, i) => message(`m${i}`)))
      const all = ids(stored)
      const asc = await repos.items.list('alice', conversation.id, { limit: 2, order: 'asc' })
      expect({ ids: ids(asc.data), hasMore: asc.hasMore }).toEqual({ ids: all.slice(0, 2), hasMore: true })
      const next = await repos.items.list('alice', conversation.id, { limit: 3, order: 'asc', after: all[1] })
      expect({ ids: ids(next.data), hasMore: next.hasMore }).toEqual({ ids: all.slice(2), hasMore: false })
      const desc = await repos.items.list('alice', conversation.id, { limit: 10, order: 'desc', after: all[3] })
      expect(ids(desc.data)).toEqual([all[2], all[1], all[0]])
    })

    it('keeps deleted items as cursors, erases them otherwise, and never reuses their ids', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      const all = ids(await repos.items.append('alice', conversation.id, [message('a', 'msg_a'), message('b', 'msg_b'), message('c', 'msg_c')]))
      expect(await repos.items.delete('alice', conversation.id, 'msg_b')).toEqual(await repos.conversations.get('alice', conversation.id))
      await expectAppError(repos.items.get('alice', conversation.id, 'msg_b'), 'not_found')
      await expectAppError(repos.items.delete('alice', conversation.id, 'msg_b'), 'not_found')
      expect(ids((await repos.items.list('alice', conversation.id, { limit: 10, order: 'asc', after: 'msg_b' })).data)).toEqual(['msg_c'])
      expect(ids((await repos.items.list('alice', conversation.id, { limit: 10, order: 'asc' })).data)).toEqual([all[0], all[2]])
      await expectAppError(repos.items.append('alice', conversation.id, [message('again', 'msg_b')]), 'duplicate_item', 'items')
    })

    it('rejects duplicates atomically: nothing of the batch is written', async () => {
      const { conversation } = await repos.conversations.create('alice', { items: [message('a', 'msg_a')] })
      await expectAppError(repos.items.append('alice', conversation.id, [message('x', 'msg_x'), message('a2', 'msg_a')]), 'duplicate_item', 'items')
      await expectAppError(repos.items.append('alice', conversation.id, [message('y', 'msg_y'), message('y2', 'msg_y')]), 'duplicate_item', 'items')
      expect(ids((await repos.items.list('alice', conversation.id, { limit: 10, order: 'asc' })).data)).toEqual(['msg_a'])
      await repos.items.append('alice', conversation.id, [message('x', 'msg_x')])
    })

    it('rejects an after cursor that never was in the conversation', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      await expectAppError(repos.items.list('alice', conversation.id, { limit: 10, order: 'asc', after: 'msg_never' }), 'invalid_value', 'after')
    })

    it('keeps include-gated content in the full form only', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      const [stored] = await repos.items.append('alice', conversation.id, [{ id: 'rs_1', type: 'reasoning', item: { type: 'reasoning', summary: [], encrypted_content: 'enc' } }])
      expect(JSON.parse(stored!.body)).toEqual({ id: 'rs_1', type: 'reasoning', summary: [] })
      expect(JSON.parse(stored!.full!)).toEqual({ id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'enc' })
      expect(await repos.items.get('alice', conversation.id, 'rs_1')).toEqual(stored)
    })

    it('stamps ids with the clock', async () => {
      clock = 1_800_000_000_000
      const { conversation } = await repos.conversations.create('alice', {})
      expect(conversation.createdAt).toBe(1_800_000_000)
    })

    it('lists an owner\'s live conversations by creation, with cursors and metadata filters', async () => {
      const a = (await repos.conversations.create('alice', { metadata: { k: '1' } })).conversation
      const b = (await repos.conversations.create('alice', { metadata: { k: '2' } })).conversation
      const c = (await repos.conversations.create('alice', { metadata: { k: '1' } })).conversation
      await repos.conversations.create('bob', {})
      await repos.conversations.delete('alice', b.id)
      expect(await repos.conversations.list('alice', { limit: 10, order: 'desc' })).toEqual({ data: [c, a], hasMore: false })
      expect(ids((await repos.conversations.list('alice', { limit: 10, order: 'asc', after: b.id })).data)).toEqual([c.id])
      expect(ids((await repos.conversations.list('alice', { limit: 10, order: 'asc', before: b.id })).data)).toEqual([a.id])
      expect(await repos.conversations.list('alice', { limit: 1, order: 'asc', metadata: { k: '1' } })).toEqual({ data: [a], hasMore: true })
      await expectAppError(repos.conversations.list('bob', { limit: 10, order: 'asc', after: a.id }), 'invalid_value', 'after')
    })

    it('forks up to an inclusive point with new ids, scoped to the owner', async () => {
      const { conversation, items } = await repos.conversations.create('alice', { metadata: { m: 'x' }, items: [message('a', 'msg_a'), message('b', 'msg_b'), message('c', 'msg_c')] })
      const forked = await repos.conversations.fork('alice', conversation.id, { itemId: 'msg_b' })
      expect(forked).toEqual({ conversation: { id: expect.stringMatching(/^conv_[0-9a-f]{48}$/), createdAt: Math.floor(clock / 1000), metadata: { m: 'x' } }, forkedFrom: { conversationId: conversation.id, itemId: 'msg_b' } })
      const copied = (await repos.items.list('alice', forked.conversation.id, { limit: 10, order: 'asc' })).data
      expect(copied.map((item) => JSON.parse(item.json).content)).toEqual(items.slice(0, 2).map((item) => JSON.parse(item.body).content))
      expect(ids(copied).some((id) => id.startsWith('msg_') && ['msg_a', 'msg_b'].includes(id))).toBe(false)
      await expectAppError(repos.conversations.fork('bob', conversation.id, {}), 'not_found')
      await expectAppError(repos.conversations.fork('alice', conversation.id, { itemId: 'msg_z' }), 'invalid_value', 'item_id')
    })

    it('searches the owner\'s live items only', async () => {
      const { conversation } = await repos.conversations.create('alice', { items: [message('papaya split', 'msg_1'), message('papaya jam', 'msg_2')] })
      await repos.conversations.create('bob', { items: [message('papaya bob', 'msg_3')] })
      await repos.items.delete('alice', conversation.id, 'msg_2')
      const page = await repos.search.search('alice', { terms: parseSearchQuery('papaya'), limit: 10 })
      expect(page).toEqual({ data: [{ cursor: expect.any(String), conversationId: conversation.id, itemId: 'msg_1', itemType: 'message', snippet: '<mark>papaya</mark> split', rank: expect.any(Number) }], hasMore: false })
      await expectAppError(repos.search.search('alice', { terms: parseSearchQuery('papaya'), limit: 10, after: 'not-a-cursor' }), 'invalid_value', 'after')
    })

    it('answers ping', async () => {
      await expect(repos.ping()).resolves.toBeUndefined()
    })
  })
}
