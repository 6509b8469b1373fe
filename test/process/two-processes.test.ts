// Two server processes on one SQLite file: both serve reads and writes at the same time, no
// SQLITE_BUSY ever reaches a client, and an Idempotency-Key is honoured across both.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, postJson, startServerProcess, stopServerProcess, userMessage } from './server-process.js'

const long = process.env.RELIABILITY_LONG === '1'
const requestsPerClient = long ? 200 : 40
const clientsPerServer = 6

describe('two processes on one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'two-'))
  const dbPath = join(dir, 'shared.db')
  const servers: ServerProcess[] = []
  afterAll(async () => {
    for (const server of servers) await stopServerProcess(server)
    rmSync(dir, { recursive: true, force: true })
  })

  it('both append to the same conversation concurrently without a single error', async () => {
    // Started together on a fresh file: both apply migrations at the same moment.
    servers.push(...await Promise.all([startServerProcess({ DATABASE_URL: dbPath }), startServerProcess({ DATABASE_URL: dbPath })]))
    const [a, b] = servers as [ServerProcess, ServerProcess]
    const { id } = (await postJson(`${a.baseURL}/conversations`, {})).body
    const statuses = new Map<number, number>()
    const sent: string[] = []
    const client = async (server: ServerProcess, n: number): Promise<void> => {
      for (let i = 0; i < requestsPerClient; i++) {
        const text = `${server.port}-${n}-${i}`
        const answer = i % 5 === 4
          ? await fetch(`${server.baseURL}/conversations/${id}/items?limit=5`).then((r) => ({ status: r.status }))
          : await postJson(`${server.baseURL}/conversations/${id}/items`, { items: [userMessage(text)] })
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        if (i % 5 !== 4 && answer.status === 200) sent.push(text)
      }
    }
    await Promise.all([a, b].flatMap((server) => Array.from({ length: clientsPerServer }, (_, n) => client(server, n))))
    expect([...statuses.keys()]).toEqual([200])

    const db = new Database(dbPath, { readonly: true })
    try {
      const texts = (db.prepare('SELECT body FROM items ORDER BY position').all() as Array<{ body: string }>)
        .map((row) => (JSON.parse(row.body) as { content: Array<{ text: string }> }).content[0]!.text)
      expect(texts.sort()).toEqual([...sent].sort())
      const positions = db.prepare('SELECT position FROM items ORDER BY position').all() as Array<{ position: number }>
      expect(positions.map((p) => p.position)).toEqual(positions.map((_, i) => i))
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      db.close()
    }
  }, 120_000)

  it('applies a keyed request once when its duplicates hit both processes at once', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess]
    const { id } = (await postJson(`${a.baseURL}/conversations`, {})).body
    const body = { items: [userMessage('exactly once')] }
    const answers = await Promise.all([a, b, a, b].map((server) =>
      postJson(`${server.baseURL}/conversations/${id}/items`, body, { 'idempotency-key': 'cross-process' })))
    for (const answer of answers) expect(answer).toEqual({ status: 200, body: answers[0]!.body })
    const page = await (await fetch(`${b.baseURL}/conversations/${id}/items`)).json() as { data: Array<{ id: string }> }
    expect(page.data.map((item) => item.id)).toEqual(answers[0]!.body.data.map((item: { id: string }) => item.id))
  }, 30_000)
})
