// Group commit of appends: concurrent calls share one transaction, yet each caller gets its own
// result or its own error, in call order, and a failing call leaves no trace.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/client.js'
import { createGroupCommitter } from '../../src/repositories/sqlite/group-commit.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

const dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let fileCounter = 0
const freshFile = (): string => join(dir, `db-${++fileCounter}.db`)

const message = (text: string, id?: string): NewItem => ({
  id,
  type: 'message',
  item: { type: 'message', status: 'completed', content: [{ type: 'input_text', text }], role: 'user' },
})
/** The message texts of stored items (their body) or listed ones (their JSON as sent). */
const texts = (items: Array<{ body: string } | { json: string }>): string[] =>
  items.map((i) => (JSON.parse('body' in i ? i.body : i.json) as { content: Array<{ text: string }> }).content[0]!.text)

const settle = async <T>(promise: Promise<T>): Promise<{ ok: true, value: T } | { ok: false, error: unknown }> =>
  promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }))

describe('sqlite appends with group commit', () => {
  let repos: Repositories
  beforeEach(() => {
    const db = openSqlite(freshFile())
    migrateSqlite(db)
    repos = createSqliteRepositories({ db })
  })
  afterEach(async () => { await repos.close() })

  it('gives each of many concurrent appends to one conversation its own items, in call order', async () => {
    const { conversation } = await repos.conversations.create('o', {})
    const results = await Promise.all(Array.from({ length: 12 }, async (_, call) =>
      repos.items.append('o', conversation.id, [message(`${call}.a`), message(`${call}.b`), message(`${call}.c`)])))
    results.forEach((stored, call) => { expect(texts(stored)).toEqual([`${call}.a`, `${call}.b`, `${call}.c`]) })
    const page = await repos.items.list('o', conversation.id, { limit: 100, order: 'asc' })
    expect(texts(page.data)).toEqual(Array.from({ length: 12 }, (_, call) => [`${call}.a`, `${call}.b`, `${call}.c`]).flat())
    expect(page.data.map((i) => i.id)).toEqual(results.flat().map((i) => i.id))
  })

  it('keeps concurrent appends to different conversations apart', async () => {
    const conversations = await Promise.all([0, 1, 2, 3].map(async () => (await repos.conversations.create('o', {})).conversation))
    await Promise.all(conversations.flatMap((c, n) => [0, 1].map(async (round) =>
      repos.items.append('o', c.id, [message(`c${n}r${round}`)]))))
    for (const [n, c] of conversations.entries()) {
      const page = await repos.items.list('o', c.id, { limit: 10, order: 'asc' })
      expect(texts(page.data)).toEqual([`c${n}r0`, `c${n}r1`])
    }
  })

  it('fails only the invalid appends of a group and writes nothing of them', async () => {
    const { conversation } = await repos.conversations.create('o', { items: [message('existing', 'msg_taken')] })
    const outcomes = await Promise.all([
      settle(repos.items.append('o', conversation.id, [message('first')])),
      // The second item repeats an id already stored: the whole batch must be refused.
      settle(repos.items.append('o', conversation.id, [message('half'), message('dup', 'msg_taken')])),
      settle(repos.items.append('o', 'conv_missing', [message('nowhere')])),
      settle(repos.items.append('someone-else', conversation.id, [message('foreign')])),
      settle(repos.items.append('o', conversation.id, [message('last')])),
    ])
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false, true])
    const codes = outcomes.map((o) => (o.ok ? null : (o.error as AppError).code))
    expect(codes).toEqual([null, 'duplicate_item', 'not_found', 'not_found', null])
    const page = await repos.items.list('o', conversation.id, { limit: 10, order: 'asc' })
    expect(texts(page.data)).toEqual(['existing', 'first', 'last'])
    // Positions stay dense: the refused batch did not consume any.
    const more = await repos.items.append('o', conversation.id, [message('after')])
    const again = await repos.items.list('o', conversation.id, { limit: 10, order: 'asc', after: page.data[2]!.id })
    expect(again.data.map((i) => i.id)).toEqual(more.map((i) => i.id))
  })
})

describe('group committer', () => {
  const openFile = (): Database.Database => {
    const client = new Database(freshFile())
    client.pragma('journal_mode = WAL')
    client.pragma('synchronous = FULL')
    client.pragma('wal_autocheckpoint = 0')
    client.exec('CREATE TABLE t (n INTEGER NOT NULL UNIQUE)')
    return client
  }
  /** Frames appended to the WAL since the last checkpoint: one per page per commit. */
  const walFrames = (client: Database.Database): number =>
    (client.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log
  const insert = (client: Database.Database, n: number) => () => client.prepare('INSERT INTO t (n) VALUES (?)').run(n).lastInsertRowid

  it('commits concurrent writes in one transaction, sequential ones in one each', async () => {
    const grouped = openFile()
    const committer = createGroupCommitter(grouped)
    walFrames(grouped)
    const rowids = await Promise.all(Array.from({ length: 20 }, async (_, n) => committer.run(insert(grouped, n))))
    expect(rowids).toEqual(Array.from({ length: 20 }, (_, n) => n + 1))
    const groupedFrames = walFrames(grouped)

    const sequential = openFile()
    const alone = createGroupCommitter(sequential)
    walFrames(sequential)
    for (let n = 0; n < 20; n++) await alone.run(insert(sequential, n))
    const sequentialFrames = walFrames(sequential)

    expect(sequentialFrames).toBeGreaterThanOrEqual(20)
    expect(groupedFrames).toBeLessThan(sequentialFrames / 4)
    grouped.close()
    sequential.close()
  })

  it('answers every caller with its own result or error, and rolls back only the failed writes', async () => {
    const client = openFile()
    const committer = createGroupCommitter(client)
    const outcomes = await Promise.all([
      settle(committer.run(insert(client, 1))),
      settle(committer.run(() => { insert(client, 2)(); insert(client, 1)() })), // second insert violates UNIQUE
      settle(committer.run(() => { throw new Error('refused') })),
      settle(committer.run(insert(client, 3))),
    ])
    expect(outcomes[0]).toEqual({ ok: true, value: 1 })
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'SQLITE_CONSTRAINT_UNIQUE' } })
    expect(outcomes[2]).toMatchObject({ ok: false, error: { message: 'refused' } })
    expect(outcomes[3]).toEqual({ ok: true, value: 2 })
    expect(client.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 3])
    expect(client.inTransaction).toBe(false)
    client.close()
  })

  it('runs deferred statements after every write, only for the writes that succeeded', async () => {
    const client = openFile()
    client.exec('CREATE TABLE later (n INTEGER NOT NULL, seen INTEGER NOT NULL)')
    const count = (): number => client.prepare('SELECT count(*) FROM t').pluck().get() as number
    // Each deferred statement records how many rows of `t` exist when it runs: all of the group's.
    const deferring = (n: number, fail = false) => (defer: (statements: () => void) => void) => {
      insert(client, n)()
      defer(() => { client.prepare('INSERT INTO later (n, seen) VALUES (?, ?)').run(n, count()) })
      if (fail) throw new Error(`refused ${n}`)
      return n
    }
    const group = createGroupCommitter(client)
    const outcomes = await Promise.all([1, 2, 3].map(async (n) => settle(group.run(deferring(n, n === 2)))))
    expect(outcomes).toMatchObject([{ ok: true, value: 1 }, { ok: false, error: { message: 'refused 2' } }, { ok: true, value: 3 }])
    expect(client.prepare('SELECT n, seen FROM later ORDER BY n').all()).toEqual([{ n: 1, seen: 2 }, { n: 3, seen: 2 }])
    client.close()
  })

  it('rejects the whole group, writing nothing, when a deferred statement fails', async () => {
    const client = openFile()
    const group = createGroupCommitter(client)
    const outcomes = await Promise.all([
      settle(group.run(insert(client, 1))),
      settle(group.run((defer) => { insert(client, 2)(); defer(insert(client, 1)) })), // violates UNIQUE at the end
    ])
    expect(outcomes).toMatchObject([{ ok: false, error: { code: 'SQLITE_CONSTRAINT_UNIQUE' } }, { ok: false, error: { code: 'SQLITE_CONSTRAINT_UNIQUE' } }])
    expect({ rows: client.prepare('SELECT count(*) FROM t').pluck().get(), inTransaction: client.inTransaction }).toEqual({ rows: 0, inTransaction: false })
    client.close()
  })

  it('rejects the whole group, writing nothing, when the transaction cannot start', async () => {
    const client = openFile()
    client.pragma('busy_timeout = 0')
    const path = client.name
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    const committer = createGroupCommitter(client)
    const outcomes = await Promise.all([1, 2].map(async (n) => settle(committer.run(insert(client, n)))))
    expect(outcomes).toMatchObject([{ ok: false, error: { code: 'SQLITE_BUSY' } }, { ok: false, error: { code: 'SQLITE_BUSY' } }])
    other.exec('ROLLBACK')
    other.close()
    expect(client.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0)
    // The committer recovers once the database is free again.
    expect(await committer.run(insert(client, 9))).toBe(1)
    client.close()
  })

  it('splits a long queue into bounded groups without losing or reordering writes', async () => {
    const client = openFile()
    const committer = createGroupCommitter(client, { maxGroupSize: 7 })
    const rowids = await Promise.all(Array.from({ length: 30 }, async (_, n) => committer.run(insert(client, n))))
    expect(rowids).toEqual(Array.from({ length: 30 }, (_, n) => n + 1))
    expect(client.prepare('SELECT n FROM t ORDER BY rowid').pluck().all()).toEqual(Array.from({ length: 30 }, (_, n) => n))
    client.close()
  })

  it('calls afterCommit once per committed group, and not for a group that could not commit', async () => {
    const client = openFile()
    client.pragma('busy_timeout = 0')
    let commits = 0
    const committer = createGroupCommitter(client, { maxGroupSize: 7, afterCommit: () => { commits++ } })
    await Promise.all(Array.from({ length: 10 }, async (_, n) => committer.run(insert(client, n))))
    expect(commits).toBe(2)
    const other = new Database(client.name)
    other.exec('BEGIN IMMEDIATE')
    expect(await settle(committer.run(insert(client, 10)))).toMatchObject({ ok: false, error: { code: 'SQLITE_BUSY' } })
    other.exec('ROLLBACK')
    other.close()
    expect(commits).toBe(2)
    client.close()
  })
})
