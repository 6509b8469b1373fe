// PostgreSQL storage of Idempotency-Key records. A claim is one INSERT … ON CONFLICT DO UPDATE
// … WHERE expired, so two requests with the same key, from any processes, can never both win it.
import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import type { IdempotencyRecord, IdempotencyRepository } from '../types.js'
import type { PgDb } from './client.js'
import { idempotencyKeys } from './schema.js'

export function createPgIdempotencyRepository ({ db, now = Date.now }: { db: PgDb, now?: () => number }): IdempotencyRepository {
  const live = async (owner: string, key: string, at: number): Promise<IdempotencyRecord | undefined> => {
    const [row] = await db.select({ requestHash: idempotencyKeys.requestHash, status: idempotencyKeys.status, body: idempotencyKeys.body })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > ${at}`))
    return row
  }

  return {
    async claim (owner, key, requestHash, ttlMs) {
      const at = now()
      // An expired record no longer exists as far as clients are concerned: overwrite it. The
      // conflicting row is locked by the INSERT until commit, so the read below sees the winner.
      return db.transaction(async (tx) => {
        const inserted = await tx.insert(idempotencyKeys)
          .values({ owner, key, requestHash, status: null, body: null, createdAt: at, expiresAt: at + ttlMs })
          .onConflictDoUpdate({
            target: [idempotencyKeys.owner, idempotencyKeys.key],
            set: { requestHash, status: null, body: null, createdAt: at, expiresAt: at + ttlMs },
            setWhere: lt(idempotencyKeys.expiresAt, at + 1),
          })
          .returning({ owner: idempotencyKeys.owner })
        if (inserted.length > 0) return { claimed: true as const }
        const [record] = await tx.select({ requestHash: idempotencyKeys.requestHash, status: idempotencyKeys.status, body: idempotencyKeys.body })
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key)))
        return { claimed: false as const, record: record! }
      })
    },

    async find (owner, key) {
      return live(owner, key, now())
    },

    async complete (owner, key, status, body) {
      await db.update(idempotencyKeys).set({ status, body })
        .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status)))
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
