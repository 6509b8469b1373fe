// Every item row is written together with its full-text index entry, in the caller's transaction.
// The index used to be filled by an INSERT trigger that extracted the text with json_tree: that
// was seven times the cost of the row itself. The text is taken in JS from the object the body
// was serialised from (or parsed from the body when only the text is at hand). Deletes and
// tombstones still leave the index through triggers (migration `*_items_fts.sql`).
import { sql } from 'drizzle-orm'
import { searchableText } from '../../items/search-text.js'
import type { SqliteDb } from './client.js'
import type { Defer } from './group-commit.js'
import { ownerToken } from './search.js'
import { items } from './schema.js'
import { prepareRaw } from './statements.js'

export interface ItemRow {
  conversationPk: number
  position: number
  id: string
  type: string
  body: string
  full: string | null
  createdAt: number
}

export interface ItemRowWriter {
  /**
   * Inserts the row and its index entry; `readable` is the object `body` was serialised from
   * (the body is parsed when it is not given). Must run inside a transaction; inside a group
   * commit, pass its `defer` so the index entry is written at the end of the group.
   */
  insert (owner: string, row: ItemRow, readable?: unknown, defer?: Defer): void
}

export function createItemRowWriter (db: SqliteDb): ItemRowWriter {
  const p = sql.placeholder
  const insertItem = prepareRaw(db.$client, db.insert(items).values({
    conversationPk: p('conversationPk'), position: p('position'), id: p('id'), type: p('type'), body: p('body'), full: p('full'), createdAt: p('createdAt'),
  }), [])
  // The rowid packs the item's key, conversation_pk * 2^32 + position, computed by SQLite in
  // 64-bit integers: JS numbers are bound as REAL, and would lose precision past two million
  // conversations.
  const insertIndexEntry = db.$client.prepare(`INSERT INTO items_fts (rowid, text, owner)
    VALUES (CAST(@pk AS INTEGER) * 4294967296 + CAST(@position AS INTEGER), @text, @owner)`)
  let lastOwner = ''
  let lastToken = ''
  return {
    insert (owner, row, readable, defer) {
      insertItem.run(row as unknown as Record<string, unknown>)
      const text = searchableText(readable ?? JSON.parse(row.body))
      if (text === '') return
      if (owner !== lastOwner) { lastOwner = owner; lastToken = ownerToken(owner) }
      const entry = { pk: row.conversationPk, position: row.position, text, owner: lastToken }
      if (defer === undefined) insertIndexEntry.run(entry)
      else defer(() => { insertIndexEntry.run(entry) })
    },
  }
}
