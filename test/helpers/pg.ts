// PostgreSQL databases for tests. TEST_BACKEND (set per vitest project) picks the store the
// backend-agnostic suites run on: `sqlite` (default), `pglite` (PostgreSQL compiled to WASM,
// in-process) or `postgres` (the server at TEST_DATABASE_URL, one fresh database per test file).
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { inject } from 'vitest'
import { migratePg, openPg, pgMigrationsFolder, type PgDb } from '../../src/repositories/pg/client.js'
import { createPgRepositories } from '../../src/repositories/pg/repositories.js'
import * as schema from '../../src/repositories/pg/schema.js'
import type { Repositories } from '../../src/repositories/types.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Prefix of the databases this test run creates on TEST_DATABASE_URL (dropped at the end). */
    pgDatabasePrefix: string
    /** A migrated PGlite data directory image (tar) to start each test file from. */
    pgliteImage: string
  }
}

export type TestBackend = 'sqlite' | 'pglite' | 'postgres'

export const testBackend: TestBackend = (process.env.TEST_BACKEND as TestBackend | undefined) ?? 'sqlite'

export interface TestPgDatabase {
  db: PgDb
  /** postgres:// URL of the database (server backend only). */
  url?: string
  /** Empties every table, keeping the schema. */
  reset: () => Promise<void>
}

/** `TEST_DATABASE_URL` with another database name. */
export function withDatabase (url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Creates a fresh database on the TEST_DATABASE_URL server and returns its URL. */
export async function createServerDatabase (): Promise<string> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (serverUrl === undefined || serverUrl === '') throw new Error('TEST_DATABASE_URL is not set')
  const name = `${inject('pgDatabasePrefix')}${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  return withDatabase(serverUrl, name)
}

async function openPgliteDatabase (): Promise<TestPgDatabase> {
  const client = new PGlite({ loadDataDir: new Blob([readFileSync(inject('pgliteImage'))]) })
  const db = drizzlePglite(client, { schema })
  // A no-op on the migrated image; applies anything newer than it.
  await migratePglite(db, { migrationsFolder: pgMigrationsFolder })
  return { db: db as unknown as PgDb, reset: await resetter(db as unknown as PgDb) }
}

async function openServerDatabase (): Promise<TestPgDatabase> {
  const url = await createServerDatabase()
  const connection = openPg(url, { poolSize: 4 })
  await migratePg(connection)
  return { db: connection.db, url, reset: await resetter(connection.db) }
}

async function resetter (db: PgDb): Promise<() => Promise<void>> {
  // Both drivers answer { rows }; the shared PgDatabase type leaves the result shape open.
  const tables = await db.execute(sql`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`) as unknown as { rows: Array<{ name: string }> }
  const list = tables.rows.map((t) => `public.${t.name}`).join(', ')
  return async () => { await db.execute(sql.raw(`TRUNCATE ${list} RESTART IDENTITY CASCADE`)) }
}

let shared: Promise<TestPgDatabase> | undefined

/** The test file's PostgreSQL database (PGlite or a fresh server database), opened once. */
export async function testPgDatabase (): Promise<TestPgDatabase> {
  shared ??= testBackend === 'postgres' ? openServerDatabase() : openPgliteDatabase()
  return shared
}

/** Repositories on the file's PostgreSQL database, emptied first; closing them keeps the database open. */
export async function makeTestPgRepositories (options: { now?: () => number } = {}): Promise<Repositories> {
  const database = await testPgDatabase()
  await database.reset()
  return createPgRepositories({ db: database.db, ...options })
}
