// Real SQLite databases for lifecycle tests: an app and repositories sharing one database and one
// controllable clock, and a generic check that no row anywhere still refers to purged data.
import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'
import { migrateSqlite, openSqlite, type SqliteDb } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import type { Repositories } from '../../src/repositories/types.js'
import type { LifecycleRepository } from '../../src/repositories/lifecycle.js'
import type { Config } from '../../src/config.js'
import type { AppDeps } from '../../src/app.js'
import { buildTestApp } from './app.js'
import { sqliteTraces, type Traces } from './traces.js'

export interface Clock { now: () => number, set: (ms: number) => void, advance: (ms: number) => void }

export const day = 86_400_000
export const hour = 3_600_000

export function manualClock (start = Date.UTC(2026, 0, 1)): Clock {
  let current = start
  return { now: () => current, set: (ms) => { current = ms }, advance: (ms) => { current += ms } }
}

export interface TestStore {
  db: SqliteDb
  repos: Repositories
  lifecycle: LifecycleRepository
  app: FastifyInstance
}

/** A migrated database (`:memory:` unless a path is given) behind the production app. */
export async function openTestStore (clock: Clock, options: { path?: string, config?: Partial<Config>, deps?: AppDeps } = {}): Promise<TestStore> {
  const db = openSqlite(options.path ?? ':memory:')
  migrateSqlite(db)
  const repos = createSqliteRepositories({ db, now: clock.now })
  const app = await buildTestApp({ databaseUrl: options.path ?? ':memory:', ...options.config }, { ...options.deps, repos, now: clock.now })
  return { db, repos, lifecycle: repos.lifecycle!, app }
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

/**
 * Fails if any table still holds a trace of the given ids or texts, or if any foreign key dangles.
 * Generic over the schema: every table is read (see `sqliteTraces`). Pair it with
 * `expectTracesInEveryTable` before the purge, so a table the scenario leaves empty cannot hide a leak.
 */
export function expectNoTraces (db: SqliteDb, traces: Traces): void {
  expect(db.$client.pragma('foreign_key_check')).toEqual([])
  expect(sqliteTraces(db, traces)).toEqual({})
}

/** Row counts of every ordinary table. */
export function tableCounts (db: SqliteDb): Record<string, number> {
  const client = db.$client
  const names = client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'").pluck().all() as string[]
  return Object.fromEntries(names.map((name) => [name, client.prepare(`SELECT count(*) FROM ${quote(name)}`).pluck().get() as number]))
}
