// Opens PostgreSQL through node-postgres: a bounded pool with a per-statement timeout, and
// migrations applied under an advisory lock so that replicas starting together apply each
// migration once.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import * as schema from './schema.js'
import { redactPostgresUrl } from './url.js'

export { isPostgresUrl, redactPostgresUrl } from './url.js'

/** Any Drizzle PostgreSQL database over our schema (node-postgres in production, PGlite in tests). */
export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>

export interface PgOptions {
  poolSize?: number
  /** Server-side cap on each statement, in ms; 0 disables it. */
  statementTimeoutMs?: number
}

export interface PgConnection {
  db: PgDb
  pool: pg.Pool
}

export const pgMigrationsFolder = fileURLToPath(new URL('../../../migrations/pg', import.meta.url))

export function openPg (url: string, options: PgOptions = {}): PgConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A request waits this long for a free connection, then gets a retryable 503.
    connectionTimeoutMillis: 10_000,
    ...(options.statementTimeoutMs !== undefined && options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
  })
  // An idle client losing its connection (server restart, failover) must not crash the process;
  // the pool discards it and the next query opens a new one.
  pool.on('error', () => {})
  return { db: drizzle(pool, { schema }) as unknown as PgDb, pool }
}

// Arbitrary constant shared by every replica: the key of the migration advisory lock.
const migrationLockKey = 7_266_425_019

export async function migratePg ({ pool }: PgConnection, migrationsFolder = pgMigrationsFolder): Promise<void> {
  // One dedicated session holds the lock and runs the migrations, without the statement timeout
  // (an index build may take long); a concurrent replica waits on the lock, then finds nothing to do.
  const session = new pg.Client(pool.options)
  try {
    await session.connect()
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactPostgresUrl(pool.options.connectionString ?? '')}: ${(error as Error).message}`, { cause: error })
  }
  try {
    await session.query('SET statement_timeout = 0')
    await session.query('SELECT pg_advisory_lock($1)', [migrationLockKey])
    await migrate(drizzle(session), { migrationsFolder })
  } finally {
    // Ending the session releases the lock.
    await session.end()
  }
}

/**
 * Timestamp of the newest migration in the folder (drizzle's journal `when`); drizzle records it
 * as `created_at` in `drizzle.__drizzle_migrations` when it applies that migration.
 */
export function latestPgMigrationMillis (migrationsFolder = pgMigrationsFolder): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }
  return Math.max(0, ...journal.entries.map((entry) => entry.when))
}
