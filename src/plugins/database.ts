// Opens the store named by DATABASE_URL (a SQLite path, or postgres:// for PostgreSQL), applies
// migrations when asked, and exposes the repositories as `app.repos`; closes it when the app closes.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { isPostgresUrl } from '../repositories/pg/url.js'
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../repositories/sqlite/checkpointer.js'
import { migrateSqlite, openSqlite, type SqliteDb } from '../repositories/sqlite/client.js'
import { createSqliteRepositories } from '../repositories/sqlite/repositories.js'
import type { Repositories } from '../repositories/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories
  }
}

/**
 * The SQLite connection the repositories run on, with the page cache SQLITE_CACHE_SIZE_MB allows.
 * better-sqlite3 builds SQLite with a 16 MiB cache, which fills up under load whatever the
 * database's size and counts in the process's memory; pages evicted from it are still in the
 * operating system's file cache, one read() away.
 */
export function openServerSqlite (config: Config): SqliteDb {
  const db = openSqlite(config.databaseUrl, { synchronous: config.sqliteSynchronous, busyTimeoutMs: config.sqliteBusyTimeoutMs })
  db.$client.pragma(`cache_size = ${-config.sqliteCacheSizeMb * 1024}`)
  return db
}

export async function openRepositories (config: Config): Promise<Repositories> {
  if (isPostgresUrl(config.databaseUrl)) {
    // node-postgres and the PostgreSQL repositories load only for a postgres:// URL: a SQLite
    // server never pays for them at start-up.
    const [{ migratePg, openPg }, { createPgRepositories }] = await Promise.all([
      import('../repositories/pg/client.js'),
      import('../repositories/pg/repositories.js'),
    ])
    const connection = openPg(config.databaseUrl, { poolSize: config.pgPoolSize, statementTimeoutMs: config.pgStatementTimeoutMs })
    try {
      if (config.migrateOnStart) await migratePg(connection)
    } catch (error) {
      await connection.pool.end()
      throw error
    }
    let closed = false
    return createPgRepositories({
      db: connection.db,
      close: async () => {
        if (closed) return
        closed = true
        await connection.pool.end()
      },
    })
  }
  const db = openServerSqlite(config)
  if (config.migrateOnStart) migrateSqlite(db)
  if (db.$client.memory || config.sqliteCheckpointIntervalMs === 0) return createSqliteRepositories({ db })
  // The checkpoint worker starts with the first group commit: until a server writes, SQLite's own
  // checkpoints suffice, and a server that only reads (or has just started) does without the worker's
  // own Node environment (about 9 MB, and 50 ms of CPU on the path to the first answer).
  let checkpoints: BackgroundCheckpoints | undefined
  let closed = false
  const startCheckpoints = (): void => {
    if (checkpoints === undefined && !closed) checkpoints = startBackgroundCheckpoints(db, { intervalMs: config.sqliteCheckpointIntervalMs, synchronous: config.sqliteSynchronous })
  }
  const repos = createSqliteRepositories({ db, afterGroupCommit: startCheckpoints })
  return {
    ...repos,
    close: async () => {
      closed = true
      await checkpoints?.stop()
      await repos.close()
    },
  }
}

async function database (app: FastifyInstance, { config, repos }: { config: Config, repos?: Repositories | undefined }): Promise<void> {
  const opened = repos ?? await openRepositories(config)
  app.decorate('repos', opened)
  app.addHook('onClose', async () => { await opened.close() })
}

export default fp(database, { name: 'database', fastify: '5.x' })
