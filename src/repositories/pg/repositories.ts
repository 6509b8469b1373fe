// PostgreSQL implementation of the repositories, for many server processes on one database.
// Appends bump the conversation's `next_position` first: that UPDATE row-locks the conversation
// until commit, so concurrent appends from any process are serialised and positions stay a
// strict total order. The unique index on (conversation, item id) is the backstop for duplicates.
import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm'
import { AppError, conversationNotFound, itemNotFound } from '../../errors.js'
import { encodeItem, noInclude, renderStored } from '../../items/codec.js'
import { type IdGenerator, mintItemId, newId } from '../ids.js'
import { validateMetadata } from '../metadata.js'
import type { Conversation, ConversationsRepository, ItemsRepository, Metadata, NewItem, Page, RenderedItem, Repositories, StoredItem } from '../types.js'
import { latestPgMigrationMillis, type PgDb } from './client.js'
import { pgErrorOf, storable, withPgErrors } from './errors.js'
import { createPgFork } from './fork.js'
import { createPgIdempotencyRepository, pgAnswerErasure } from './idempotency.js'
import { createPgLifecycleRepository } from './lifecycle.js'
import { createPgConversationList } from './list-conversations.js'
import { conversations, items } from './schema.js'
import { createPgSearchRepository } from './search.js'

export interface PgRepositoryDeps {
  db: PgDb
  ids?: IdGenerator
  /** Clock in Unix milliseconds. */
  now?: () => number
  /** Releases the connections (pool end, PGlite close). */
  close?: () => Promise<void>
}

interface ConversationRow { pk: number, id: string, createdAt: number, metadata: string }

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  createdAt: row.createdAt,
  metadata: JSON.parse(row.metadata) as Metadata,
})

const duplicateItem = (id: string): AppError =>
  new AppError('duplicate_item', `Duplicate item found with id ${id}. Remove duplicate items from your input and try again.`, { param: 'items' })

// Rows per INSERT: PostgreSQL binds at most 65535 parameters per statement (7 per item row).
const insertChunk = 1000

const conversationColumns = {
  pk: conversations.pk,
  id: conversations.id,
  createdAt: conversations.createdAt,
  metadata: conversations.metadata,
}
const itemColumns = { id: items.id, type: items.type, body: items.body, full: items.full }

const liveConversationWhere = (owner: string, id: string) =>
  and(eq(conversations.id, id), eq(conversations.owner, owner), isNull(conversations.deletedAt))

export function createPgRepositories ({ db, ids = newId, now = Date.now, close }: PgRepositoryDeps): Repositories {
  let expectedMigration: number | undefined
  let closed = false
  const latestMigration = (): number => (expectedMigration ??= latestPgMigrationMillis())
  /** A live conversation's items: `.where(...)` must name the conversation (liveConversationWhere). */
  const withItems = <T extends Parameters<PgDb['select']>[0]>(columns: T) =>
    db.select(columns).from(conversations).innerJoin(items, eq(items.conversationPk, conversations.pk))
  const findConversation = async (tx: PgDb, owner: string, id: string): Promise<ConversationRow> => {
    if (!storable(id) || !storable(owner)) throw conversationNotFound(id)
    const [row] = await tx.select(conversationColumns).from(conversations).where(liveConversationWhere(owner, id))
    if (row === undefined) throw conversationNotFound(id)
    return row
  }


  /**
   * Reserves positions for `count` items in a live conversation of `owner` and returns the first
   * one. The UPDATE holds the conversation's row lock until the transaction ends.
   */
  const reservePositions = async (tx: PgDb, owner: string, conversationId: string, count: number, nowMs: number): Promise<{ row: ConversationRow, first: number }> => {
    if (!storable(conversationId) || !storable(owner)) throw conversationNotFound(conversationId)
    const [row] = await tx.update(conversations)
      .set({ nextPosition: sql`${conversations.nextPosition} + ${count}`, updatedAt: nowMs })
      .where(liveConversationWhere(owner, conversationId))
      .returning({ ...conversationColumns, nextPosition: conversations.nextPosition })
    if (row === undefined) throw conversationNotFound(conversationId)
    return { row, first: row.nextPosition - count }
  }

  /** Inserts items from position `first`; must run inside the transaction that reserved them. */
  const insertItems = async (tx: PgDb, conversationPk: number, first: number, newItems: NewItem[], nowMs: number): Promise<StoredItem[]> => {
    if (newItems.length === 0) return []
    const seconds = Math.floor(nowMs / 1000)
    const supplied = newItems.flatMap((i) => (i.id === undefined ? [] : [i.id]))
    const seen = new Set<string>()
    for (const id of supplied) {
      if (seen.has(id)) throw duplicateItem(id)
      seen.add(id)
    }
    if (supplied.length > 0) {
      // Runs after the row lock is held: every append committed before ours is visible here.
      const [existing] = await tx.select({ id: items.id }).from(items)
        .where(and(eq(items.conversationPk, conversationPk), inArray(items.id, supplied))).limit(1)
      if (existing !== undefined) throw duplicateItem(existing.id)
    }
    const stored: StoredItem[] = []
    const rows = newItems.map((newItem, index) => {
      const id = newItem.id ?? mintItemId(ids, newItem.type, seconds)
      const { body, full } = encodeItem(id, newItem.item)
      stored.push({ id, type: newItem.type, body, full })
      return { conversationPk, position: first + index, id, type: newItem.type, body, full, createdAt: seconds }
    })
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tx.insert(items).values(rows.slice(start, start + insertChunk))
    }
    return stored
  }

  /** Runs a write transaction, turning a unique-index violation on item ids into the duplicate error. */
  const writeTransaction = async <T>(work: (tx: PgDb) => Promise<T>, newItems: NewItem[] = []): Promise<T> => {
    try {
      return await db.transaction(async (tx) => work(tx as unknown as PgDb))
    } catch (error) {
      const pgError = pgErrorOf(error)
      if (pgError?.code === '23505' && pgError.constraint === 'items_conversation_item_id') {
        const id = /\(conversation_pk, id\)=\(\d+, (.*)\)/.exec(pgError.detail ?? '')?.[1]
          ?? newItems.find((i) => i.id !== undefined)?.id ?? ''
        throw duplicateItem(id)
      }
      throw error
    }
  }

  const conversationsRepo: ConversationsRepository = {
    async create (owner, input) {
      const metadata = validateMetadata(input.metadata)
      const nowMs = now()
      const createdAt = Math.floor(nowMs / 1000)
      const id = ids('conversation', createdAt)
      const newItems = input.items ?? []
      const created = await writeTransaction(async (tx) => {
        const [row] = await tx.insert(conversations)
          .values({ id, owner, createdAt, updatedAt: nowMs, metadata: JSON.stringify(metadata), nextPosition: newItems.length })
          .returning({ pk: conversations.pk })
        return insertItems(tx, row!.pk, 0, newItems, nowMs)
      }, newItems)
      return { conversation: { id, createdAt, metadata }, items: created }
    },

    async get (owner, id) {
      return toConversation(await findConversation(db, owner, id))
    },

    async updateMetadata (owner, id, value) {
      const metadata = validateMetadata(value)
      if (!storable(id) || !storable(owner)) throw conversationNotFound(id)
      const [row] = await db.update(conversations)
        .set({ metadata: JSON.stringify(metadata), updatedAt: now() })
        .where(liveConversationWhere(owner, id))
        .returning({ id: conversations.id, createdAt: conversations.createdAt })
      if (row === undefined) throw conversationNotFound(id)
      return { id: row.id, createdAt: row.createdAt, metadata }
    },

    async delete (owner, id) {
      if (!storable(id) || !storable(owner)) throw conversationNotFound(id)
      await writeTransaction(async (tx) => {
        const nowMs = now()
        const deleted = await tx.update(conversations).set({ deletedAt: nowMs })
          .where(liveConversationWhere(owner, id))
          .returning({ pk: conversations.pk })
        if (deleted.length === 0) throw conversationNotFound(id)
        await pgAnswerErasure.conversationDeleted(tx, owner, id, nowMs)
      })
    },

    list: createPgConversationList(db),
    fork: createPgFork({ db, ids, now }),
  }

  const itemsRepo: ItemsRepository = {
    async append (owner, conversationId, newItems) {
      return writeTransaction(async (tx) => {
        const nowMs = now()
        const { row, first } = await reservePositions(tx, owner, conversationId, newItems.length, nowMs)
        return insertItems(tx, row.pk, first, newItems, nowMs)
      }, newItems)
    },

    // Reads find the conversation and its items in one round trip; only an empty answer costs a
    // second one, to tell a missing conversation from an empty page or a missing item.
    async list (owner, conversationId, { limit, order, after, include = noInclude }): Promise<Page<RenderedItem>> {
      if (!storable(conversationId) || !storable(owner)) throw conversationNotFound(conversationId)
      const conversation = liveConversationWhere(owner, conversationId)
      // Positions and tombstones never change once written, so the cursor lookup and the page
      // need no shared snapshot.
      let from = order === 'asc' ? -1 : 2 ** 31 - 1
      if (after !== undefined) {
        const [cursor] = !storable(after) ? [] : await withItems({ position: items.position }).where(and(conversation, eq(items.id, after)))
        if (cursor === undefined) {
          await findConversation(db, owner, conversationId)
          throw new AppError('invalid_value', `Invalid 'after': no item with id '${after}' was found in conversation '${conversationId}'.`, { param: 'after' })
        }
        from = cursor.position
      }
      const rows = await withItems(itemColumns)
        .where(and(conversation, order === 'asc' ? gt(items.position, from) : lt(items.position, from), isNull(items.deletedAt)))
        .orderBy(order === 'asc' ? items.position : sql`${items.position} desc`)
        .limit(limit + 1) as StoredItem[]
      if (rows.length === 0) await findConversation(db, owner, conversationId)
      const hasMore = rows.length > limit
      if (hasMore) rows.pop()
      return { data: rows.map((row) => ({ id: row.id, json: renderStored(row, include) })), hasMore }
    },

    async get (owner, conversationId, itemId) {
      if (!storable(conversationId) || !storable(owner)) throw conversationNotFound(conversationId)
      const [row] = !storable(itemId) ? [] : await withItems(itemColumns)
        .where(and(liveConversationWhere(owner, conversationId), eq(items.id, itemId), isNull(items.deletedAt))) as StoredItem[]
      if (row !== undefined) return row
      await findConversation(db, owner, conversationId)
      throw itemNotFound(itemId)
    },

    async delete (owner, conversationId, itemId) {
      if (!storable(conversationId) || !storable(owner)) throw conversationNotFound(conversationId)
      return writeTransaction(async (tx) => {
        const nowMs = now()
        // Touching the conversation first also locks it, ordering this delete with appends.
        const [conversation] = await tx.update(conversations).set({ updatedAt: nowMs })
          .where(liveConversationWhere(owner, conversationId))
          .returning(conversationColumns)
        if (conversation === undefined) throw conversationNotFound(conversationId)
        if (!storable(itemId)) throw itemNotFound(itemId)
        // The row stays as a tombstone (id and position), its content is erased.
        const erased = await tx.update(items).set({ body: null, full: null, deletedAt: nowMs })
          .where(and(eq(items.conversationPk, conversation.pk), eq(items.id, itemId), isNull(items.deletedAt)))
          .returning({ position: items.position })
        if (erased.length === 0) throw itemNotFound(itemId)
        await pgAnswerErasure.itemDeleted(tx, owner, conversationId, itemId, nowMs)
        return toConversation(conversation)
      })
    },
  }

  return {
    conversations: withPgErrors(conversationsRepo),
    items: withPgErrors(itemsRepo),
    search: withPgErrors(createPgSearchRepository(db)),
    idempotency: withPgErrors(createPgIdempotencyRepository({ db, now })),
    lifecycle: withPgErrors(createPgLifecycleRepository({ db, now })),
    async ping () {
      // Throws once closed, when the server is unreachable, or when a migration of this build is not applied yet.
      if (closed) throw new Error('the database connection is closed')
      const applied = await db.execute(sql`SELECT max(created_at) AS latest FROM drizzle.__drizzle_migrations`) as unknown as { rows: Array<{ latest: string | number | null }> }
      if (Number(applied.rows[0]?.latest ?? 0) < latestMigration()) throw new Error('database migrations are pending')
    },
    async stats () {
      // Live counts from the partial index (conversations) and a scan (items): callers cache them.
      const result = await db.execute(sql`SELECT
        (SELECT count(*) FROM conversations WHERE deleted_at IS NULL) AS conversations,
        (SELECT count(*) FROM items WHERE deleted_at IS NULL) AS items,
        pg_database_size(current_database()) AS bytes`) as unknown as { rows: Array<{ conversations: string | number, items: string | number, bytes: string | number }> }
      const row = result.rows[0]!
      return { conversations: Number(row.conversations), items: Number(row.items), databaseBytes: Number(row.bytes) }
    },
    async close () {
      closed = true
      await close?.()
    },
  }
}
