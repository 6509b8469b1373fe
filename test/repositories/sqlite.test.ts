import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { runRepositoryContract } from './contract.js'

runRepositoryContract('sqlite :memory:', async ({ now }) => {
  const db = openSqlite(':memory:')
  migrateSqlite(db)
  return createSqliteRepositories({ db, now })
})

describe('sqlite storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conversations-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('opens a file database in WAL mode with durable commits, creating its folder', () => {
    const db = openSqlite(join(dir, 'nested', 'a.db'))
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.$client.close()
  })

  it('keeps the items of a deleted conversation in storage, and erases a deleted item content', async () => {
    const db = openSqlite(join(dir, 'b.db'))
    migrateSqlite(db)
    const repos = createSqliteRepositories({ db })
    const { conversation } = await repos.conversations.create('o', { items: [{ id: 'msg_1', type: 'message', item: { type: 'message', role: 'user', content: [] } }, { id: 'msg_2', type: 'message', item: { type: 'message', role: 'user', content: [] } }] })
    await repos.items.delete('o', conversation.id, 'msg_2')
    await repos.conversations.delete('o', conversation.id)
    const rows = db.$client.prepare('SELECT id, body IS NOT NULL AS has_body, deleted_at IS NOT NULL AS deleted FROM items ORDER BY position').all()
    expect(rows).toEqual([{ id: 'msg_1', has_body: 1, deleted: 0 }, { id: 'msg_2', has_body: 0, deleted: 1 }])
    expect(db.$client.prepare('SELECT deleted_at IS NOT NULL AS deleted FROM conversations').get()).toEqual({ deleted: 1 })
    await repos.close()
  })
})

describe('migrations shared by two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-race-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('survive another connection applying them between the applied-list read and the transaction', () => {
    const path = join(dir, 'race.db')
    const first = openSqlite(path)
    const second = openSqlite(path)
    const prepare = first.$client.prepare.bind(first.$client)
    let raced = false
    // The moment drizzle opens its transaction on `first`, `second` migrates the file completely.
    first.$client.prepare = ((source: string) => {
      if (!raced && source.trim() === 'BEGIN') {
        raced = true
        migrateSqlite(second)
      }
      return prepare(source)
    }) as typeof first.$client.prepare
    migrateSqlite(first)
    expect(raced).toBe(true)
    const applied = first.$client.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }
    expect(applied.n).toBe(readdirSync(new URL('../../migrations/sqlite', import.meta.url)).filter((f) => f.endsWith('.sql')).length)
    first.$client.close()
    second.$client.close()
  })
})
