// The repository contract on PostgreSQL (PGlite, or the TEST_DATABASE_URL server), plus what
// only concurrency on a shared database can show.
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/errors.js'
import type { NewItem } from '../../src/repositories/types.js'
import { makeTestPgRepositories, testBackend } from '../helpers/pg.js'
import { runRepositoryContract } from './contract.js'

runRepositoryContract(`postgresql (${testBackend})`, async ({ now }) => makeTestPgRepositories({ now }))

const message = (text: string, id?: string): NewItem => ({
  id, type: 'message', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
})

describe(`postgresql storage (${testBackend})`, () => {
  it('gives concurrent appends to one conversation distinct, gap-free positions in commit order', async () => {
    const repos = await makeTestPgRepositories()
    const { conversation } = await repos.conversations.create('o', { items: [message('first')] })
    const batches = await Promise.all(Array.from({ length: 12 }, (_, b) =>
      repos.items.append('o', conversation.id, [message(`b${b}-0`), message(`b${b}-1`), message(`b${b}-2`)])))
    const listed = await repos.items.list('o', conversation.id, { limit: 100, order: 'asc' })
    expect(listed.data).toHaveLength(37)
    const texts = listed.data.map((i) => (JSON.parse(i.json) as { content: Array<{ text: string }> }).content[0]!.text)
    expect(texts[0]).toBe('first')
    // Every batch is contiguous: positions were reserved per transaction, not per row.
    for (const batch of batches) {
      const at = listed.data.findIndex((i) => i.id === batch[0]!.id)
      expect(listed.data.slice(at, at + 3).map((i) => i.id)).toEqual(batch.map((i) => i.id))
    }
  })

  it('lets exactly one of two concurrent appends of the same item id win, the other gets the duplicate error', async () => {
    const repos = await makeTestPgRepositories()
    const { conversation } = await repos.conversations.create('o', {})
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => repos.items.append('o', conversation.id, [message('x', 'msg_same')])))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(AppError)
      expect({ code: (r.reason as AppError).code, param: (r.reason as AppError).param }).toEqual({ code: 'duplicate_item', param: 'items' })
    }
    expect((await repos.items.list('o', conversation.id, { limit: 10, order: 'asc' })).data.map((i) => i.id)).toEqual(['msg_same'])
  })

  it('keeps stored item JSON byte for byte, key order included', async () => {
    const repos = await makeTestPgRepositories()
    const { conversation } = await repos.conversations.create('o', {})
    const [stored] = await repos.items.append('o', conversation.id, [{ id: 'fc_1', type: 'function_call', item: { type: 'function_call', call_id: 'c', name: 'zeta', arguments: '{"b":1,"a":2}', status: 'completed' } }])
    expect((await repos.items.get('o', conversation.id, 'fc_1')).body).toBe(stored!.body)
    expect(stored!.body).toBe('{"id":"fc_1","type":"function_call","call_id":"c","name":"zeta","arguments":"{\\"b\\":1,\\"a\\":2}","status":"completed"}')
  })

  it('answers ids with NUL characters (which PostgreSQL cannot store) as missing, and stores NULs inside items', async () => {
    const repos = await makeTestPgRepositories()
    const { conversation } = await repos.conversations.create('o', { items: [message('a\u0000b', 'msg_nul')] })
    const code = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'ok', (e: AppError) => ({ code: e.code, param: e.param }))
    expect(await code(repos.conversations.get('o', 'conv_\u0000'))).toEqual({ code: 'not_found', param: null })
    expect(await code(repos.conversations.get('o\u0000', conversation.id))).toEqual({ code: 'not_found', param: null })
    expect(await code(repos.items.get('o', conversation.id, 'msg_\u0000'))).toEqual({ code: 'not_found', param: null })
    expect(await code(repos.items.delete('o', conversation.id, 'msg_\u0000'))).toEqual({ code: 'not_found', param: null })
    expect(await code(repos.items.list('o', conversation.id, { limit: 10, order: 'asc', after: 'msg_\u0000' }))).toEqual({ code: 'invalid_value', param: 'after' })
    expect(await code(repos.items.append('o', conversation.id, [message('x', 'msg_\u0000')]))).toEqual({ code: 'invalid_value', param: null })
    const stored = await repos.items.get('o', conversation.id, 'msg_nul')
    expect((JSON.parse(stored.body) as { content: Array<{ text: string }> }).content[0]!.text).toBe('a\u0000b')
  })
})
