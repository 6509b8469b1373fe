// Opens the store named by DATABASE_URL (a SQLite path, or postgres:// for PostgreSQL), applies
// migrations when asked, and exposes the repositories as `app.repos`; closes it when the app closes.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { isPostgresUrl, migratePg, openPg } from '../repositories/pg/client.js'
import { createPgRepositories } from '../repositories/pg/repositories.js'
import { startBackgroundCheckpoints } from '../repositories/sqlite/checkpointer.js'
import { migrateSqlite, openSqlite } from '../repositories/sqlite/client.js'
import { createSqliteRepositories } from '../repositories/sqlite/repositories.js'
import type { Repositories } from '../repositories/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories
  }
}

export async function openRepositories (config: Config): Promise<Repositories> {
  if (isPostgresUrl(config.databaseUrl)) {
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
  const db = openSqlite(config.databaseUrl, { synchronous: config.sqliteSynchronous, busyTimeoutMs: config.sqliteBusyTimeoutMs })
  if (config.migrateOnStart) migrateSqlite(db)
  const repos = createSqliteRepositories({ db })
  if (db.$client.memory || config.sqliteCheckpointIntervalMs === 0) return repos
  const checkpoints = startBackgroundCheckpoints(db, { intervalMs: config.sqliteCheckpointIntervalMs, synchronous: config.sqliteSynchronous })
  return { ...repos, close: async () => { await checkpoints.stop(); await repos.close() } }
}

async function database (app: FastifyInstance, { config, repos }: { config: Config, repos?: Repositories | undefined }): Promise<void> {
  const opened = repos ?? await openRepositories(config)
  app.decorate('repos', opened)
  app.addHook('onClose', async () => { await opened.close() })
}

export default fp(database, { name: 'database', fastify: '5.x' })
