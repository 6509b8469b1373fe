// Retention with a controllable clock: TTL soft-deletes idle conversations, PURGE_AFTER removes
// deleted conversations, their items and deleted-item tombstones for good, in small batches.
import { afterEach, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { addItems, buildTestApp, call, createConversation, errorBody, userMessage } from '../helpers/app.js'
import { day, expectNoTraces, hour, manualClock, openTestStore, tableCounts, type TestStore } from '../helpers/lifecycle.js'
import { expectTracesInEveryTable, sqliteDataTables, sqliteTraces } from '../helpers/traces.js'

let store: TestStore | undefined
afterEach(async () => { await store?.app.close(); store = undefined })

const notFound = (id: string): unknown => errorBody(`Conversation with id '${id}' not found.`, null, null)

describe('conversation TTL', () => {
  it('soft-deletes conversations idle for the TTL, measured from their last write', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { conversationTtlMs: 30 * day } })
    const { app } = store
    const idle = await createConversation(app)
    const active = await createConversation(app)
    const justUnder = await createConversation(app)
    clock.advance(20 * day)
    await addItems(app, active.id, [userMessage('still here')])
    clock.advance(10 * day - 1)
    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 0, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 })
    clock.advance(1)

    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 2, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 })
    for (const id of [idle.id, justUnder.id]) {
      expect(await call(app, { method: 'GET', url: `/v1/conversations/${id}` })).toMatchObject({ status: 404, body: notFound(id) })
    }
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${active.id}` })).status).toBe(200)
    // Soft delete only: rows stay until PURGE_AFTER.
    expect(tableCounts(store.db)).toMatchObject({ conversations: 3, items: 1 })
  })

  it('counts metadata updates and item deletions as activity', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { conversationTtlMs: 2 * hour } })
    const { app } = store
    const updated = await createConversation(app)
    const withDeletion = await createConversation(app, { items: [userMessage('a')] })
    const [item] = (await call(app, { method: 'GET', url: `/v1/conversations/${withDeletion.id}/items` })).body.data
    clock.advance(hour)
    await call(app, { method: 'POST', url: `/v1/conversations/${updated.id}`, payload: { metadata: { k: 'v' } } })
    await call(app, { method: 'DELETE', url: `/v1/conversations/${withDeletion.id}/items/${item.id}` })
    clock.advance(hour + 30_000)
    expect((await app.retention.runOnce()).expiredConversations).toBe(0)
    clock.advance(hour)
    expect((await app.retention.runOnce()).expiredConversations).toBe(2)
  })
})

describe('purge', () => {
  it('hard-deletes conversations deleted PURGE_AFTER ago with all their items, and keeps younger ones', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { purgeAfterMs: 7 * day } })
    const { app } = store
    const old = await createConversation(app, { items: [userMessage('old one'), userMessage('old two')] })
    const recent = await createConversation(app, { items: [userMessage('recent')] })
    const live = await createConversation(app, { items: [userMessage('live')] })
    await call(app, { method: 'DELETE', url: `/v1/conversations/${old.id}` })
    clock.advance(3 * day)
    await call(app, { method: 'DELETE', url: `/v1/conversations/${recent.id}` })
    clock.advance(4 * day)

    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 0, purgedConversations: 1, purgedItems: 2, purgedTombstones: 0 })
    expect(tableCounts(store.db)).toMatchObject({ conversations: 2, items: 2 })
    expect(store.db.$client.prepare('SELECT id FROM conversations ORDER BY pk').pluck().all()).toEqual([recent.id, live.id])
    clock.advance(3 * day)
    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 0, purgedConversations: 1, purgedItems: 1, purgedTombstones: 0 })
    expect(app.retention.stats).toMatchObject({ runs: 2, purgedConversations: 2, purgedItems: 3, purgedTombstones: 0 })

    const metrics = (await app.inject({ url: '/metrics' })).body
    const counters = Object.fromEntries(metrics.split('\n').filter((l) => /^conversations_server_(retention_runs|expired_\w+|purged_\w+)_total /.test(l)).map((l) => l.split(' ')))
    expect(counters).toEqual({
      conversations_server_retention_runs_total: '2',
      conversations_server_expired_conversations_total: '0',
      conversations_server_purged_conversations_total: '2',
      conversations_server_purged_items_total: '3',
      conversations_server_purged_tombstones_total: '0',
    })
  })

  it('purges deleted-item tombstones of live conversations; their ids then stop working as cursors', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { purgeAfterMs: day } })
    const { app } = store
    const conversation = await createConversation(app, { items: [userMessage('one'), userMessage('two'), userMessage('three')] })
    const listUrl = `/v1/conversations/${conversation.id}/items?order=asc`
    const [first, second, third] = (await call(app, { method: 'GET', url: listUrl })).body.data
    await call(app, { method: 'DELETE', url: `/v1/conversations/${conversation.id}/items/${second.id}` })
    clock.advance(day - 1)
    expect((await app.retention.runOnce()).purgedTombstones).toBe(0)
    const afterTombstone = await call(app, { method: 'GET', url: `${listUrl}&after=${second.id}` })
    expect(afterTombstone.body.data.map((i: { id: string }) => i.id)).toEqual([third.id])
    clock.advance(1)

    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 0, purgedConversations: 0, purgedItems: 0, purgedTombstones: 1 })
    expect(await call(app, { method: 'GET', url: `${listUrl}&after=${second.id}` })).toMatchObject({
      status: 400,
      body: errorBody(`Invalid 'after': no item with id '${second.id}' was found in conversation '${conversation.id}'.`, 'after', 'invalid_value'),
    })
    expect((await call(app, { method: 'GET', url: listUrl })).body.data.map((i: { id: string }) => i.id)).toEqual([first.id, third.id])
    expect(tableCounts(store.db)).toMatchObject({ conversations: 1, items: 2 })
  })

  it('leaves no trace of purged data in any table, remembered Idempotency-Key answers included', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { conversationTtlMs: 10 * day, purgeAfterMs: day, idempotencyTtlSeconds: 30 * 86_400 } })
    const { app } = store
    const keyed = async (url: string, payload: object, key: string): Promise<any> =>
      (await call(app, { method: 'POST', url, payload, headers: { 'idempotency-key': key } })).body
    const doomed = await keyed('/v1/conversations', { metadata: { topic: 'zebracorn' }, items: [userMessage('quokkaphant speaks')] }, 'create-doomed')
    await keyed(`/v1/conversations/${doomed.id}/items`, { items: [userMessage('second quokkaphant')] }, 'append-doomed')
    const doomedItems = (await call(app, { method: 'GET', url: `/v1/conversations/${doomed.id}/items` })).body.data.map((i: { id: string }) => i.id)
    const deletedLater = await keyed('/v1/conversations', { items: [userMessage('narwhalbee hums')] }, 'create-deleted-later')
    clock.advance(9 * day)
    const kept = await createConversation(app, { items: [userMessage('kept wombatross')] })
    const erased = (await keyed(`/v1/conversations/${kept.id}/items`, { items: [userMessage('erased capybarix')] }, 'append-kept')).data[0]
    const traces = {
      ids: [doomed.id, deletedLater.id, ...doomedItems, erased.id],
      words: ['zebracorn', 'quokkaphant', 'narwhalbee', 'capybarix'],
    }
    // Every table holds some of it, so none can keep a copy unnoticed.
    expectTracesInEveryTable(sqliteTraces(store.db, traces), sqliteDataTables(store.db))
    await call(app, { method: 'DELETE', url: `/v1/conversations/${kept.id}/items/${erased.id}` })
    await call(app, { method: 'DELETE', url: `/v1/conversations/${deletedLater.id}` })
    clock.advance(day + 1)
    await app.retention.runOnce() // expires `doomed`; purges `deletedLater` and the tombstone
    clock.advance(day)
    await app.retention.runOnce() // purges `doomed`

    expectNoTraces(store.db, traces)
    expect(tableCounts(store.db)).toMatchObject({ conversations: 1, items: 1 })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${kept.id}/items` })).body.data).toEqual([
      expect.objectContaining({ content: [expect.objectContaining({ text: 'kept wombatross' })] }),
    ])
  })
})

describe('purge and rows of other features', () => {
  it('deletes rows of any table that refers to a purged conversation by foreign key', async () => {
    const clock = manualClock()
    const db = openSqlite(':memory:')
    migrateSqlite(db)
    // Tables a feature might add, referring to a conversation by id and by pk, without ON DELETE CASCADE.
    db.$client.exec(`
      CREATE TABLE notes (note TEXT, conversation_id TEXT NOT NULL REFERENCES conversations(id));
      CREATE TABLE marks (conversation_pk INTEGER NOT NULL REFERENCES conversations(pk));`)
    const repos = createSqliteRepositories({ db, now: clock.now })
    const app = await buildTestApp({ purgeAfterMs: day }, { repos, now: clock.now })
    store = { db, repos, lifecycle: repos.lifecycle!, app }
    const doomed = await createConversation(app, { items: [userMessage('bye')] })
    const kept = await createConversation(app)
    for (const id of [doomed.id, kept.id]) {
      db.$client.prepare('INSERT INTO notes VALUES (?, ?)').run(`note for ${id}`, id)
      db.$client.prepare('INSERT INTO marks SELECT pk FROM conversations WHERE id = ?').run(id)
    }
    await call(app, { method: 'DELETE', url: `/v1/conversations/${doomed.id}` })
    clock.advance(day)
    expect(await app.retention.runOnce()).toMatchObject({ purgedConversations: 1, purgedItems: 1 })
    expectNoTraces(db, { ids: [doomed.id], words: [] })
    expect(tableCounts(db)).toMatchObject({ conversations: 1, items: 0, notes: 1, marks: 1 })
  })
})

describe('batching', () => {
  it('works in batches of RETENTION_BATCH_SIZE until nothing is left, serving requests between batches', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { conversationTtlMs: day, purgeAfterMs: day, retentionBatchSize: 3 } })
    const { app, repos } = store
    for (let i = 0; i < 40; i++) await repos.conversations.create('default', { items: [{ type: 'message', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `m${i}` }] } }] })
    const kept = await createConversation(app)
    clock.advance(day)
    await addItems(app, kept.id, [userMessage('activity')])
    const batches: number[] = []
    let requestAnsweredDuringPass = false
    const pass = app.retention.runOnce((counts) => { batches.push(counts.expiredConversations) })
    const request = call(app, { method: 'GET', url: `/v1/conversations/${kept.id}` }).then((r) => {
      requestAnsweredDuringPass = batches.length < 14
      return r
    })
    expect(await pass).toEqual({ expiredConversations: 40, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 })
    expect((await request).status).toBe(200)
    expect(requestAnsweredDuringPass).toBe(true)
    // 40 rows in batches of 3: 13 full batches and a last one of 1, then one (empty) batch for each purge.
    expect(batches).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 40, 40, 40])

    clock.advance(day)
    // `kept` is now idle for a day too: expired in this pass, purged in a later one.
    expect(await app.retention.runOnce()).toEqual({ expiredConversations: 1, purgedConversations: 40, purgedItems: 40, purgedTombstones: 0 })
    expect(tableCounts(store.db)).toMatchObject({ conversations: 1, items: 1 })
  })
})

describe('periodic retention in the server', () => {
  it('runs every RETENTION_INTERVAL once the app is ready and stops when it closes', async () => {
    const clock = manualClock()
    store = await openTestStore(clock, { config: { conversationTtlMs: hour, retentionIntervalMs: 20 } })
    const { app } = store
    const conversation = await createConversation(app)
    clock.advance(hour)
    await app.ready()
    const deadline = Date.now() + 10_000
    while (app.retention.stats.expiredConversations === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(app.retention.stats).toMatchObject({ expiredConversations: 1 })
    expect((await call(app, { method: 'GET', url: `/v1/conversations/${conversation.id}` })).status).toBe(404)
    await app.close()
    const runs = app.retention.stats.runs
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(app.retention.stats.runs).toBe(runs)
    store = undefined
  })

  it('logs what each pass removed', async () => {
    const clock = manualClock()
    const lines: string[] = []
    store = await openTestStore(clock, {
      config: { conversationTtlMs: hour, retentionIntervalMs: 20, logLevel: 'info' },
      deps: { logger: true, logStream: { write: (line) => { lines.push(line) } } },
    })
    await createConversation(store.app)
    await createConversation(store.app)
    clock.advance(hour)
    await store.app.ready()
    const deadline = Date.now() + 10_000
    const logged = (): any[] => lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'retention pass removed data')
    while (logged().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(logged()).toEqual([expect.objectContaining({
      level: 30,
      retention: { expiredConversations: 2, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 },
    })])
  })

  it('is off without CONVERSATION_TTL and PURGE_AFTER', async () => {
    const clock = manualClock()
    store = await openTestStore(clock)
    const conversation = await createConversation(store.app)
    clock.advance(3650 * day)
    expect(store.app.retention.enabled).toBe(false)
    expect((await store.app.retention.runOnce()).expiredConversations).toBe(0)
    expect((await call(store.app, { method: 'GET', url: `/v1/conversations/${conversation.id}` })).status).toBe(200)
  })
})
