// SQLite implementation of the lifecycle repository. Every batch is one short synchronous
// IMMEDIATE transaction (better-sqlite3 transactions cannot await), so requests queue behind a
// retention batch for milliseconds at most. Plain prepared statements: these are bulk operations
// over rowids that the query builder would only obscure.
import { encodeItem } from '../../items/codec.js'
import type { ExportFilter, ImportedConversation, LifecycleRepository } from '../lifecycle.js'
import type { Metadata } from '../types.js'
import type { SqliteDb } from './client.js'
import { createSqliteAnswerErasure } from './idempotency.js'
import { createItemRowWriter } from './item-rows.js'

export interface SqliteLifecycleDeps {
  db: SqliteDb
  /** Clock in Unix milliseconds. */
  now?: () => number
}

interface ConversationRow { pk: number, id: string, owner: string, created_at: number, updated_at: number, metadata: string }

/** WHERE clause and parameters of an export filter over live conversations. */
function filterSql (filter: ExportFilter): { where: string, params: Record<string, unknown> } {
  const clauses = ['deleted_at IS NULL']
  const params: Record<string, unknown> = {}
  if (filter.owner !== undefined) { clauses.push('owner = @owner'); params.owner = filter.owner }
  if (filter.createdFrom !== undefined) { clauses.push('created_at >= @from'); params.from = filter.createdFrom }
  if (filter.createdBefore !== undefined) { clauses.push('created_at < @before'); params.before = filter.createdBefore }
  return { where: clauses.join(' AND '), params }
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

/**
 * One DELETE per foreign key pointing at `conversations` from a table other than `items`, so that
 * rows added by other features (declared with a foreign key) go with their conversation, and a
 * purge never fails on a foreign-key constraint. Read from the schema when the repository is created.
 */
function dependentRowDeletes (client: SqliteDb['$client']): Array<{ run: (pk: number) => unknown }> {
  const tables = client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('items', 'conversations')").pluck().all() as string[]
  return tables.flatMap((table) => {
    const keys = client.prepare(`SELECT "from", "to" FROM pragma_foreign_key_list(?) WHERE "table" = 'conversations'`).all(table) as Array<{ from: string, to: string | null }>
    return keys.map(({ from, to }) => client.prepare(
      `DELETE FROM ${quote(table)} WHERE ${quote(from)} = (SELECT ${quote(to ?? 'pk')} FROM conversations WHERE pk = ?)`))
  })
}

export function createSqliteLifecycleRepository ({ db, now = Date.now }: SqliteLifecycleDeps): LifecycleRepository {
  const client = db.$client
  const dependents = dependentRowDeletes(client)
  const erasure = createSqliteAnswerErasure(client)
  const immediate = <T>(run: () => T): T => client.transaction(run).immediate()

  const expire = client.prepare(`
    UPDATE conversations SET deleted_at = @now
    WHERE pk IN (SELECT pk FROM conversations WHERE deleted_at IS NULL AND updated_at <= @cutoff ORDER BY updated_at LIMIT @limit)
    RETURNING owner, id`)

  const purgeItemsOfDeleted = client.prepare(`
    DELETE FROM items WHERE rowid IN (
      SELECT i.rowid FROM conversations c JOIN items i ON i.conversation_pk = c.pk
      WHERE c.deleted_at IS NOT NULL AND c.deleted_at <= @cutoff LIMIT @limit)`)
  const emptyDeletedConversations = client.prepare(`
    SELECT pk, owner, id FROM conversations c
    WHERE c.deleted_at IS NOT NULL AND c.deleted_at <= @cutoff
      AND NOT EXISTS (SELECT 1 FROM items i WHERE i.conversation_pk = c.pk)
    LIMIT @limit`)
  const deleteConversation = client.prepare('DELETE FROM conversations WHERE pk = ?')

  const purgeTombstones = client.prepare(`
    DELETE FROM items WHERE rowid IN (
      SELECT rowid FROM items WHERE deleted_at IS NOT NULL AND deleted_at <= @cutoff LIMIT @limit)`)

  const conversationByIdAnyState = client.prepare('SELECT pk, owner, deleted_at FROM conversations WHERE id = ?')
  const livePkById = client.prepare('SELECT pk FROM conversations WHERE id = ? AND deleted_at IS NULL').pluck()
  const itemsAfter = client.prepare(`
    SELECT position, coalesce("full", body) AS json FROM items
    WHERE conversation_pk = ? AND position > ? AND deleted_at IS NULL ORDER BY position LIMIT ?`)
  const itemIdExists = client.prepare('SELECT 1 FROM items WHERE conversation_pk = ? AND id = ?').pluck()
  const insertConversation = client.prepare(`
    INSERT INTO conversations (id, owner, created_at, updated_at, metadata, next_position)
    VALUES (@id, @owner, @createdAt, @updatedAt, @metadata, 0)`)
  const reservePositions = client.prepare(`
    UPDATE conversations SET next_position = next_position + @count, updated_at = max(updated_at, @updatedAt)
    WHERE pk = @pk RETURNING next_position`).pluck()
  const itemRows = createItemRowWriter(db)

  /** Appends items to a conversation row; must run inside a transaction. */
  const appendRows = (owner: string, pk: number, newItems: ImportedConversation['items'], updatedAt: number): void => {
    if (newItems.length === 0) return
    const next = reservePositions.get({ pk, count: newItems.length, updatedAt }) as number
    const first = next - newItems.length
    const createdAt = Math.floor(now() / 1000)
    newItems.forEach((item, index) => {
      const { body, full, readable } = encodeItem(item.id, item.item)
      itemRows.insert(owner, { conversationPk: pk, position: first + index, id: item.id, type: item.type, body, full, createdAt }, readable)
    })
  }

  return {
    async expireConversations (cutoffMs, limit) {
      return immediate(() => {
        const at = now()
        const expired = expire.all({ now: at, cutoff: cutoffMs, limit }) as Array<{ owner: string, id: string }>
        // Expiry is a delete: remembered answers about these conversations go with it, as with DELETE.
        for (const { owner, id } of expired) erasure.conversationDeleted(owner, id, at)
        return expired.length
      })
    },

    async purgeConversations (cutoffMs, limit) {
      return immediate(() => {
        const items = purgeItemsOfDeleted.run({ cutoff: cutoffMs, limit }).changes
        let conversations = 0
        if (items < limit) {
          const at = now()
          for (const { pk, owner, id } of emptyDeletedConversations.all({ cutoff: cutoffMs, limit: limit - items }) as Array<{ pk: number, owner: string, id: string }>) {
            for (const dependent of dependents) dependent.run(pk)
            erasure.conversationPurged(owner, id, at)
            conversations += deleteConversation.run(pk).changes
          }
        }
        return { conversations, items }
      })
    },

    async purgeDeletedItems (cutoffMs, limit) {
      return immediate(() => purgeTombstones.run({ cutoff: cutoffMs, limit }).changes)
    },

    async countConversations (filter) {
      const { where, params } = filterSql(filter)
      return client.prepare(`SELECT count(*) FROM conversations WHERE ${where}`).pluck().get(params) as number
    },

    async listConversations (filter, after, limit) {
      const { where, params } = filterSql(filter)
      const rows = client.prepare(`
        SELECT pk, id, owner, created_at, updated_at, metadata FROM conversations
        WHERE ${where} AND pk > @after ORDER BY pk LIMIT @limit`)
        .all({ ...params, after: after === undefined ? 0 : Number(after), limit }) as ConversationRow[]
      return rows.map((row) => ({
        id: row.id,
        owner: row.owner,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        metadata: JSON.parse(row.metadata) as Metadata,
        cursor: String(row.pk),
      }))
    },

    async listItems (conversationId, afterPosition, limit) {
      const pk = livePkById.get(conversationId) as number | undefined
      if (pk === undefined) return []
      return itemsAfter.all(pk, afterPosition, limit) as Array<{ position: number, json: string }>
    },

    async importConversation (input) {
      return immediate(() => {
        const existing = conversationByIdAnyState.get(input.id) as { pk: number, owner: string, deleted_at: number | null } | undefined
        if (existing === undefined) {
          const { lastInsertRowid } = insertConversation.run({
            id: input.id,
            owner: input.owner,
            createdAt: input.createdAt,
            updatedAt: input.updatedAt,
            metadata: JSON.stringify(input.metadata),
          })
          appendRows(input.owner, Number(lastInsertRowid), input.items, input.updatedAt)
          return { status: 'created' as const, itemsAdded: input.items.length }
        }
        if (existing.owner !== input.owner) return { status: 'conflict' as const, reason: `conversation '${input.id}' already exists for another owner` }
        if (existing.deleted_at !== null) return { status: 'conflict' as const, reason: `conversation '${input.id}' exists and was deleted` }
        // Ids already held, tombstones included: an item id is never reused in a conversation.
        const missing = input.items.filter((item) => itemIdExists.get(existing.pk, item.id) === undefined)
        appendRows(input.owner, existing.pk, missing, input.updatedAt)
        return { status: missing.length === 0 ? 'unchanged' as const : 'merged' as const, itemsAdded: missing.length }
      })
    },
  }
}
