// Acknowledged writes survive SIGKILL; no batch is ever half-written; the file stays sound.
// RELIABILITY_LONG=1 runs more kill cycles.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, postJson, startServerProcess, stopServerProcess, userMessage } from './server-process.js'

const long = process.env.RELIABILITY_LONG === '1'
const cycles = long ? 40 : 10
const clients = 8

describe('crash safety (SIGKILL during concurrent appends)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crash-'))
  const dbPath = join(dir, 'crash.db')
  let server: ServerProcess | undefined
  afterAll(async () => {
    await stopServerProcess(server)
    rmSync(dir, { recursive: true, force: true })
  })

  it(`keeps every acknowledged batch exactly once and never a partial batch, over ${cycles} kills`, async () => {
    /** token → batch size, for every batch answered 200. */
    const acknowledged = new Map<string, number>()
    /** token → batch size, for every batch sent (answered or not). */
    const sent = new Map<string, number>()
    let conversationIds: string[] = []
    let serial = 0

    for (let cycle = 0; cycle < cycles; cycle++) {
      server = await startServerProcess({ DATABASE_URL: dbPath })
      const base = server.baseURL
      if (conversationIds.length === 0) {
        conversationIds = await Promise.all([0, 1].map(async () => (await postJson(`${base}/conversations`, {})).body.id as string))
      }
      let killed = false
      const client = async (n: number): Promise<void> => {
        while (!killed) {
          const token = `c${cycle}-w${n}-b${serial++}`
          const size = 1 + (serial % 4)
          const items = Array.from({ length: size }, (_, i) => userMessage(`${token}#${i}`))
          sent.set(token, size)
          try {
            const answer = await postJson(`${base}/conversations/${conversationIds[serial % 2]}/items`, { items })
            expect(answer.status).toBe(200)
            acknowledged.set(token, size)
          } catch (error) {
            if (!killed) throw error
          }
        }
      }
      const running = Array.from({ length: clients }, (_, n) => client(n))
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 450))
      server.child.kill('SIGKILL')
      killed = true
      await server.exited
      await Promise.all(running)
    }

    const db = new Database(dbPath)
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const rows = db.prepare('SELECT body FROM items WHERE deleted_at IS NULL').all() as Array<{ body: string }>
      const found = new Map<string, string[]>()
      for (const row of rows) {
        const text = (JSON.parse(row.body) as { content: Array<{ text: string }> }).content[0]!.text
        const [token, index] = text.split('#') as [string, string]
        found.set(token, [...(found.get(token) ?? []), index])
      }
      expect(acknowledged.size).toBeGreaterThan(cycles * 2)
      for (const [token, size] of acknowledged) {
        expect(found.get(token)?.sort(), token).toEqual(Array.from({ length: size }, (_, i) => String(i)))
      }
      for (const [token, indexes] of found) {
        const size = sent.get(token)
        expect(size, `unknown batch ${token}`).toBeDefined()
        expect(indexes.sort(), `batch ${token} all-or-nothing, once`).toEqual(Array.from({ length: size! }, (_, i) => String(i)))
      }
      const positions = db.prepare('SELECT conversation_pk, COUNT(*) AS n, MIN(position) AS lo, MAX(position) AS hi FROM items GROUP BY conversation_pk').all() as Array<{ n: number, lo: number, hi: number }>
      for (const p of positions) expect(p.hi - p.lo + 1).toBe(p.n)
    } finally {
      db.close()
    }
  }, long ? 600_000 : 120_000)
})
