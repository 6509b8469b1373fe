// A write blocked by another connection beyond SQLITE_BUSY_TIMEOUT_MS is a retryable 503 in the
// envelope, never a 500, and a keyed request blocked that way can be retried with its key.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { buildTestApp, call, createConversation, userMessage } from '../helpers/app.js'

describe('database busy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'busy-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('answers 503 with retry-after while another process holds the write lock, then works again', async () => {
    const path = join(dir, 'busy.db')
    const app = await buildTestApp({ databaseUrl: path, sqliteBusyTimeoutMs: 50 })
    try {
      const { id } = await createConversation(app)
      const other = new Database(path)
      other.exec('BEGIN IMMEDIATE')
      for (const headers of [{}, { 'idempotency-key': 'busy-key' }]) {
        const blocked = await call(app, { method: 'POST', url: `/v1/conversations/${id}/items`, payload: { items: [userMessage('a')] }, headers })
        expect(blocked.status).toBe(503)
        expect(blocked.headers['retry-after']).toBe('1')
        expect(blocked.body).toEqual({ error: { message: 'The database is busy. Please retry your request.', type: 'server_error', param: null, code: null } })
      }
      other.exec('ROLLBACK')
      other.close()
      const retried = await call(app, { method: 'POST', url: `/v1/conversations/${id}/items`, payload: { items: [userMessage('a')] }, headers: { 'idempotency-key': 'busy-key' } })
      expect(retried.status).toBe(200)
      expect(retried.headers['idempotent-replayed']).toBeUndefined()
      const list = await call(app, { method: 'GET', url: `/v1/conversations/${id}/items` })
      expect(list.body.data.map((item: any) => item.content[0].text)).toEqual(['a'])
    } finally {
      await app.close()
    }
  })
})
