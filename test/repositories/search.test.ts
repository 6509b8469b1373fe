// The FTS5 index at the storage level: triggers on every write path, including the hard deletes
// of a purge, and the backfill of items stored before the index existed.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite, sqliteMigrationsFolder, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { ownerToken, toFts5Query } from '../../src/repositories/sqlite/search.js'
import { parseSearchQuery } from '../../src/repositories/search-query.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

const message = (text: string, id?: string): NewItem => ({
  id,
  type: 'message',
  item: { type: 'message', status: 'completed', content: [{ type: 'input_text', text }], role: 'user' },
})

let db: SqliteDb
let repos: Repositories
beforeEach(() => {
  db = openSqlite(':memory:')
  migrateSqlite(db)
  repos = createSqliteRepositories({ db })
})
afterEach(async () => { await repos.close() })

const found = async (query: string, owner = 'o'): Promise<string[]> =>
  (await repos.search.search(owner, { terms: parseSearchQuery(query), limit: 100 })).data.map((hit) => hit.itemId)
const indexRows = (): number => db.$client.prepare('SELECT count(*) FROM items_fts').pluck().get() as number

describe('items_fts', () => {
  it('indexes appends, drops erased items, and follows the hard deletes of a purge', async () => {
    const { conversation } = await repos.conversations.create('o', { items: [message('plum one', 'msg_1'), message('plum two', 'msg_2')] })
    const other = await repos.conversations.create('o', { items: [message('plum three', 'msg_3')] })
    expect(indexRows()).toBe(3)
    await repos.items.delete('o', conversation.id, 'msg_1')
    expect({ rows: indexRows(), hits: await found('plum') }).toEqual({ rows: 2, hits: expect.arrayContaining(['msg_2', 'msg_3']) })
    // A purge removes item rows for good (here: every item of one conversation).
    db.$client.prepare('DELETE FROM items WHERE conversation_pk = (SELECT pk FROM conversations WHERE id = ?)').run(conversation.id)
    expect({ rows: indexRows(), hits: await found('plum') }).toEqual({ rows: 1, hits: ['msg_3'] })
    await repos.conversations.delete('o', other.conversation.id)
    expect(await found('plum')).toEqual([])
  })

  it('follows the retention purge and indexes imported conversations', async () => {
    let clock = 1_760_000_000_000
    repos = createSqliteRepositories({ db, now: () => clock })
    const { conversation } = await repos.conversations.create('o', { items: [message('melon one', 'msg_1'), message('melon two', 'msg_2')] })
    await repos.items.delete('o', conversation.id, 'msg_2')
    await repos.conversations.delete('o', conversation.id)
    clock += 1_000
    // As the retention job does: purge batches until one comes back empty.
    for (let batch = 0; batch < 10; batch++) {
      const purged = await repos.lifecycle!.purgeConversations(clock, 1)
      if (purged.conversations === 0 && purged.items === 0) break
    }
    expect({ items: db.$client.prepare('SELECT count(*) FROM items').pluck().get(), index: indexRows() }).toEqual({ items: 0, index: 0 })
    await repos.lifecycle!.importConversation({ id: 'conv_imported', owner: 'o', createdAt: 1, updatedAt: clock, metadata: {}, items: [{ ...message('melon imported'), id: 'msg_i' }] })
    expect(await found('melon')).toEqual(['msg_i'])
  })

  it('keeps the index exact under a mix of writes: every live item with text, nothing else', async () => {
    const { conversation } = await repos.conversations.create('o', {})
    for (let i = 0; i < 30; i++) await repos.items.append('o', conversation.id, [message(`word${i} common`, `msg_${i}`)])
    for (let i = 0; i < 30; i += 3) await repos.items.delete('o', conversation.id, `msg_${i}`)
    const live = db.$client.prepare('SELECT conversation_pk * 4294967296 + position FROM items WHERE body IS NOT NULL ORDER BY 1').pluck().all()
    expect(db.$client.prepare('SELECT rowid FROM items_fts ORDER BY 1').pluck().all()).toEqual(live)
    expect((await found('common')).length).toBe(20)
  })

  it('indexes the items stored before the index existed (migration backfill)', async () => {
    const { conversation } = await repos.conversations.create('o', { items: [message('older quince', 'msg_old')] })
    db.$client.exec('DROP TRIGGER items_fts_after_insert; DROP TRIGGER items_fts_after_update; DROP TRIGGER items_fts_after_delete; DROP TABLE items_fts')
    await repos.items.append('o', conversation.id, [message('newer quince', 'msg_new')])
    const file = readdirSync(sqliteMigrationsFolder).find((name) => name.endsWith('_items_fts.sql'))!
    const migration = readFileSync(join(sqliteMigrationsFolder, file), 'utf8')
    for (const statement of migration.split('--> statement-breakpoint')) db.$client.exec(statement)
    const again = createSqliteRepositories({ db })
    expect((await again.search.search('o', { terms: parseSearchQuery('quince'), limit: 10 })).data.map((hit) => hit.itemId).sort()).toEqual(['msg_new', 'msg_old'])
  })

  it('tags every index row with its owner\'s token, and scopes by it for any owner string', async () => {
    const owners = ['n', 'N', 'Zoë "the" owner', 'tenant:42/key:ab\'c', 'x'.repeat(200)]
    for (const owner of owners) await repos.conversations.create(owner, { items: [message(`guava of ${owner.length}`)] })
    expect(db.$client.prepare('SELECT owner FROM items_fts ORDER BY rowid').pluck().all()).toEqual(owners.map(ownerToken))
    for (const owner of owners) {
      const hits = await repos.search.search(owner, { terms: parseSearchQuery('guava'), limit: 10 })
      expect({ owner, snippets: hits.data.map((hit) => hit.snippet) }).toEqual({ owner, snippets: [`<mark>guava</mark> of ${owner.length}`] })
    }
  })

  it('renders terms as quoted FTS5 strings, prefixes outside the quotes', () => {
    expect(toFts5Query(parseSearchQuery('say "hello world" pre* AND "unclosed'))).toBe('"say" "hello world" "pre" * "AND" "unclosed"')
    expect(toFts5Query(parseSearchQuery('a"b'))).toBe('"a""b"')
  })
})
