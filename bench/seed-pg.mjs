// Bulk-loads a benchmark database on PostgreSQL through the server's own storage layer (its
// migrations, schema, item normalisation and encoding, id minting): a fresh database on the
// given server, rows inserted in multi-row INSERTs inside large transactions. Same data as seed.mjs.
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { migratePg, openPg } from '../dist/repositories/pg/client.js'
import { conversations, items } from '../dist/repositories/pg/schema.js'
import { encodeItem } from '../dist/items/codec.js'
import { parseInputItems } from '../dist/items/normalize.js'
import { newId } from '../dist/repositories/ids.js'
import { conversationSizes, turnItems } from './items.mjs'

const owner = 'default'

/** Creates database `name` on the server of `serverUrl` and returns its URL. */
export async function createDatabase (serverUrl, name) {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try { await admin.query(`CREATE DATABASE "${name}"`) } finally { await admin.end() }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function dropDatabase (serverUrl, name) {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try { await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) } finally { await admin.end() }
}

export async function databaseBytes (url) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { return Number((await client.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n) } finally { await client.end() }
}

/** As seedDatabase in seed.mjs, into the PostgreSQL database at `url`. */
export async function seedPostgres (url, { totalItems, totalConversations, small = 100, large = 100_000, onProgress = () => {} }) {
  const connection = openPg(url, { poolSize: 2, statementTimeoutMs: 0 })
  await migratePg(connection)
  const { db } = connection
  const templates = parseInputItems(turnItems(400), 400)
  const nowMs = Date.now()
  const seconds = Math.floor(nowMs / 1000)
  const sizes = conversationSizes({ totalItems, totalConversations, small, large })

  const sampleConversations = []
  const sampleItems = []
  const fixed = []
  let written = 0
  let pending = []
  const flush = async (tx) => {
    for (let start = 0; start < pending.length; start += 1000) await tx.insert(items).values(pending.slice(start, start + 1000))
    pending = []
  }
  for (let from = 0; from < sizes.length; from += 500) {
    await db.transaction(async (tx) => {
      for (let index = from; index < Math.min(from + 500, sizes.length); index++) {
        const size = sizes[index]
        const id = newId('conversation', seconds)
        const [{ pk }] = await tx.insert(conversations).values({ id, owner, createdAt: seconds, updatedAt: nowMs, metadata: JSON.stringify({ user: `u${index}` }), nextPosition: size }).returning({ pk: conversations.pk })
        for (let position = 0; position < size; position++) {
          const template = templates[(index + position) % templates.length]
          const itemId = newId(template.type, seconds)
          const { body, full } = encodeItem(itemId, template.item)
          pending.push({ conversationPk: pk, position, id: itemId, type: template.type, body, full, createdAt: seconds })
          if (pending.length >= 5000) await flush(tx)
          if (index >= 2 && position === size >> 1 && sampleItems.length < 20_000) sampleItems.push({ conversation: id, item: itemId })
        }
        written += size
        if (index < 2) fixed.push(id)
        else if (sampleConversations.length < 20_000) sampleConversations.push(id)
      }
      await flush(tx)
    })
    onProgress(written, totalItems)
  }
  const [{ n }] = await db.select({ n: sql`count(*)` }).from(items)
  await db.execute(sql`VACUUM ANALYZE`).catch(() => {})
  await connection.pool.end()
  return { smallConversation: fixed[0], largeConversation: fixed[1], sampleConversations, sampleItems, storedItems: Number(n) }
}

export async function serverVersion (url) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try { return (await client.query('SHOW server_version')).rows[0].server_version } finally { await client.end() }
}
