// Where deleted data could still hide: every table of a store is read and searched for given ids
// and words, on SQLite and on PostgreSQL, so erasure promises are checked against the storage
// itself rather than through the API that is supposed to hide the data.
import type { FastifyInstance } from 'fastify'
import { sql } from 'drizzle-orm'
import { expect } from 'vitest'
import type { Config } from '../../src/config.js'
import type { PgDb } from '../../src/repositories/pg/client.js'
import { migrateSqlite, openSqlite, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import type { Repositories } from '../../src/repositories/types.js'
import { buildTestApp } from './app.js'
import { makeTestPgRepositories, testBackend, testPgDatabase } from './pg.js'

export interface Traces { ids: string[], words: string[] }

/** Table → the traces it holds; tables holding none are absent. */
export type TraceReport = Record<string, string[]>

/** Tables that never hold conversation data (migration bookkeeping). */
const bookkeeping = new Set(['__drizzle_migrations'])

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

function record (report: TraceReport, table: string, text: string, needles: string[]): void {
  for (const needle of needles) {
    if (!text.includes(needle)) continue
    const held = (report[table] ??= [])
    if (!held.includes(needle)) held.push(needle)
  }
}

interface SqliteTable { name: string, sql: string }

function sqliteTables (db: SqliteDb): { ordinary: SqliteTable[], fullText: SqliteTable[] } {
  const tables = db.$client.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as SqliteTable[]
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql))
  // Shadow tables of full-text indexes legitimately keep superseded terms until segments merge.
  const shadowOf = (name: string): boolean => virtual.some((v) => name.startsWith(`${v.name}_`))
  return {
    ordinary: tables.filter((t) => !virtual.includes(t) && !shadowOf(t.name) && !bookkeeping.has(t.name)),
    fullText: virtual.filter((t) => /USING\s+fts5/i.test(t.sql)),
  }
}

/**
 * Every SQLite table holding one of the ids or words: ordinary tables are read row by row, FTS5
 * tables queried with MATCH for each word (their shadow tables are skipped).
 */
export function sqliteTraces (db: SqliteDb, traces: Traces): TraceReport {
  const client = db.$client
  const report: TraceReport = {}
  const { ordinary, fullText } = sqliteTables(db)
  for (const table of fullText) {
    for (const word of traces.words) {
      const hits = client.prepare(`SELECT count(*) FROM ${quote(table.name)} WHERE ${quote(table.name)} MATCH ?`).pluck().get(`"${word}"`) as number
      if (hits > 0) record(report, table.name, word, [word])
    }
  }
  for (const table of ordinary) {
    for (const row of client.prepare(`SELECT * FROM ${quote(table.name)}`).raw().iterate() as Iterable<unknown[]>) {
      for (const value of row) record(report, table.name, Buffer.isBuffer(value) ? value.toString('latin1') : String(value), [...traces.ids, ...traces.words])
    }
  }
  return report
}

/** The SQLite tables that store data: the ordinary ones and the full-text indexes. */
export function sqliteDataTables (db: SqliteDb): string[] {
  const { ordinary, fullText } = sqliteTables(db)
  return [...ordinary, ...fullText].map((t) => t.name).sort()
}

const rowsOf = async <T>(db: PgDb, query: ReturnType<typeof sql>): Promise<T[]> =>
  ((await db.execute(query)) as unknown as { rows: T[] }).rows

/** The PostgreSQL tables of the public schema (the migration journal lives in its own schema). */
export async function pgDataTables (db: PgDb): Promise<string[]> {
  const tables = await rowsOf<{ name: string }>(db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)
  return tables.map((t) => t.name).filter((name) => !bookkeeping.has(name)).sort()
}

/** Every PostgreSQL table holding one of the ids or words, each row read whole as text (generated tsvector columns included). */
export async function pgTraces (db: PgDb, traces: Traces): Promise<TraceReport> {
  const report: TraceReport = {}
  for (const table of await pgDataTables(db)) {
    for (const { row } of await rowsOf<{ row: string }>(db, sql.raw(`SELECT t::text AS row FROM public.${quote(table)} t`))) {
      record(report, table, row, [...traces.ids, ...traces.words])
    }
  }
  return report
}

/**
 * Fails unless every table that stores data holds one of the traces. Run before the delete or purge
 * under test: a trace test must put data in every table, so a table added later that the delete does
 * not clean cannot slip past the check that nothing remains.
 */
export function expectTracesInEveryTable (report: TraceReport, dataTables: string[]): void {
  expect(Object.keys(report).sort()).toEqual(dataTables)
}

export interface TracedStore {
  app: FastifyInstance
  repos: Repositories
  /** Where the traces are found in the store the app uses. */
  traces: (traces: Traces) => Promise<TraceReport>
  /** The store's tables that hold data. */
  dataTables: () => Promise<string[]>
}

/**
 * The production app on the test backend's store (in-memory SQLite, or the test file's PostgreSQL
 * database, emptied first), with the store's tables open to inspection.
 */
export async function openTracedStore (options: { config?: Partial<Config>, now?: () => number } = {}): Promise<TracedStore> {
  const deps = options.now === undefined ? {} : { now: options.now }
  if (testBackend === 'sqlite') {
    const db = openSqlite(':memory:')
    migrateSqlite(db)
    const repos = createSqliteRepositories({ db, ...deps })
    const app = await buildTestApp({ databaseUrl: ':memory:', ...options.config }, { repos, ...deps })
    return { app, repos, traces: async (traces) => sqliteTraces(db, traces), dataTables: async () => sqliteDataTables(db) }
  }
  const repos = await makeTestPgRepositories(deps)
  const { db } = await testPgDatabase()
  const app = await buildTestApp(options.config, { repos, ...deps })
  return { app, repos, traces: async (traces) => pgTraces(db, traces), dataTables: async () => pgDataTables(db) }
}
