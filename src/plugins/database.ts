// Opens the store named by DATABASE_URL, applies migrations when asked, and exposes the
// repositories as `app.repos`; closes the database when the app closes.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { migrateSqlite, openSqlite } from '../repositories/sqlite/client.js'
import { createSqliteRepositories } from '../repositories/sqlite/repositories.js'
import type { Repositories } from '../repositories/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    repos: Repositories
  }
}

export function openRepositories (config: Config): Repositories {
  const db = openSqlite(config.databaseUrl, { synchronous: config.sqliteSynchronous, busyTimeoutMs: config.sqliteBusyTimeoutMs })
  if (config.migrateOnStart) migrateSqlite(db)
  return createSqliteRepositories({ db })
}

async function database (app: FastifyInstance, { config, repos }: { config: Config, repos?: Repositories | undefined }): Promise<void> {
  const opened = repos ?? openRepositories(config)
  app.decorate('repos', opened)
  app.addHook('onClose', async () => { await opened.close() })
}

export default fp(database, { name: 'database', fastify: '5.x' })
