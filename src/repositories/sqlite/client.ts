// Opens a SQLite database with the pragmas the server relies on: WAL (readers never block the
// writer), a busy timeout (several processes may share the file), durable commits by default.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

export interface SqliteOptions {
  synchronous?: 'FULL' | 'NORMAL' | 'EXTRA' | 'OFF'
  busyTimeoutMs?: number
  readonly?: boolean
}

export const sqliteMigrationsFolder = fileURLToPath(new URL('../../../migrations/sqlite', import.meta.url))

/** `:memory:`, a path, or a `sqlite:`/`file:` URL → a path better-sqlite3 understands. */
export function sqlitePathFromUrl (url: string): string {
  if (url === ':memory:') return url
  const stripped = url.replace(/^sqlite:(\/\/)?/, '').replace(/^file:(\/\/)?/, '')
  return stripped === ':memory:' ? stripped : resolve(stripped)
}

/**
 * Switching a new file to WAL needs a moment of exclusive access, and SQLite answers SQLITE_BUSY
 * at once, without its busy handler, when another process is opening the same file at that
 * moment (two servers started together on a fresh file). Retry for as long as the busy timeout.
 */
export function retryWhileBusy (run: () => unknown, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs
  for (let pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, 100)) {
    try {
      run()
      return
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error
      // A synchronous pause: this runs once, while the store is opened, before anything is served.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs)
    }
  }
}

export function openSqlite (url: string, options: SqliteOptions = {}): SqliteDb {
  const path = sqlitePathFromUrl(url)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const client = new Database(path, { readonly: options.readonly ?? false })
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000
  client.pragma(`busy_timeout = ${busyTimeoutMs}`)
  if (path !== ':memory:' && options.readonly !== true) retryWhileBusy(() => client.pragma('journal_mode = WAL'), busyTimeoutMs)
  client.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
  client.pragma('foreign_keys = ON')
  return drizzle(client, { schema }) as SqliteDb
}

/**
 * Applies pending migrations. Drizzle reads the applied list before it opens its transaction, so
 * when two processes start together on one file the later one may replay a migration the other
 * has just committed and fail on it; read again and retry then (the rerun sees it applied).
 */
export function migrateSqlite (db: SqliteDb, migrationsFolder = sqliteMigrationsFolder, attempts = 3): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder })
      return
    } catch (error) {
      if (attempt >= attempts) throw error
    }
  }
}

/**
 * Timestamp of the newest migration in the folder (drizzle's journal `when`). Drizzle records it
 * as `created_at` in `__drizzle_migrations` when it applies that migration.
 */
export function latestMigrationMillis (migrationsFolder = sqliteMigrationsFolder): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }
  return Math.max(0, ...journal.entries.map((entry) => entry.when))
}
