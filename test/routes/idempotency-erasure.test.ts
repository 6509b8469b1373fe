// Remembered Idempotency-Key answers go with the content they hold: deleting an item or a
// conversation, and the retention purge, erase them (checked against every table of the store),
// and a retry with such a key is refused with a 400 rather than run a second time.
import { afterEach, describe, expect, it } from 'vitest'
import { call, errorBody, userMessage } from '../helpers/app.js'
import { day, manualClock } from '../helpers/lifecycle.js'
import { expectTracesInEveryTable, openTracedStore, type TracedStore } from '../helpers/traces.js'

let store: TracedStore | undefined
afterEach(async () => { await store?.app.close(); store = undefined })

const erasedAnswer = errorBody('The answer to the request sent with this Idempotency-Key was erased because content it held has been deleted. The request is not run again; use a new key for a new request.', null, 'idempotency_key_erased')

const post = async (url: string, payload: object, key: string) =>
  call(store!.app, { method: 'POST', url, payload, headers: { 'idempotency-key': key } })

const remove = async (url: string): Promise<void> => {
  expect((await call(store!.app, { method: 'DELETE', url })).status).toBe(200)
}

async function itemTexts (conversationId: string): Promise<string[]> {
  const { body } = await call(store!.app, { method: 'GET', url: `/v1/conversations/${conversationId}/items?order=asc&limit=100` })
  return body.data.map((item: any) => item.content[0].text)
}

async function conversationIds (): Promise<string[]> {
  const { body } = await call(store!.app, { method: 'GET', url: '/v1/conversations?order=asc&limit=100' })
  return body.data.map((c: { id: string }) => c.id)
}

/** A retry answered with the erased error: no replay, nothing run. */
async function expectRefused (url: string, payload: object, key: string): Promise<void> {
  const retry = await post(url, payload, key)
  expect(retry).toMatchObject({ status: 400, body: erasedAnswer })
  expect(retry.headers['idempotent-replayed']).toBeUndefined()
}

async function expectReplayed (url: string, payload: object, key: string, first: { status: number, body: unknown }): Promise<void> {
  const retry = await post(url, payload, key)
  expect(retry).toMatchObject({ status: first.status, body: first.body })
  expect(retry.headers['idempotent-replayed']).toBe('true')
}

describe('DELETE /v1/conversations/:conversation_id/items/:item_id and remembered answers', () => {
  it('erases the answers holding the deleted item from every table; their retry is a 400 and adds nothing', async () => {
    store = await openTracedStore()
    const conversation = (await post('/v1/conversations', {}, 'create')).body
    const url = `/v1/conversations/${conversation.id}/items`
    const doomedRequest = { items: [userMessage('zebracorn grazes')] }
    const keptRequest = { items: [userMessage('wombatross stays')] }
    const doomed = await post(url, doomedRequest, 'append-doomed')
    const kept = await post(url, keptRequest, 'append-kept')
    const traces = { ids: [], words: ['zebracorn'] }
    expect(Object.keys(await store.traces(traces))).toContain('idempotency_keys')

    await remove(`${url}/${doomed.body.data[0].id}`)

    expect(await store.traces(traces)).toEqual({})
    await expectRefused(url, doomedRequest, 'append-doomed')
    await expectReplayed(url, keptRequest, 'append-kept', kept)
    await expectReplayed('/v1/conversations', {}, 'create', { status: 200, body: conversation })
    expect(await itemTexts(conversation.id)).toEqual(['wombatross stays'])
  })

  it('does not store the answer of an append whose item is deleted before the answer is stored', async () => {
    store = await openTracedStore()
    const conversation = (await post('/v1/conversations', {}, 'create')).body
    const url = `/v1/conversations/${conversation.id}/items`
    // The item is deleted right after the append commits, while the request has not answered yet.
    const append = store.repos.items.append
    store.repos.items.append = async (owner, conversationId, items) => {
      const stored = await append(owner, conversationId, items)
      await store!.repos.items.delete(owner, conversationId, stored[0]!.id)
      return stored
    }
    const request = { items: [userMessage('capybarix sleeps')] }
    const first = await post(url, request, 'racing')
    expect(first.status).toBe(200)
    store.repos.items.append = append

    expect(await store.traces({ ids: [], words: ['capybarix'] })).toEqual({})
    await expectRefused(url, request, 'racing')
    expect(await itemTexts(conversation.id)).toEqual([])
  })
})

describe('DELETE /v1/conversations/:conversation_id and remembered answers', () => {
  it('erases every answer about the conversation; retries are 400s and create, update or append nothing', async () => {
    store = await openTracedStore()
    const createRequest = { metadata: { topic: 'narwhalbee' }, items: [userMessage('first')] }
    const created = await post('/v1/conversations', createRequest, 'create')
    const id = created.body.id
    const updateRequest = { metadata: { topic: 'quokkaphant' } }
    await post(`/v1/conversations/${id}`, updateRequest, 'update')
    const appendRequest = { items: [userMessage('capybarix speaks')] }
    await post(`/v1/conversations/${id}/items`, appendRequest, 'append')
    const forkRequest = { metadata: { branch: 'b' } }
    const fork = await post(`/v1/conversations/${id}/fork`, forkRequest, 'fork')
    const other = await post('/v1/conversations', { metadata: { topic: 'other' } }, 'other')
    const words = ['narwhalbee', 'quokkaphant', 'capybarix']
    expect((await store.traces({ ids: [], words }))['idempotency_keys']).toEqual(expect.arrayContaining(words))

    await remove(`/v1/conversations/${id}`)

    // Soft delete: the conversation's own rows stay until the purge, its remembered answers do not.
    expect((await store.traces({ ids: [], words }))['idempotency_keys']).toBeUndefined()
    await expectRefused('/v1/conversations', createRequest, 'create')
    await expectRefused(`/v1/conversations/${id}`, updateRequest, 'update')
    await expectRefused(`/v1/conversations/${id}/items`, appendRequest, 'append')
    // The fork is a live conversation of its own: its answer stays until the fork is deleted.
    await expectReplayed(`/v1/conversations/${id}/fork`, forkRequest, 'fork', fork)
    await expectReplayed('/v1/conversations', { metadata: { topic: 'other' } }, 'other', other)
    expect(await conversationIds()).toEqual([fork.body.id, other.body.id])

    await remove(`/v1/conversations/${fork.body.id}`)
    await expectRefused(`/v1/conversations/${id}/fork`, forkRequest, 'fork')
    expect(await conversationIds()).toEqual([other.body.id])
  })

  it('does not store the answer of a create whose conversation is deleted before the answer is stored', async () => {
    store = await openTracedStore()
    // Deleted between its creation and the storing of the answer (preSerialization runs in between).
    let deletions = 0
    store.app.addHook('preSerialization', async (request, _reply, payload: any) => {
      if (request.method === 'POST' && payload?.object === 'conversation' && deletions++ === 0) await store!.repos.conversations.delete(request.owner, payload.id)
      return payload
    })
    const request = { metadata: { topic: 'zebracorn' } }
    const first = await post('/v1/conversations', request, 'create')
    expect(first.status).toBe(200)
    expect(await store.traces({ ids: [], words: ['zebracorn'] })).toEqual({ conversations: ['zebracorn'] })
    await expectRefused('/v1/conversations', request, 'create')
    expect(deletions).toBe(1)
    expect(await conversationIds()).toEqual([])
  })

  it('leaves the answers of other owners alone', async () => {
    store = await openTracedStore()
    store.app.addHook('onRequest', async (request) => { request.owner = String(request.headers['x-test-owner'] ?? 'default') })
    const mine = (await post('/v1/conversations', {}, 'create')).body
    const url = `/v1/conversations/${mine.id}/items`
    const foreign = await call(store.app, { method: 'POST', url, payload: { items: [userMessage('x')] }, headers: { 'idempotency-key': 'probe', 'x-test-owner': 'mallory' } })
    expect(foreign.status).toBe(404)
    await remove(`/v1/conversations/${mine.id}`)
    const retried = await call(store.app, { method: 'POST', url, payload: { items: [userMessage('x')] }, headers: { 'idempotency-key': 'probe', 'x-test-owner': 'mallory' } })
    expect(retried).toMatchObject({ status: 404, body: foreign.body })
    expect(retried.headers['idempotent-replayed']).toBe('true')
  })
})

describe('retention and remembered answers', () => {
  it('expiry erases answers as a delete does, and the purge leaves no trace of them in any table', async () => {
    const clock = manualClock()
    store = await openTracedStore({ now: clock.now, config: { conversationTtlMs: 10 * day, purgeAfterMs: day, idempotencyTtlSeconds: 30 * 86_400 } })
    const createRequest = { metadata: { topic: 'zebracorn' }, items: [userMessage('quokkaphant speaks')] }
    const deleted = (await post('/v1/conversations', createRequest, 'create-deleted')).body
    const appendRequest = { items: [userMessage('narwhalbee hums')] }
    await post(`/v1/conversations/${deleted.id}/items`, appendRequest, 'append-deleted')
    const idleRequest = { metadata: { topic: 'capybarix' } }
    const idle = (await post('/v1/conversations', idleRequest, 'create-idle')).body
    const deletedItems = (await call(store.app, { method: 'GET', url: `/v1/conversations/${deleted.id}/items` })).body.data.map((i: { id: string }) => i.id)
    clock.advance(9 * day)
    const kept = await post('/v1/conversations', { metadata: { topic: 'kept' } }, 'create-kept')
    const traces = { ids: [deleted.id, idle.id, ...deletedItems], words: ['zebracorn', 'quokkaphant', 'narwhalbee', 'capybarix'] }
    expectTracesInEveryTable(await store.traces(traces), await store.dataTables())

    await remove(`/v1/conversations/${deleted.id}`)
    // After the delete, a request about the deleted conversation is answered (404) and remembered too.
    const late = await post(`/v1/conversations/${deleted.id}/items`, appendRequest, 'append-late')
    expect(late.status).toBe(404)
    clock.advance(day + 1)
    // Purges `deleted`, expires `idle`: expiry erases its answers at once, its rows go a day later.
    expect(await store.app.retention.runOnce()).toMatchObject({ expiredConversations: 1, purgedConversations: 1 })
    await expectRefused('/v1/conversations', idleRequest, 'create-idle')
    clock.advance(day)
    expect(await store.app.retention.runOnce()).toMatchObject({ purgedConversations: 1 })

    expect(await store.traces(traces)).toEqual({})
    await expectRefused('/v1/conversations', createRequest, 'create-deleted')
    await expectRefused(`/v1/conversations/${deleted.id}/items`, appendRequest, 'append-deleted')
    await expectRefused(`/v1/conversations/${deleted.id}/items`, appendRequest, 'append-late')
    await expectRefused('/v1/conversations', idleRequest, 'create-idle')
    await expectReplayed('/v1/conversations', { metadata: { topic: 'kept' } }, 'create-kept', kept)
    expect(await conversationIds()).toEqual([kept.body.id])
  })
})
