// The idempotency store contract: any backend's IdempotencyRepository must pass this suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

const message = (text: string): NewItem => ({
  type: 'message',
  item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] },
})

const answered = (status: number, body: string) => ({ requestHash: 'h', status, body, erased: false })
const erasedAnswer = (status: number | null) => ({ requestHash: 'h', status, body: null, erased: true })

export type MakeRepositoriesWithClock = (options: { now: () => number }) => Promise<Repositories>

export function runIdempotencyContract (name: string, make: MakeRepositoriesWithClock): void {
  describe(`idempotency repository contract: ${name}`, () => {
    let repos: Repositories
    let clock = 1_760_000_000_000
    const ttl = 60_000
    beforeEach(async () => {
      clock = 1_760_000_000_000
      repos = await make({ now: () => clock })
    })
    afterEach(async () => { await repos.close() })

    it('claims a new key once; a second claim sees the in-progress record', async () => {
      expect(await repos.idempotency.claim('alice', 'k1', 'h1', ttl)).toEqual({ claimed: true })
      expect(await repos.idempotency.claim('alice', 'k1', 'h1', ttl)).toEqual({ claimed: false, record: { requestHash: 'h1', status: null, body: null, erased: false } })
      expect(await repos.idempotency.claim('alice', 'k1', 'other', ttl)).toEqual({ claimed: false, record: { requestHash: 'h1', status: null, body: null, erased: false } })
    })

    it('stores the answer of a claimed key and returns it to later claims', async () => {
      await repos.idempotency.claim('alice', 'k1', 'h1', ttl)
      await repos.idempotency.complete('alice', 'k1', 200, '{"ok":true}')
      expect(await repos.idempotency.claim('alice', 'k1', 'h1', ttl)).toEqual({ claimed: false, record: { requestHash: 'h1', status: 200, body: '{"ok":true}', erased: false } })
      expect(await repos.idempotency.find('alice', 'k1')).toEqual({ requestHash: 'h1', status: 200, body: '{"ok":true}', erased: false })
    })

    it('scopes keys by owner', async () => {
      await repos.idempotency.claim('alice', 'k1', 'h1', ttl)
      expect(await repos.idempotency.claim('bob', 'k1', 'h2', ttl)).toEqual({ claimed: true })
      expect(await repos.idempotency.find('carol', 'k1')).toBeUndefined()
    })

    it('release frees an in-progress key but never a completed one', async () => {
      await repos.idempotency.claim('alice', 'k1', 'h1', ttl)
      await repos.idempotency.release('alice', 'k1')
      expect(await repos.idempotency.find('alice', 'k1')).toBeUndefined()
      expect(await repos.idempotency.claim('alice', 'k1', 'h2', ttl)).toEqual({ claimed: true })
      await repos.idempotency.complete('alice', 'k1', 404, '{}')
      await repos.idempotency.release('alice', 'k1')
      expect(await repos.idempotency.find('alice', 'k1')).toEqual({ requestHash: 'h2', status: 404, body: '{}', erased: false })
    })

    it('complete does not overwrite an answer already stored', async () => {
      await repos.idempotency.claim('alice', 'k1', 'h1', ttl)
      await repos.idempotency.complete('alice', 'k1', 200, 'first')
      await repos.idempotency.complete('alice', 'k1', 400, 'second')
      expect(await repos.idempotency.find('alice', 'k1')).toEqual({ requestHash: 'h1', status: 200, body: 'first', erased: false })
    })

    it('forgets records after their time to live, lets the key be claimed again, and purges them', async () => {
      await repos.idempotency.claim('alice', 'old', 'h1', ttl)
      await repos.idempotency.complete('alice', 'old', 200, 'x')
      clock += 30_000
      await repos.idempotency.claim('alice', 'young', 'h1', ttl)
      clock += 30_000
      expect(await repos.idempotency.find('alice', 'old')).toBeUndefined()
      expect(await repos.idempotency.find('alice', 'young')).toEqual({ requestHash: 'h1', status: null, body: null, erased: false })
      expect(await repos.idempotency.purgeExpired()).toBe(1)
      expect(await repos.idempotency.purgeExpired()).toBe(0)
      await repos.idempotency.claim('alice', 'young2', 'h', ttl)
      clock += 30_000
      expect(await repos.idempotency.claim('alice', 'young', 'h9', ttl)).toEqual({ claimed: true })
      expect(await repos.idempotency.find('alice', 'young')).toEqual({ requestHash: 'h9', status: null, body: null, erased: false })
    })

    it('conversation delete erases the owner\'s answers about it, in progress ones included, and keeps the rest', async () => {
      const { conversation } = await repos.conversations.create('alice', {})
      const other = await repos.conversations.create('alice', {})
      await repos.idempotency.claim('alice', 'done', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'done', 200, 'about it')
      await repos.idempotency.claim('alice', 'running', 'h', ttl, conversation.id)
      await repos.idempotency.claim('alice', 'other', 'h', ttl, other.conversation.id)
      await repos.idempotency.complete('alice', 'other', 200, 'about the other')
      await repos.idempotency.claim('bob', 'probe', 'h', ttl, conversation.id)
      await repos.idempotency.complete('bob', 'probe', 404, 'not found')

      await repos.conversations.delete('alice', conversation.id)
      await repos.idempotency.complete('alice', 'running', 200, 'too late')

      expect(await repos.idempotency.find('alice', 'done')).toEqual(erasedAnswer(200))
      expect(await repos.idempotency.find('alice', 'running')).toEqual(erasedAnswer(200))
      expect(await repos.idempotency.claim('alice', 'done', 'h', ttl)).toEqual({ claimed: false, record: erasedAnswer(200) })
      expect(await repos.idempotency.find('alice', 'other')).toEqual(answered(200, 'about the other'))
      expect(await repos.idempotency.find('bob', 'probe')).toEqual(answered(404, 'not found'))
    })

    it('item delete erases the answers of the conversation that hold the item, and those in progress', async () => {
      const { conversation, items } = await repos.conversations.create('alice', { items: [message('a'), message('b')] })
      const [a, b] = items
      await repos.idempotency.claim('alice', 'holds-a', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'holds-a', 200, `{"object":"list","data":[${a!.body}]}`)
      await repos.idempotency.claim('alice', 'holds-b', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'holds-b', 200, `{"object":"list","data":[${b!.body}]}`)
      await repos.idempotency.claim('alice', 'running', 'h', ttl, conversation.id)

      await repos.items.delete('alice', conversation.id, a!.id)

      expect(await repos.idempotency.find('alice', 'holds-a')).toEqual(erasedAnswer(200))
      expect(await repos.idempotency.find('alice', 'holds-b')).toEqual(answered(200, `{"object":"list","data":[${b!.body}]}`))
      expect(await repos.idempotency.find('alice', 'running')).toEqual(erasedAnswer(null))
    })

    it('an answer about a created conversation goes with it, and is not stored if it was deleted first', async () => {
      await repos.idempotency.claim('alice', 'create', 'h', ttl)
      const { conversation } = await repos.conversations.create('alice', {})
      await repos.idempotency.complete('alice', 'create', 200, 'created', conversation.id)
      expect(await repos.idempotency.find('alice', 'create')).toEqual(answered(200, 'created'))
      await repos.conversations.delete('alice', conversation.id)
      expect(await repos.idempotency.find('alice', 'create')).toEqual(erasedAnswer(200))

      await repos.idempotency.claim('alice', 'create-2', 'h', ttl)
      const second = await repos.conversations.create('alice', {})
      await repos.conversations.delete('alice', second.conversation.id)
      await repos.idempotency.complete('alice', 'create-2', 200, 'created', second.conversation.id)
      expect(await repos.idempotency.find('alice', 'create-2')).toEqual(erasedAnswer(200))
    })

    it('expiry erases answers as a delete does; the purge erases what is left and keeps the keys refused', async () => {
      const lifecycle = repos.lifecycle!
      const { conversation } = await repos.conversations.create('alice', {})
      const live = await repos.conversations.create('alice', {})
      await repos.idempotency.claim('alice', 'before', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'before', 200, 'about it')
      await repos.idempotency.claim('alice', 'live', 'h', ttl, live.conversation.id)
      await repos.idempotency.complete('alice', 'live', 200, 'about the live one')
      clock += 1000
      await repos.conversations.updateMetadata('alice', live.conversation.id, {})

      expect(await lifecycle.expireConversations(clock - 1, 10)).toBe(1)
      expect(await repos.idempotency.find('alice', 'before')).toEqual(erasedAnswer(200))
      expect(await repos.idempotency.find('alice', 'live')).toEqual(answered(200, 'about the live one'))
      // Answered after the delete, so not erased by it: the purge takes it.
      await repos.idempotency.claim('alice', 'after', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'after', 404, 'not found')
      expect(await repos.idempotency.find('alice', 'after')).toEqual(answered(404, 'not found'))

      expect(await lifecycle.purgeConversations(clock, 10)).toEqual({ conversations: 1, items: 0 })
      expect(await repos.idempotency.find('alice', 'before')).toEqual(erasedAnswer(200))
      expect(await repos.idempotency.find('alice', 'after')).toEqual(erasedAnswer(404))
      expect(await repos.idempotency.find('alice', 'live')).toEqual(answered(200, 'about the live one'))
      // The id is free again (an import may reuse it); the erased records are not tied to it any more.
      await lifecycle.importConversation({ id: conversation.id, owner: 'alice', createdAt: 1, updatedAt: clock, metadata: {}, items: [] })
      await repos.idempotency.claim('alice', 'new', 'h', ttl, conversation.id)
      await repos.idempotency.complete('alice', 'new', 200, 'about the new one')
      await repos.conversations.delete('alice', conversation.id)
      expect(await repos.idempotency.find('alice', 'new')).toEqual(erasedAnswer(200))
    })
  })
}
