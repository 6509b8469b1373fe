// A real server's transient conditions reach clients as a retryable 503, never a 500.
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { migratePg, openPg } from '../../src/repositories/pg/client.js'
import { createPgRepositories } from '../../src/repositories/pg/repositories.js'
import { createServerDatabase } from '../helpers/pg.js'

describe('PostgreSQL transient errors', () => {
  it('answers an append that outwaits the statement timeout behind a lock with service_unavailable', async () => {
    const url = await createServerDatabase()
    const connection = openPg(url, { poolSize: 2, statementTimeoutMs: 200 })
    await migratePg(connection)
    const repos = createPgRepositories({ db: connection.db, close: async () => { await connection.pool.end() } })
    const { conversation } = await repos.conversations.create('o', {})
    const holder = new pg.Client({ connectionString: url })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [conversation.id])
      const error = await repos.items.append('o', conversation.id, [{ type: 'message', item: { type: 'message', role: 'user', content: [] } }]).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(AppError)
      expect({ code: (error as AppError).code, status: (error as AppError).statusCode }).toEqual({ code: 'service_unavailable', status: 503 })
      await holder.query('ROLLBACK')
      expect(await repos.items.append('o', conversation.id, [{ type: 'message', item: { type: 'message', role: 'user', content: [] } }])).toHaveLength(1)
    } finally {
      await holder.end()
      await repos.close()
    }
  })
})
