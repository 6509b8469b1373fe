// Bulk-loads a benchmark database through the server's own storage layer: its migrations, its
// Drizzle schema, its item normalisation and encoding, its id minting. Rows are inserted with
// prepared statements in large transactions (synchronous=OFF while loading: this is a fixture,
// not a durability test; the server reopens the file with its own settings).
import { sql } from 'drizzle-orm'
import { migrateSqlite, openSqlite } from '../dist/repositories/sqlite/client.js'
import { conversations, items } from '../dist/repositories/sqlite/schema.js'
import { createItemRowWriter } from '../dist/repositories/sqlite/item-rows.js'
import { encodeItem } from '../dist/items/codec.js'
import { parseInputItems } from '../dist/items/normalize.js'
import { newId } from '../dist/repositories/ids.js'
import { conversationSizes, turnItems } from './items.mjs'

const owner = 'default'

/**
 * Seeds `totalItems` items across `totalConversations` conversations, two of which have fixed
 * sizes (`small`, `large`) for the list scenarios; the rest share the remainder evenly.
 * Returns ids the scenarios need: the two fixed conversations and samples of others and items.
 */
export function seedDatabase (path, { totalItems, totalConversations, small = 100, large = 100_000, onProgress = () => {} }) {
  const db = openSqlite(path, { synchronous: 'OFF' })
  migrateSqlite(db)
  const p = sql.placeholder
  const insertConversation = db.insert(conversations).values({
    id: p('id'), owner: p('owner'), createdAt: p('createdAt'), updatedAt: p('updatedAt'), metadata: p('metadata'), nextPosition: p('nextPosition'),
  }).returning({ pk: conversations.pk }).prepare()
  // The server's own item writer: the row and its full-text index entry.
  const itemRows = createItemRowWriter(db)

  // Normalised once through the server's validator; each stored copy gets its own minted id.
  const templates = parseInputItems(turnItems(400), 400)
  const nowMs = Date.now()
  const seconds = Math.floor(nowMs / 1000)
  const sizes = conversationSizes({ totalItems, totalConversations, small, large })

  const sampleConversations = []
  const sampleItems = []
  const fixed = []
  let written = 0
  const writeConversation = (size, index) => {
    const id = newId('conversation', seconds)
    const [{ pk }] = insertConversation.all({ id, owner, createdAt: seconds, updatedAt: nowMs, metadata: JSON.stringify({ user: `u${index}` }), nextPosition: size })
    for (let position = 0; position < size; position++) {
      const template = templates[(index + position) % templates.length]
      const itemId = newId(template.type, seconds)
      const { body, full, readable } = encodeItem(itemId, template.item)
      itemRows.insert(owner, { conversationPk: pk, position, id: itemId, type: template.type, body, full, createdAt: seconds }, readable)
      if (index >= 2 && position === size >> 1 && sampleItems.length < 20_000) sampleItems.push({ conversation: id, item: itemId })
    }
    written += size
    if (index < 2) fixed.push(id)
    else if (sampleConversations.length < 20_000) sampleConversations.push(id)
  }
  const batch = db.$client.transaction((from, to) => { for (let i = from; i < to; i++) writeConversation(sizes[i], i) })
  for (let from = 0; from < sizes.length; from += 2000) {
    batch(from, Math.min(from + 2000, sizes.length))
    onProgress(written, totalItems)
  }
  const stored = db.select({ n: sql`count(*)` }).from(items).get().n
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
  return { smallConversation: fixed[0], largeConversation: fixed[1], sampleConversations, sampleItems, storedItems: Number(stored) }
}
