// Forking at scale and atomicity, at the storage level.
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { newId, type IdGenerator } from '../../src/repositories/ids.js'
import { migrateSqlite, openSqlite, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { parseSearchQuery } from '../../src/repositories/search-query.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

const message = (text: string): NewItem => ({
  type: 'message',
  item: { type: 'message', status: 'completed', content: [{ type: 'input_text', text }], role: 'user' },
})

let db: SqliteDb
let repos: Repositories
const open = (ids: IdGenerator = newId): Repositories => {
  db = openSqlite(':memory:')
  migrateSqlite(db)
  repos = createSqliteRepositories({ db, ids })
  return repos
}
afterEach(async () => { await repos.close() })

async function seed (count: number): Promise<string> {
  const { conversation } = await repos.conversations.create('o', {})
  for (let start = 0; start < count; start += 500) {
    await repos.items.append('o', conversation.id, Array.from({ length: Math.min(500, count - start) }, (_, i) => message(`item ${start + i}`)))
  }
  return conversation.id
}

const count = (sql: string): number => db.$client.prepare(sql).pluck().get() as number

describe('fork at scale', () => {
  it('forks a 10,000-item conversation quickly, every item in order, indexed for search', async () => {
    open()
    const id = await seed(10_000)
    const started = performance.now()
    const { conversation, forkedFrom } = await repos.conversations.fork('o', id, {})
    const elapsed = performance.now() - started
    // Generous bound for a loaded 2-core machine; it takes a fraction of that.
    expect(elapsed).toBeLessThan(10_000)
    const source = await repos.items.list('o', id, { limit: 100, order: 'desc' })
    const copy = await repos.items.list('o', conversation.id, { limit: 100, order: 'desc' })
    expect(forkedFrom).toEqual({ conversationId: id, itemId: source.data[0]!.id })
    expect(copy.data.map((item) => JSON.parse(item.json).content)).toEqual(source.data.map((item) => JSON.parse(item.json).content))
    expect(count('SELECT count(*) FROM items')).toBe(20_000)
    expect(db.$client.prepare('SELECT next_position FROM conversations WHERE id = ?').pluck().get(conversation.id)).toBe(10_000)
    const hits = await repos.search.search('o', { terms: parseSearchQuery('"item 9999"'), limit: 10 })
    expect(hits.data.map((hit) => hit.conversationId).sort()).toEqual([id, conversation.id].sort())
  })

  it('is one transaction: a failure half-way leaves no conversation, item or index row behind', async () => {
    let minted = 0
    open((kind, seconds) => {
      if (kind !== 'conversation' && ++minted > 1_500) throw new AppError('internal_error', 'id source failed')
      return newId(kind, seconds)
    })
    const id = await seed(1_000)
    const before = { conversations: count('SELECT count(*) FROM conversations'), items: count('SELECT count(*) FROM items'), fts: count('SELECT count(*) FROM items_fts') }
    await expect(repos.conversations.fork('o', id, {})).rejects.toThrow('id source failed')
    expect({ conversations: count('SELECT count(*) FROM conversations'), items: count('SELECT count(*) FROM items'), fts: count('SELECT count(*) FROM items_fts') }).toEqual(before)
    expect(before).toEqual({ conversations: 1, items: 1_000, fts: 1_000 })
  })
})
