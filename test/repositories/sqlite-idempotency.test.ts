import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { runIdempotencyContract } from './idempotency-contract.js'

runIdempotencyContract('sqlite :memory:', async ({ now }) => {
  const db = openSqlite(':memory:')
  migrateSqlite(db)
  return createSqliteRepositories({ db, now })
})
