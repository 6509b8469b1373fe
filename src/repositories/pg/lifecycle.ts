// PostgreSQL implementation of the lifecycle repository: retention batches, export iteration and
// idempotent import. Each batch is one short transaction; imports take the same conversation row
// lock as appends, so an import and live appends to one conversation serialise across processes.
import { sql, type SQL } from 'drizzle-orm'
import { encodeItem } from '../../items/codec.js'
import type { ExportFilter, ImportedConversation, LifecycleRepository } from '../lifecycle.js'
import type { Metadata } from '../types.js'
import type { PgDb } from './client.js'
import { pgAnswerErasure } from './idempotency.js'

export interface PgLifecycleDeps {
  db: PgDb
  /** Clock in Unix milliseconds. */
  now?: () => number
}

interface ConversationRow { pk: string | number, id: string, owner: string, created_at: string | number, updated_at: string | number, metadata: string }

const rowsOf = async <T>(db: PgDb, query: SQL): Promise<T[]> =>
  ((await db.execute(query)) as unknown as { rows: T[] }).rows

/** Rows affected by a statement whose RETURNING yields one row per change. */
const countOf = async (db: PgDb, query: SQL): Promise<number> => (await rowsOf(db, query)).length

function filterSql (filter: ExportFilter): SQL {
  const clauses = [sql`deleted_at IS NULL`]
  if (filter.owner !== undefined) clauses.push(sql`owner = ${filter.owner}`)
  if (filter.createdFrom !== undefined) clauses.push(sql`created_at >= ${filter.createdFrom}`)
  if (filter.createdBefore !== undefined) clauses.push(sql`created_at < ${filter.createdBefore}`)
  return sql.join(clauses, sql` AND `)
}

// Rows per INSERT: PostgreSQL binds at most 65535 parameters per statement (7 per item row).
const insertChunk = 1000

export function createPgLifecycleRepository ({ db, now = Date.now }: PgLifecycleDeps): LifecycleRepository {
  /**
   * One DELETE per foreign key pointing at `conversations` from a table other than `items`, so rows
   * added by other features (declared with a foreign key) go with their conversation. Read from the
   * catalog on first purge.
   */
  let dependents: Promise<Array<(tx: PgDb, pk: number) => Promise<unknown>>> | undefined
  const dependentDeletes = async () => (dependents ??= rowsOf<{ tbl: string, col: string, ref: string }>(db, sql`
    SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, r.attname AS ref
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND c.confrelid = 'conversations'::regclass AND c.conrelid <> 'items'::regclass`)
    .then((keys) => keys.map(({ tbl, col, ref }) => async (tx: PgDb, pk: number) =>
      tx.execute(sql`DELETE FROM ${sql.raw(tbl)} WHERE ${sql.identifier(col)} = (SELECT ${sql.identifier(ref)} FROM conversations WHERE pk = ${pk})`))))

  const appendRows = async (tx: PgDb, pk: number, newItems: ImportedConversation['items'], updatedAt: number): Promise<void> => {
    if (newItems.length === 0) return
    const [reserved] = await rowsOf<{ next: number }>(tx, sql`
      UPDATE conversations SET next_position = next_position + ${newItems.length}, updated_at = greatest(updated_at, ${updatedAt})
      WHERE pk = ${pk} RETURNING next_position AS next`)
    const first = reserved!.next - newItems.length
    const createdAt = Math.floor(now() / 1000)
    const rows = newItems.map((item, index) => {
      const { body, full } = encodeItem(item.id, item.item)
      return sql`(${pk}, ${first + index}, ${item.id}, ${item.type}, ${body}, ${full}, ${createdAt})`
    })
    for (let start = 0; start < rows.length; start += insertChunk) {
      await tx.execute(sql`INSERT INTO items (conversation_pk, position, id, type, body, "full", created_at)
        VALUES ${sql.join(rows.slice(start, start + insertChunk), sql`, `)}`)
    }
  }

  return {
    async expireConversations (cutoffMs, limit) {
      const at = now()
      // Expiry is a delete: remembered answers about these conversations go with it, in the same
      // statement. A conversation whose creating request is storing its answer holds a FOR SHARE
      // lock (see the idempotency repository), so SKIP LOCKED leaves it to the next pass.
      return countOf(db, sql`
        WITH expired AS (
          UPDATE conversations SET deleted_at = ${at}
          WHERE pk IN (SELECT pk FROM conversations WHERE deleted_at IS NULL AND updated_at <= ${cutoffMs} ORDER BY updated_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          RETURNING owner, id),
        erased AS (
          UPDATE idempotency_keys k SET body = NULL, erased_at = ${at}
          FROM expired WHERE k.owner = expired.owner AND k.conversation_id = expired.id AND k.erased_at IS NULL)
        SELECT id FROM expired`)
    },

    async purgeConversations (cutoffMs, limit) {
      const deletes = await dependentDeletes()
      return db.transaction(async (tx) => {
        const t = tx as unknown as PgDb
        const items = await countOf(t, sql`
          DELETE FROM items WHERE (conversation_pk, position) IN (
            SELECT i.conversation_pk, i.position FROM conversations c JOIN items i ON i.conversation_pk = c.pk
            WHERE c.deleted_at IS NOT NULL AND c.deleted_at <= ${cutoffMs} LIMIT ${limit})
          RETURNING position`)
        let conversations = 0
        if (items < limit) {
          const empty = await rowsOf<{ pk: string | number }>(t, sql`
            SELECT pk FROM conversations c
            WHERE c.deleted_at IS NOT NULL AND c.deleted_at <= ${cutoffMs}
              AND NOT EXISTS (SELECT 1 FROM items i WHERE i.conversation_pk = c.pk)
            LIMIT ${limit - items}`)
          const at = now()
          for (const { pk } of empty) {
            for (const remove of deletes) await remove(t, Number(pk))
            await pgAnswerErasure.conversationPurged(t, Number(pk), at)
            conversations += await countOf(t, sql`DELETE FROM conversations WHERE pk = ${Number(pk)} RETURNING pk`)
          }
        }
        return { conversations, items }
      })
    },

    async purgeDeletedItems (cutoffMs, limit) {
      return countOf(db, sql`
        DELETE FROM items WHERE (conversation_pk, position) IN (
          SELECT conversation_pk, position FROM items WHERE deleted_at IS NOT NULL AND deleted_at <= ${cutoffMs} LIMIT ${limit})
        RETURNING position`)
    },

    async countConversations (filter) {
      const [row] = await rowsOf<{ count: string | number }>(db, sql`SELECT count(*) AS count FROM conversations WHERE ${filterSql(filter)}`)
      return Number(row!.count)
    },

    async listConversations (filter, after, limit) {
      const rows = await rowsOf<ConversationRow>(db, sql`
        SELECT pk, id, owner, created_at, updated_at, metadata FROM conversations
        WHERE ${filterSql(filter)} AND pk > ${after === undefined ? 0 : Number(after)} ORDER BY pk LIMIT ${limit}`)
      return rows.map((row) => ({
        id: row.id,
        owner: row.owner,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        metadata: JSON.parse(row.metadata) as Metadata,
        cursor: String(row.pk),
      }))
    },

    async listItems (conversationId, afterPosition, limit) {
      return rowsOf<{ position: number, json: string }>(db, sql`
        SELECT i.position, coalesce(i."full", i.body) AS json FROM items i
        JOIN conversations c ON c.pk = i.conversation_pk
        WHERE c.id = ${conversationId} AND c.deleted_at IS NULL AND i.position > ${afterPosition} AND i.deleted_at IS NULL
        ORDER BY i.position LIMIT ${limit}`)
    },

    async importConversation (input) {
      return db.transaction(async (tx) => {
        const t = tx as unknown as PgDb
        // Creating is INSERT … ON CONFLICT DO NOTHING: two imports of one id cannot both create it.
        const created = await rowsOf<{ pk: string | number }>(t, sql`
          INSERT INTO conversations (id, owner, created_at, updated_at, metadata, next_position)
          VALUES (${input.id}, ${input.owner}, ${input.createdAt}, ${input.updatedAt}, ${JSON.stringify(input.metadata)}, 0)
          ON CONFLICT (id) DO NOTHING RETURNING pk`)
        if (created[0] !== undefined) {
          await appendRows(t, Number(created[0].pk), input.items, input.updatedAt)
          return { status: 'created' as const, itemsAdded: input.items.length }
        }
        // Locks the existing row: concurrent appends and imports to it wait for this one.
        const [existing] = await rowsOf<{ pk: string | number, owner: string, deleted_at: string | number | null }>(t, sql`
          SELECT pk, owner, deleted_at FROM conversations WHERE id = ${input.id} FOR UPDATE`)
        if (existing!.owner !== input.owner) return { status: 'conflict' as const, reason: `conversation '${input.id}' already exists for another owner` }
        if (existing!.deleted_at !== null) return { status: 'conflict' as const, reason: `conversation '${input.id}' exists and was deleted` }
        const pk = Number(existing!.pk)
        // Ids already held, tombstones included: an item id is never reused in a conversation.
        const held = new Set((await rowsOf<{ id: string }>(t, sql`SELECT id FROM items WHERE conversation_pk = ${pk}`)).map((r) => r.id))
        const missing = input.items.filter((item) => !held.has(item.id))
        await appendRows(t, pk, missing, input.updatedAt)
        return { status: missing.length === 0 ? 'unchanged' as const : 'merged' as const, itemsAdded: missing.length }
      })
    },
  }
}
