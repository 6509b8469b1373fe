// Operator entry: apply the database migrations named by DATABASE_URL, then exit.
import { ConfigError, loadConfig } from '../config.js'
import { migrateSqlite, openSqlite, sqlitePathFromUrl } from '../repositories/sqlite/client.js'

try {
  const config = loadConfig(process.env)
  const db = openSqlite(config.databaseUrl, { synchronous: config.sqliteSynchronous, busyTimeoutMs: config.sqliteBusyTimeoutMs })
  migrateSqlite(db)
  db.$client.close()
  process.stdout.write(`migrations applied to ${sqlitePathFromUrl(config.databaseUrl)}\n`)
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`)
  process.exit(1)
}
