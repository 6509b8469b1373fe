// SQLite storage of Idempotency-Key records. A claim is one INSERT … ON CONFLICT, so two requests
// with the same key (even from two processes sharing the file) can never both win it. Also the
// erasure of remembered answers, which the deletes and the purge run inside their own transactions.
import type Database from 'better-sqlite3'
import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import { jsonTextOf } from '../../items/codec.js'
import { toIdempotencyRecord } from '../idempotency-record.js'
import type { IdempotencyRecord, IdempotencyRepository } from '../types.js'
import type { SqliteDb } from './client.js'
import { conversations, idempotencyKeys } from './schema.js'

export interface SqliteIdempotencyDeps {
  db: SqliteDb
  /** Clock in Unix milliseconds. */
  now?: () => number
}

const recordColumns = {
  requestHash: idempotencyKeys.requestHash,
  status: idempotencyKeys.status,
  body: idempotencyKeys.body,
  erasedAt: idempotencyKeys.erasedAt,
}

export function createSqliteIdempotencyRepository ({ db, now = Date.now }: SqliteIdempotencyDeps): IdempotencyRepository {
  const live = (owner: string, key: string, at: number): IdempotencyRecord | undefined => {
    const row = db.select(recordColumns).from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > ${at}`))
      .get()
    return row === undefined ? undefined : toIdempotencyRecord(row)
  }

  return {
    async claim (owner, key, requestHash, ttlMs, conversationId) {
      const at = now()
      const fresh = { requestHash, status: null, body: null, conversationId: conversationId ?? null, erasedAt: null, createdAt: at, expiresAt: at + ttlMs }
      return db.transaction(() => {
        // An expired record no longer exists as far as clients are concerned: overwrite it.
        const inserted = db.insert(idempotencyKeys)
          .values({ owner, key, ...fresh })
          .onConflictDoUpdate({
            target: [idempotencyKeys.owner, idempotencyKeys.key],
            set: fresh,
            setWhere: lt(idempotencyKeys.expiresAt, at + 1),
          })
          .run()
        if (inserted.changes > 0) return { claimed: true as const }
        return { claimed: false as const, record: live(owner, key, at)! }
      }, { behavior: 'immediate' })
    },

    async find (owner, key) {
      return live(owner, key, now())
    },

    async complete (owner, key, status, body, createdConversationId) {
      // One statement: an erasure that ran while the request was in progress, or the deletion of the
      // conversation it created (possible once its id is known), keeps the answer from being stored.
      const erased = createdConversationId === undefined
        ? sql`${idempotencyKeys.erasedAt} IS NOT NULL`
        : sql`(${idempotencyKeys.erasedAt} IS NOT NULL OR EXISTS (SELECT 1 FROM ${conversations}
            WHERE ${conversations.id} = ${createdConversationId} AND ${conversations.deletedAt} IS NOT NULL))`
      db.update(idempotencyKeys).set({
        status,
        body: sql`CASE WHEN ${erased} THEN NULL ELSE ${body} END`,
        erasedAt: sql`CASE WHEN ${erased} THEN coalesce(${idempotencyKeys.erasedAt}, ${now()}) END`,
        ...(createdConversationId === undefined ? {} : { conversationId: createdConversationId }),
      })
        .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)))
        .run()
    },

    async release (owner, key) {
      db.delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)))
        .run()
    },

    async purgeExpired () {
      return db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now() + 1)).run().changes
    },
  }
}

/**
 * Erasure of remembered answers that hold deleted content. Each method must run inside the
 * transaction of the delete that requires it, so the answer and the content go together. An erased
 * record keeps its key (until it expires) so that a retry is refused rather than run again.
 */
export interface SqliteAnswerErasure {
  /** The owner's answers about a conversation being deleted (including requests still in progress). */
  conversationDeleted (owner: string, conversationId: string, at: number): void
  /**
   * The owner's answers of the conversation that hold an item being deleted, and those still in
   * progress (their answer might hold it). A body merely mentioning the id is erased too.
   */
  itemDeleted (owner: string, conversationId: string, itemId: string, at: number): void
  /** Every answer about a conversation being purged, and the link to it, so no row names it any more. */
  conversationPurged (owner: string, conversationId: string, at: number): void
}

export function createSqliteAnswerErasure (client: Database.Database): SqliteAnswerErasure {
  // Prepared on first use, as the tables may be migrated after the repositories are created.
  let statements: Record<'conversation' | 'item' | 'purge', Database.Statement> | undefined
  const prepared = () => (statements ??= {
    conversation: client.prepare(`UPDATE idempotency_keys SET body = NULL, erased_at = @at
      WHERE owner = @owner AND conversation_id = @conversationId AND erased_at IS NULL`),
    item: client.prepare(`UPDATE idempotency_keys SET body = NULL, erased_at = @at
      WHERE owner = @owner AND conversation_id = @conversationId AND erased_at IS NULL
        AND (status IS NULL OR instr(body, @needle) > 0)`),
    purge: client.prepare(`UPDATE idempotency_keys SET body = NULL, erased_at = coalesce(erased_at, @at), conversation_id = NULL
      WHERE owner = @owner AND conversation_id = @conversationId`),
  })
  return {
    conversationDeleted (owner, conversationId, at) { prepared().conversation.run({ owner, conversationId, at }) },
    itemDeleted (owner, conversationId, itemId, at) { prepared().item.run({ owner, conversationId, needle: jsonTextOf(itemId), at }) },
    conversationPurged (owner, conversationId, at) { prepared().purge.run({ owner, conversationId, at }) },
  }
}
