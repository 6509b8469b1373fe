// The FTS5 index at the storage level: every write path keeps it exact (the writers index what they
// insert; triggers follow tombstones and the hard deletes of a purge), and the backfill of items
// stored before the index existed.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite, sqliteMigrationsFolder, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { ownerToken, toFts5Query } from '../../src/repositories/sqlite/search.js'
import { searchableText } from '../../src/items/search-text.js'
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
    // The database as it was before the index: no FTS table nor triggers, and a row written then.
    db.$client.exec('DROP TRIGGER items_fts_after_update; DROP TRIGGER items_fts_after_delete; DROP TABLE items_fts')
    const body = JSON.stringify({ id: 'msg_new', ...message('newer quince').item })
    db.$client.prepare(`INSERT INTO items (conversation_pk, position, id, type, body, created_at)
      SELECT pk, 1, 'msg_new', 'message', ?, 1 FROM conversations WHERE id = ?`).run(body, conversation.id)
    db.$client.prepare('UPDATE conversations SET next_position = 2 WHERE id = ?').run(conversation.id)
    for (const suffix of ['_items_fts.sql', '_items_fts_indexed_by_writers.sql']) {
      const file = readdirSync(sqliteMigrationsFolder).find((name) => name.endsWith(suffix))!
      const migration = readFileSync(join(sqliteMigrationsFolder, file), 'utf8')
      for (const statement of migration.split('--> statement-breakpoint')) db.$client.exec(statement)
    }
    const again = createSqliteRepositories({ db })
    await again.items.append('o', conversation.id, [message('newest quince', 'msg_newest')])
    expect((await again.search.search('o', { terms: parseSearchQuery('quince'), limit: 10 })).data.map((hit) => hit.itemId).sort()).toEqual(['msg_new', 'msg_newest', 'msg_old'])
  })

  it('indexes the same text the json_tree trigger did, from the object or the stored body', () => {
    // The extraction the index used before it moved into the writers, as the oracle.
    const oracle = db.$client.prepare(`SELECT coalesce((SELECT group_concat(node.value, char(10)) FROM json_tree(?) AS node
      WHERE node.type = 'text' AND node.key IN ('text', 'refusal', 'arguments', 'output', 'input', 'code')), '')`).pluck()
    const items: Array<Record<string, unknown>> = [
      { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'first ünïcode line\nsecond', annotations: [] }, { type: 'refusal', refusal: 'no' }] },
      { id: 'fc_1', type: 'function_call', call_id: 'c', name: 'get', arguments: '{"city":"Paris"}' },
      { id: 'fco_1', type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text', text: 'nested' }] },
      { id: 'ci_1', type: 'code_interpreter_call', code: 'print(1)', outputs: [{ type: 'logs', logs: 'out' }], container_id: 'x' },
      { id: 'x_1', type: 'custom', input: ['not', 'a', 'field'], deep: { text: 'deep text', list: [{ output: 'o' }] }, text: 42 },
      { id: 'e_1', type: 'message', role: 'user', content: [] },
      { id: 'e_2', type: 'message', role: 'user', content: [{ type: 'input_text', text: '' }] },
    ]
    for (const item of items) {
      expect({ id: item.id, text: searchableText(item) }).toEqual({ id: item.id, text: oracle.get(JSON.stringify(item)) })
    }
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
