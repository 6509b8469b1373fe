// Listing cost must not grow with the number of conversations: at 100,000 conversations for one
// owner every page is a range scan of the owner index, without a sort (checked on the query plans).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { conversationPageSql } from '../../src/repositories/sqlite/list-conversations.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import type { ConversationListOptions, Repositories } from '../../src/repositories/types.js'

const perOwner = 100_000
let db: SqliteDb
let repos: Repositories

beforeAll(() => {
  db = openSqlite(':memory:')
  migrateSqlite(db)
  repos = createSqliteRepositories({ db })
  const insert = db.$client.prepare('INSERT INTO conversations (id, owner, created_at, updated_at, metadata, deleted_at) VALUES (?, ?, 1, 1, ?, ?)')
  db.$client.transaction(() => {
    for (let i = 0; i < perOwner; i++) {
      // Interleave a second owner and some deleted conversations, as in a real table.
      insert.run(`conv_a${i}`, 'alice', JSON.stringify({ n: String(i % 10) }), i % 50 === 7 ? 1 : null)
      if (i % 4 === 0) insert.run(`conv_b${i}`, 'bob', '{}', null)
    }
  })()
  db.$client.exec('ANALYZE')
})
afterAll(async () => { await repos.close() })

function plan (bounds: { afterPk?: number, beforePk?: number }, options: Partial<ConversationListOptions> = {}): string[] {
  const { sql, params } = conversationPageSql('alice', bounds, { limit: 20, order: 'desc', ...options })
  return (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail)
}

describe('listing 100,000 conversations of one owner', () => {
  const pkOf = (id: string): number => (db.$client.prepare('SELECT pk FROM conversations WHERE id = ?').get(id) as { pk: number }).pk

  // INDEXED BY makes SQLite use that index or fail: the plan cannot silently become a table scan.
  it.each([
    ['first page, desc', {}, {}],
    ['first page, asc', {}, { order: 'asc' as const }],
    ['deep after cursor', { afterPk: 60_000 }, {}],
    ['before cursor', { beforePk: 60_000 }, {}],
    ['after and before', { afterPk: 90_000, beforePk: 10_000 }, {}],
    ['metadata filter', {}, { metadata: { n: '3' } }],
  ])('%s: one range scan of the owner index, no sort', (_name, bounds, options) => {
    const steps = plan(bounds, options)
    expect(steps[0]).toMatch(/^SEARCH conversations USING (COVERING )?INDEX conversations_owner_live \(owner=\?( AND pk[<>]\?)*\)$/)
    expect(steps.join('\n')).not.toMatch(/TEMP B-TREE|SCAN conversations/)
  })

  it('answers the first and the last page right', async () => {
    const first = await repos.conversations.list('alice', { limit: 3, order: 'desc' })
    expect({ ids: first.data.map((c) => c.id), hasMore: first.hasMore }).toEqual({ ids: ['conv_a99999', 'conv_a99998', 'conv_a99997'], hasMore: true })
    const last = await repos.conversations.list('alice', { limit: 3, order: 'desc', after: 'conv_a2' })
    expect({ ids: last.data.map((c) => c.id), hasMore: last.hasMore }).toEqual({ ids: ['conv_a1', 'conv_a0'], hasMore: false })
    const filtered = await repos.conversations.list('alice', { limit: 2, order: 'asc', metadata: { n: '3' }, after: 'conv_a3' })
    expect(filtered.data.map((c) => c.id)).toEqual(['conv_a13', 'conv_a23'])
    expect(pkOf('conv_a0')).toBeLessThan(pkOf('conv_a99999'))
  })
})
