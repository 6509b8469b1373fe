// PostgreSQL storage of Idempotency-Key records. A claim is one INSERT … ON CONFLICT DO UPDATE
// … WHERE expired, so two requests with the same key, from any processes, can never both win it.
// Also the erasure of remembered answers, which the deletes and the purge run inside their own
// transactions.
import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import { jsonTextOf } from '../../items/codec.js'
import { toIdempotencyRecord } from '../idempotency-record.js'
import type { IdempotencyRecord, IdempotencyRepository } from '../types.js'
import type { PgDb } from './client.js'
import { storable } from './errors.js'
import { conversations, idempotencyKeys } from './schema.js'

const recordColumns = {
  requestHash: idempotencyKeys.requestHash,
  status: idempotencyKeys.status,
  body: idempotencyKeys.body,
  erasedAt: idempotencyKeys.erasedAt,
}

export function createPgIdempotencyRepository ({ db, now = Date.now }: { db: PgDb, now?: () => number }): IdempotencyRepository {
  const live = async (owner: string, key: string, at: number): Promise<IdempotencyRecord | undefined> => {
    const [row] = await db.select(recordColumns).from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > ${at}`))
    return row === undefined ? undefined : toIdempotencyRecord(row)
  }

  return {
    async claim (owner, key, requestHash, ttlMs, conversationId) {
      const at = now()
      // An id PostgreSQL cannot store (NUL) names no conversation, so nothing can ever be erased by it.
      const fresh = { requestHash, status: null, body: null, conversationId: conversationId !== undefined && storable(conversationId) ? conversationId : null, erasedAt: null, createdAt: at, expiresAt: at + ttlMs }
      // An expired record no longer exists as far as clients are concerned: overwrite it. The
      // conflicting row is locked by the INSERT until commit, so the read below sees the winner.
      return db.transaction(async (tx) => {
        const inserted = await tx.insert(idempotencyKeys)
          .values({ owner, key, ...fresh })
          .onConflictDoUpdate({
            target: [idempotencyKeys.owner, idempotencyKeys.key],
            set: fresh,
            setWhere: lt(idempotencyKeys.expiresAt, at + 1),
          })
          .returning({ owner: idempotencyKeys.owner })
        if (inserted.length > 0) return { claimed: true as const }
        const [record] = await tx.select(recordColumns).from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)))
        return { claimed: false as const, record: toIdempotencyRecord(record!) }
      })
    },

    async find (owner, key) {
      return live(owner, key, now())
    },

    async complete (owner, key, status, body, createdConversationId) {
      const mine = and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status))
      // An erasure that ran while the request was in progress keeps the answer from being stored.
      // A concurrent erasure of this row waits for (or is waited on by) this UPDATE's row lock, and
      // the CASE then reads the row as that erasure left it.
      const store = async (tx: PgDb, deleted: boolean): Promise<void> => {
        const erased = deleted ? sql`true` : sql`${idempotencyKeys.erasedAt} IS NOT NULL`
        await tx.update(idempotencyKeys).set({
          status,
          body: sql`CASE WHEN ${erased} THEN NULL ELSE ${body} END`,
          erasedAt: sql`CASE WHEN ${erased} THEN coalesce(${idempotencyKeys.erasedAt}, ${now()}) END`,
          ...(createdConversationId === undefined ? {} : { conversationId: createdConversationId }),
        }).where(mine)
      }
      if (createdConversationId === undefined) return store(db, false)
      // The created conversation is known only now, so a delete of it could not find this record yet.
      // FOR SHARE waits for a delete of it in flight (and makes a later one wait for this commit, after
      // which the delete's erasure sees the record).
      await db.transaction(async (tx) => {
        const [created] = await tx.select({ deletedAt: conversations.deletedAt }).from(conversations)
          .where(eq(conversations.id, createdConversationId)).for('share')
        await store(tx as unknown as PgDb, created !== undefined && created.deletedAt !== null)
      })
    },

    async release (owner, key) {
      await db.delete(idempotencyKeys)
        .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)))
    },

    async purgeExpired () {
      const deleted = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now() + 1)).returning({ key: idempotencyKeys.key })
      return deleted.length
    },
  }
}

/**
 * Erasure of remembered answers that hold deleted content. Each function runs on the transaction of
 * the delete that requires it, after that delete's conversation UPDATE (whose row lock orders it with
 * the FOR SHARE read of `complete`). An erased record keeps its key until it expires, so a retry is
 * refused rather than run again.
 */
export const pgAnswerErasure = {
  /** The owner's answers about a conversation being deleted (including requests still in progress). */
  async conversationDeleted (tx: PgDb, owner: string, conversationId: string, at: number): Promise<void> {
    await tx.update(idempotencyKeys).set({ body: null, erasedAt: at })
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.conversationId, conversationId), isNull(idempotencyKeys.erasedAt)))
  },

  /**
   * The owner's answers of the conversation that hold an item being deleted, and those still in
   * progress (their answer might hold it). A body merely mentioning the id is erased too.
   */
  async itemDeleted (tx: PgDb, owner: string, conversationId: string, itemId: string, at: number): Promise<void> {
    await tx.update(idempotencyKeys).set({ body: null, erasedAt: at })
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.conversationId, conversationId), isNull(idempotencyKeys.erasedAt),
        sql`(${idempotencyKeys.status} IS NULL OR strpos(${idempotencyKeys.body}, ${jsonTextOf(itemId)}) > 0)`))
  },

  /** Every answer about a conversation being purged (by pk), and the link to it, so no row names it any more. */
  async conversationPurged (tx: PgDb, conversationPk: number, at: number): Promise<void> {
    await tx.execute(sql`UPDATE idempotency_keys SET body = NULL, erased_at = coalesce(erased_at, ${at}), conversation_id = NULL
      WHERE (owner, conversation_id) = (SELECT owner, id FROM conversations WHERE pk = ${conversationPk})`)
  },
}
