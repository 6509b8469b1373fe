// SQLite implementation of the repositories. better-sqlite3 is synchronous: every multi-row write
// runs in one synchronous IMMEDIATE transaction (never an async callback), and the methods stay
// async to honour the shared contract.
import type Database from 'better-sqlite3'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { AppError, conversationNotFound, itemNotFound } from '../../errors.js'
import { encodeItem } from '../../items/codec.js'
import { type IdGenerator, mintItemId, newId } from '../ids.js'
import { validateMetadata } from '../metadata.js'
import type { Conversation, ConversationsRepository, ItemsRepository, Metadata, NewItem, Repositories, StoredItem } from '../types.js'
import { latestMigrationMillis, type SqliteDb } from './client.js'
import { createSqliteFork } from './fork.js'
import { createGroupCommitter, type Defer } from './group-commit.js'
import { createSqliteAnswerErasure, createSqliteIdempotencyRepository } from './idempotency.js'
import { createSqliteLifecycleRepository } from './lifecycle.js'
import { createSqliteItemReads } from './item-reads.js'
import { createItemRowWriter } from './item-rows.js'
import { createSqliteConversationList } from './list-conversations.js'
import { prepareRaw } from './statements.js'
import { conversations, items } from './schema.js'
import { createSqliteSearchRepository } from './search.js'

export interface SqliteRepositoryDeps {
  db: SqliteDb
  ids?: IdGenerator
  /** Clock in Unix milliseconds. */
  now?: () => number
  /** Where the migrations that ping() expects to be applied live (default: the bundled ones). */
  migrationsFolder?: string
  /** Called after each group commit of creates and appends (the bulk of what the WAL receives). */
  afterGroupCommit?: () => void
}

interface ConversationRow { pk: number, id: string, createdAt: number, metadata: string }

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  createdAt: row.createdAt,
  metadata: JSON.parse(row.metadata) as Metadata,
})

const duplicateItem = (id: string): AppError =>
  new AppError('duplicate_item', `Duplicate item found with id ${id}. Remove duplicate items from your input and try again.`, { param: 'items' })

export function createSqliteRepositories ({ db, ids = newId, now = Date.now, migrationsFolder, afterGroupCommit }: SqliteRepositoryDeps): Repositories {
  const p = sql.placeholder
  let latestMigration: number | undefined
  const expectedMigration = (): number => (latestMigration ??= latestMigrationMillis(migrationsFolder))
  // Prepared on first use: the tables may not exist yet when migrations run later (MIGRATE_ON_START=false).
  // Conversations are counted from their partial index; items need a scan, hence the callers' cache.
  let countLive: Database.Statement | undefined
  let latestApplied: Database.Statement | undefined
  const countLiveRows = (): { conversations: number, items: number } =>
    (countLive ??= db.$client.prepare(`SELECT
      (SELECT count(*) FROM conversations WHERE deleted_at IS NULL) AS conversations,
      (SELECT count(*) FROM items WHERE deleted_at IS NULL) AS items`)).get() as { conversations: number, items: number }
  const conversationColumns = {
    pk: conversations.pk,
    id: conversations.id,
    createdAt: conversations.createdAt,
    metadata: conversations.metadata,
  }
  const liveConversation = prepareRaw<ConversationRow>(db.$client, db.select(conversationColumns).from(conversations)
    .where(and(eq(conversations.id, p('id')), eq(conversations.owner, p('owner')), isNull(conversations.deletedAt))),
  Object.keys(conversationColumns))

  const insertConversation = db.insert(conversations).values({
    id: p('id'), owner: p('owner'), createdAt: p('createdAt'), updatedAt: p('updatedAt'), metadata: p('metadata'),
  }).returning({ pk: conversations.pk }).prepare()

  const touchConversation = prepareRaw<{ nextPosition: number }>(db.$client, db.update(conversations)
    .set({ nextPosition: sql`${conversations.nextPosition} + ${p('count')}`, updatedAt: sql`${p('updatedAt')}` })
    .where(eq(conversations.pk, p('pk')))
    .returning({ nextPosition: conversations.nextPosition }), ['nextPosition'])

  // One prepared row insert (and index entry), run per item: building and preparing a multi-row
  // INSERT per call cost more than the inserts.
  const itemRows = createItemRowWriter(db)
  const findConversation = (owner: string, id: string): ConversationRow => {
    const row = liveConversation.get({ id, owner })
    if (row === undefined) throw conversationNotFound(id)
    return row
  }


  /** Inserts items after the conversation's last position; must run inside a group transaction. */
  const insertItems = (tx: SqliteDb, owner: string, conversationPk: number, newItems: NewItem[], nowMs: number, defer: Defer): StoredItem[] => {
    if (newItems.length === 0) return []
    const seconds = Math.floor(nowMs / 1000)
    const supplied = newItems.flatMap((i) => (i.id === undefined ? [] : [i.id]))
    const seen = new Set<string>()
    for (const id of supplied) {
      if (seen.has(id)) throw duplicateItem(id)
      seen.add(id)
    }
    if (supplied.length > 0) {
      const existing = tx.select({ id: items.id }).from(items)
        .where(and(eq(items.conversationPk, conversationPk), inArray(items.id, supplied))).limit(1).all()
      if (existing[0] !== undefined) throw duplicateItem(existing[0].id)
    }
    const [touched] = touchConversation.all({ pk: conversationPk, count: newItems.length, updatedAt: nowMs })
    const first = touched!.nextPosition - newItems.length
    return newItems.map((newItem, index) => {
      const id = newItem.id ?? mintItemId(ids, newItem.type, seconds)
      const { body, full, readable } = encodeItem(id, newItem.item)
      itemRows.insert(owner, { conversationPk, position: first + index, id, type: newItem.type, body, full, createdAt: seconds }, readable, defer)
      return { id, type: newItem.type, body, full }
    })
  }

  const reads = createSqliteItemReads(db, { requireConversation: findConversation })
  const writeGroup = createGroupCommitter(db.$client, { afterCommit: afterGroupCommit })
  const erasure = createSqliteAnswerErasure(db.$client)

  const conversationsRepo: ConversationsRepository = {
    async create (owner, input) {
      const metadata = validateMetadata(input.metadata)
      const nowMs = now()
      const createdAt = Math.floor(nowMs / 1000)
      const id = ids('conversation', createdAt)
      // Concurrent creates share one durable commit, as appends do (see group-commit.ts).
      const created = await writeGroup.run((defer) => {
        const [row] = insertConversation.all({ id, owner, createdAt, updatedAt: nowMs, metadata: JSON.stringify(metadata) })
        return insertItems(db, owner, row!.pk, input.items ?? [], nowMs, defer)
      })
      return { conversation: { id, createdAt, metadata }, items: created }
    },

    async get (owner, id) {
      return toConversation(findConversation(owner, id))
    },

    async updateMetadata (owner, id, value) {
      const metadata = validateMetadata(value)
      const row = db.update(conversations)
        .set({ metadata: JSON.stringify(metadata), updatedAt: now() })
        .where(and(eq(conversations.id, id), eq(conversations.owner, owner), isNull(conversations.deletedAt)))
        .returning({ id: conversations.id, createdAt: conversations.createdAt })
        .get()
      if (row === undefined) throw conversationNotFound(id)
      return { id: row.id, createdAt: row.createdAt, metadata }
    },

    async delete (owner, id) {
      db.transaction((tx) => {
        const nowMs = now()
        const changed = tx.update(conversations).set({ deletedAt: nowMs })
          .where(and(eq(conversations.id, id), eq(conversations.owner, owner), isNull(conversations.deletedAt)))
          .run()
        if (changed.changes === 0) throw conversationNotFound(id)
        erasure.conversationDeleted(owner, id, nowMs)
      }, { behavior: 'immediate' })
    },

    list: createSqliteConversationList(db),
    fork: createSqliteFork({ db, ids, now }),
  }

  const itemsRepo: ItemsRepository = {
    async append (owner, conversationId, newItems) {
      // Concurrent appends share one durable commit (see group-commit.ts).
      return writeGroup.run((defer) => {
        const conversation = findConversation(owner, conversationId)
        return insertItems(db, owner, conversation.pk, newItems, now(), defer)
      })
    },

    async list (owner, conversationId, options) {
      return reads.list(owner, conversationId, options)
    },

    async get (owner, conversationId, itemId) {
      return reads.get(owner, conversationId, itemId)
    },

    async delete (owner, conversationId, itemId) {
      return db.transaction((tx) => {
        const conversation = findConversation(owner, conversationId)
        const nowMs = now()
        // The row stays as a tombstone (id and position), its content is erased.
        const erased = tx.update(items).set({ body: null, full: null, deletedAt: nowMs })
          .where(and(eq(items.conversationPk, conversation.pk), eq(items.id, itemId), isNull(items.deletedAt)))
          .run()
        if (erased.changes === 0) throw itemNotFound(itemId)
        tx.update(conversations).set({ updatedAt: nowMs }).where(eq(conversations.pk, conversation.pk)).run()
        erasure.itemDeleted(owner, conversationId, itemId, nowMs)
        return toConversation(conversation)
      }, { behavior: 'immediate' })
    },
  }

  return {
    conversations: conversationsRepo,
    items: itemsRepo,
    search: createSqliteSearchRepository(db),
    idempotency: createSqliteIdempotencyRepository({ db, now }),
    lifecycle: createSqliteLifecycleRepository({ db, now }),
    async ping () {
      // Throws when the connection is closed, the file is unreadable or the table is missing.
      latestApplied ??= db.$client.prepare('SELECT max(created_at) AS latest FROM __drizzle_migrations')
      const applied = latestApplied.get() as { latest: number | string | null }
      if (Number(applied.latest ?? 0) < expectedMigration()) throw new Error('database migrations are pending')
    },
    async stats () {
      const counts = countLiveRows()
      const pageCount = db.$client.pragma('page_count', { simple: true }) as number
      const pageSize = db.$client.pragma('page_size', { simple: true }) as number
      return { ...counts, databaseBytes: pageCount * pageSize }
    },
    async close () {
      if (db.$client.open) db.$client.close()
    },
  }
}
