// The idempotency store contract: any backend's IdempotencyRepository must pass this suite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Repositories } from '../../src/repositories/types.js'

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
  })
}
