// The lifecycle repository contract, through the interface only: any backend offering
// `repos.lifecycle` must pass this suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import type { LifecycleRepository } from '../../src/repositories/lifecycle.js'
import type { NewItem, RenderedItem, Repositories, StoredItem } from '../../src/repositories/types.js'
import type { MakeRepositories } from './contract.js'

const message = (text: string, id?: string): NewItem => ({
  id,
  type: 'message',
  item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] },
})

/** A stored item as a page without `include` lists it. */
const listed = (item: StoredItem): RenderedItem => ({ id: item.id, json: item.body })
const withId = (text: string, id: string): NewItem & { id: string } => ({ ...message(text, id), id })

async function errorCode (promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  return error instanceof AppError ? error.code : undefined
}

export function runLifecycleContract (name: string, make: MakeRepositories): void {
  describe(`lifecycle repository contract: ${name}`, () => {
    let repos: Repositories
    let lifecycle: LifecycleRepository
    let clock = 1_760_000_000_000
    beforeEach(async () => {
      clock = 1_760_000_000_000
      repos = await make({ now: () => clock })
      lifecycle = repos.lifecycle!
    })
    afterEach(async () => { await repos.close() })

    it('expires live conversations whose last write is at or before the cutoff, at most `limit` per call', async () => {
      const a = await repos.conversations.create('o', {})
      clock += 1000
      const b = await repos.conversations.create('o', {})
      clock += 1000
      const c = await repos.conversations.create('o', {})
      expect(await lifecycle.expireConversations(clock - 1001, 10)).toBe(1)
      expect(await lifecycle.expireConversations(clock - 1, 1)).toBe(1)
      expect(await lifecycle.expireConversations(clock - 1, 1)).toBe(0)
      expect(await errorCode(repos.conversations.get('o', a.conversation.id))).toBe('not_found')
      expect(await errorCode(repos.conversations.get('o', b.conversation.id))).toBe('not_found')
      expect(await repos.conversations.get('o', c.conversation.id)).toEqual(c.conversation)
    })

    it('purges deleted conversations with their items in bounded batches; the id is then free', async () => {
      const doomed = await repos.conversations.create('o', { items: [message('1'), message('2'), message('3')] })
      const kept = await repos.conversations.create('o', { items: [message('k')] })
      await repos.conversations.delete('o', doomed.conversation.id)
      const deletedAt = clock
      clock += 5000
      expect(await lifecycle.purgeConversations(deletedAt - 1, 10)).toEqual({ conversations: 0, items: 0 })
      expect(await lifecycle.purgeConversations(deletedAt, 2)).toEqual({ conversations: 0, items: 2 })
      expect(await lifecycle.purgeConversations(deletedAt, 2)).toEqual({ conversations: 1, items: 1 })
      expect(await lifecycle.purgeConversations(deletedAt, 2)).toEqual({ conversations: 0, items: 0 })
      expect((await repos.items.list('o', kept.conversation.id, { limit: 10, order: 'asc' })).data).toEqual(kept.items.map(listed))
      const reused = await lifecycle.importConversation({ id: doomed.conversation.id, owner: 'other', createdAt: 1, updatedAt: clock, metadata: {}, items: [] })
      expect(reused).toEqual({ status: 'created', itemsAdded: 0 })
    })

    it('purges item tombstones; a purged tombstone no longer serves as a cursor', async () => {
      const { conversation, items } = await repos.conversations.create('o', { items: [message('1'), message('2'), message('3')] })
      await repos.items.delete('o', conversation.id, items[1]!.id)
      const list = async (): Promise<unknown> => repos.items.list('o', conversation.id, { limit: 10, order: 'asc', after: items[1]!.id })
      expect(await lifecycle.purgeDeletedItems(clock - 1, 10)).toBe(0)
      expect(await list()).toEqual({ data: [listed(items[2]!)], hasMore: false })
      expect(await lifecycle.purgeDeletedItems(clock, 10)).toBe(1)
      expect(await errorCode(list())).toBe('invalid_value')
      expect((await repos.items.list('o', conversation.id, { limit: 10, order: 'asc' })).data).toEqual([items[0]!, items[2]!].map(listed))
    })

    it('lists live conversations in creation order by keyset, with owner and time filters', async () => {
      const made = []
      for (const owner of ['a', 'b', 'a', 'a']) {
        made.push((await repos.conversations.create(owner, { metadata: { owner } })).conversation)
        clock += 1000
      }
      await repos.conversations.delete('a', made[2]!.id)
      expect(await lifecycle.countConversations({})).toBe(3)
      expect(await lifecycle.countConversations({ owner: 'a' })).toBe(2)
      const first = await lifecycle.listConversations({}, undefined, 2)
      expect(first.map((c) => [c.id, c.owner, c.createdAt, c.updatedAt, c.metadata])).toEqual([
        [made[0]!.id, 'a', 1_760_000_000, 1_760_000_000_000, { owner: 'a' }],
        [made[1]!.id, 'b', 1_760_000_001, 1_760_000_001_000, { owner: 'b' }],
      ])
      expect((await lifecycle.listConversations({}, first[1]!.cursor, 2)).map((c) => c.id)).toEqual([made[3]!.id])
      expect((await lifecycle.listConversations({ owner: 'a', createdFrom: 1_760_000_001 }, undefined, 10)).map((c) => c.id)).toEqual([made[3]!.id])
      expect((await lifecycle.listConversations({ createdBefore: 1_760_000_001 }, undefined, 10)).map((c) => c.id)).toEqual([made[0]!.id])
    })

    it('lists live items in order by chunks, in their complete stored form', async () => {
      const gated = { id: 'rs_1', type: 'reasoning', item: { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'secret' } }
      const { conversation, items } = await repos.conversations.create('o', { items: [message('1'), gated, message('3'), message('4')] })
      await repos.items.delete('o', conversation.id, items[2]!.id)
      const first = await lifecycle.listItems(conversation.id, -1, 2)
      expect(first.map((i) => JSON.parse(i.json))).toEqual([JSON.parse(items[0]!.body), { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'secret' }])
      const rest = await lifecycle.listItems(conversation.id, first[1]!.position, 2)
      expect(rest.map((i) => JSON.parse(i.json).id)).toEqual([items[3]!.id])
      await repos.conversations.delete('o', conversation.id)
      expect(await lifecycle.listItems(conversation.id, -1, 10)).toEqual([])
      expect(await lifecycle.listItems('conv_missing', -1, 10)).toEqual([])
    })

    it('imports idempotently: created, unchanged, merged; conflicts write nothing', async () => {
      const input = { id: 'conv_imported', owner: 'o', createdAt: 1_700_000_000, updatedAt: 1_700_000_000_000, metadata: { k: 'v' }, items: [withId('a', 'msg_a')] }
      expect(await lifecycle.importConversation(input)).toEqual({ status: 'created', itemsAdded: 1 })
      expect(await repos.conversations.get('o', 'conv_imported')).toEqual({ id: 'conv_imported', createdAt: 1_700_000_000, metadata: { k: 'v' } })
      expect(await lifecycle.importConversation(input)).toEqual({ status: 'unchanged', itemsAdded: 0 })
      expect(await lifecycle.importConversation({ ...input, metadata: { other: 'x' }, items: [withId('a', 'msg_a'), withId('b', 'msg_b')] })).toEqual({ status: 'merged', itemsAdded: 1 })
      expect((await repos.items.list('o', 'conv_imported', { limit: 10, order: 'asc' })).data.map((i) => i.id)).toEqual(['msg_a', 'msg_b'])
      expect((await repos.conversations.get('o', 'conv_imported')).metadata).toEqual({ k: 'v' })
      expect(await lifecycle.importConversation({ ...input, owner: 'intruder', items: [withId('c', 'msg_c')] })).toEqual({ status: 'conflict', reason: "conversation 'conv_imported' already exists for another owner" })
      await repos.items.delete('o', 'conv_imported', 'msg_b')
      expect(await lifecycle.importConversation({ ...input, items: [withId('b', 'msg_b')] })).toEqual({ status: 'unchanged', itemsAdded: 0 })
      await repos.conversations.delete('o', 'conv_imported')
      expect(await lifecycle.importConversation(input)).toEqual({ status: 'conflict', reason: "conversation 'conv_imported' exists and was deleted" })
    })
  })
}
