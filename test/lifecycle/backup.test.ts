// Online backup: a copy taken while the app keeps appending is one consistent snapshot that
// opens, passes integrity_check and serves the data it holds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { backupSqlite } from '../../src/lifecycle/backup.js'
import { addItems, buildTestApp, call, createConversation, userMessage } from '../helpers/app.js'

const dir = mkdtempSync(join(tmpdir(), 'conversations-backup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('backupSqlite', () => {
  it('copies a consistent snapshot while the app keeps writing', async () => {
    const databaseUrl = join(dir, 'live.db')
    const app = await buildTestApp({ databaseUrl })
    try {
      const conversation = await createConversation(app)
      // Enough pages that the copy takes many steps.
      for (let i = 0; i < 30; i++) await addItems(app, conversation.id, Array.from({ length: 20 }, (_, j) => userMessage(`${i}-${j} ${'x'.repeat(400)}`)))

      let writing = true
      let written = 0
      const writer = (async () => {
        while (writing && written < 2000) {
          await addItems(app, conversation.id, [userMessage(`during backup ${written}`)])
          written += 1
          await new Promise((resolve) => setImmediate(resolve))
        }
      })()
      const steps: number[] = []
      const destination = join(dir, 'copy.db')
      const result = await backupSqlite(databaseUrl, destination, {
        pagesPerStep: 8,
        onProgress: (copied) => { steps.push(copied) },
      })
      const writtenDuringBackup = written
      writing = false
      await writer

      expect(result.integrity).toBe('ok')
      expect(steps.length).toBeGreaterThan(5)
      expect(writtenDuringBackup).toBeGreaterThan(0)
      // The copy never restarted because of the concurrent writes: it finished in one pass, before
      // the writer ran out of its bounded loop (a restarting backup only ends once writes stop).
      expect(steps.length).toBeLessThanOrEqual(Math.ceil(result.totalPages / 8) + 2)
      expect(writtenDuringBackup).toBeLessThan(2000)

      const copy = new Database(destination)
      expect(copy.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }])
      expect(copy.pragma('foreign_key_check')).toEqual([])
      // A snapshot: positions are dense and next_position agrees with the items present.
      const { count, next } = copy.prepare('SELECT (SELECT count(*) FROM items) AS count, (SELECT next_position FROM conversations) AS next').get() as { count: number, next: number }
      expect(count).toBe(next)
      expect(count).toBeGreaterThanOrEqual(600)
      copy.close()

      const restored = await buildTestApp({ databaseUrl: destination })
      try {
        const page = await call(restored, { method: 'GET', url: `/v1/conversations/${conversation.id}/items?order=asc&limit=1` })
        expect(page.status).toBe(200)
        expect(page.body.data[0].content[0].text).toMatch(/^0-0 /)
      } finally {
        await restored.close()
      }
    } finally {
      await app.close()
    }
  })

  it('refuses an in-memory or missing source', async () => {
    await expect(backupSqlite(':memory:', join(dir, 'x.db'))).rejects.toThrow('cannot back up an in-memory database')
    await expect(backupSqlite(join(dir, 'missing.db'), join(dir, 'y.db'))).rejects.toThrow(`database not found: ${join(dir, 'missing.db')}`)
  })
})
