// SQLite storage of Idempotency-Key records. A claim is one INSERT … ON CONFLICT, so two requests
// with the same key (even from two processes sharing the file) can never both win it.
import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import type { IdempotencyRecord, IdempotencyRepository } from '../types.js'
import type { SqliteDb } from './client.js'
import { idempotencyKeys } from './schema.js'

export interface SqliteIdempotencyDeps {
  db: SqliteDb
  /** Clock in Unix milliseconds. */
  now?: () => number
}

export function createSqliteIdempotencyRepository ({ db, now = Date.now }: SqliteIdempotencyDeps): IdempotencyRepository {
  const live = (owner: string, key: string, at: number): IdempotencyRecord | undefined =>
    db.select({ requestHash: idempotencyKeys.requestHash, status: idempotencyKeys.status, body: idempotencyKeys.body })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.owner, owner), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.expiresAt} > ${at}`))
      .get()

  return {
    async claim (owner, key, requestHash, ttlMs) {
      const at = now()
      return db.transaction(() => {
        // An expired record no longer exists as far as clients are concerned: overwrite it.
        const inserted = db.insert(idempotencyKeys)
          .values({ owner, key, requestHash, status: null, body: null, createdAt: at, expiresAt: at + ttlMs })
          .onConflictDoUpdate({
            target: [idempotencyKeys.owner, idempotencyKeys.key],
            set: { requestHash, status: null, body: null, createdAt: at, expiresAt: at + ttlMs },
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

    async complete (owner, key, status, body) {
      db.update(idempotencyKeys).set({ status, body })
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
