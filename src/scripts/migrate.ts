// Operator entry: apply the database migrations named by DATABASE_URL (SQLite or PostgreSQL), then exit.
import { ConfigError, loadConfig } from '../config.js'
import { isPostgresUrl, migratePg, openPg } from '../repositories/pg/client.js'
import { migrateSqlite, openSqlite, sqlitePathFromUrl } from '../repositories/sqlite/client.js'

try {
  const config = loadConfig(process.env)
  if (isPostgresUrl(config.databaseUrl)) {
    const connection = openPg(config.databaseUrl, { poolSize: 1, statementTimeoutMs: 0 })
    try {
      await migratePg(connection)
    } finally {
      await connection.pool.end()
    }
    process.stdout.write('migrations applied to the PostgreSQL database\n')
  } else {
    const db = openSqlite(config.databaseUrl, { synchronous: config.sqliteSynchronous, busyTimeoutMs: config.sqliteBusyTimeoutMs })
    migrateSqlite(db)
    db.$client.close()
    process.stdout.write(`migrations applied to ${sqlitePathFromUrl(config.databaseUrl)}\n`)
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`)
  process.exit(1)
}
