// JSONL export and import: a round trip into an empty database answers every API request exactly as
// the source did; import is idempotent, validates like the API and reports bad lines; export streams.
import { PassThrough, Readable, Writable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { exportJsonl } from '../../src/lifecycle/export.js'
import { importJsonl, type ImportOptions } from '../../src/lifecycle/import.js'
import type { ExportFilter, LifecycleRepository } from '../../src/repositories/lifecycle.js'
import { addItems, call, createConversation, userMessage } from '../helpers/app.js'
import { day, manualClock, openTestStore, tableCounts, type TestStore } from '../helpers/lifecycle.js'

const stores: TestStore[] = []
afterEach(async () => { for (const store of stores.splice(0)) await store.app.close() })

async function store (clock = manualClock()): Promise<TestStore> {
  const opened = await openTestStore(clock)
  stores.push(opened)
  return opened
}

async function exportText (lifecycle: LifecycleRepository, filter: ExportFilter = {}, options = {}): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  await exportJsonl(lifecycle, out, filter, options)
  out.end()
  return Buffer.concat(chunks).toString('utf8')
}

async function importText (lifecycle: LifecycleRepository, text: string, options: Partial<ImportOptions> = {}): Promise<{ result: Awaited<ReturnType<typeof importJsonl>>, rejected: Array<[number, string]> }> {
  const rejected: Array<[number, string]> = []
  const result = await importJsonl(lifecycle, Readable.from([text]), { defaultOwner: 'default', onRejected: (line, reason) => rejected.push([line, reason]), ...options })
  return { result, rejected }
}

const include = [
  'message.output_text.logprobs', 'message.input_image.image_url', 'reasoning.encrypted_content',
  'computer_call_output.output.image_url', 'code_interpreter_call.outputs', 'file_search_call.results', 'web_search_call.action.sources',
].map((value) => `include[]=${encodeURIComponent(value)}`).join('&')

/** Every API answer about a conversation: the resource, all item lists (with and without include), each item. */
async function apiView (app: FastifyInstance, id: string): Promise<unknown[]> {
  const answers: unknown[] = []
  const get = async (url: string): Promise<any> => {
    const { status, body } = await call(app, { method: 'GET', url })
    answers.push({ url, status, body })
    return body
  }
  await get(`/v1/conversations/${id}`)
  const all = await get(`/v1/conversations/${id}/items?order=asc&limit=100&${include}`)
  await get(`/v1/conversations/${id}/items?order=desc&limit=3`)
  await get(`/v1/conversations/${id}/items?order=asc&limit=100`)
  for (const item of all.data as Array<{ id: string }>) {
    await get(`/v1/conversations/${id}/items/${item.id}`)
    await get(`/v1/conversations/${id}/items/${item.id}?${include}`)
  }
  return answers
}

/** Items of many types, including every include-gated field. */
const richItems = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Look' }, { type: 'input_image', image_url: 'https://example.com/a.png' }] },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Seen', annotations: [], logprobs: [{ token: 'Seen', logprob: -0.1, bytes: [83], top_logprobs: [] }] }] },
  { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
  { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
  { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'enc' },
  { type: 'computer_call_output', call_id: 'call_c', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AAA' } },
  { type: 'code_interpreter_call', id: 'ci_1', status: 'completed', container_id: 'cntr_1', code: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
  { id: 'fs_1', type: 'file_search_call', status: 'completed', queries: ['q'], results: [{ file_id: 'file-1', text: 't', filename: 'a.txt', attributes: { k: 'v' }, score: 0.5 }] },
  { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://e.com' }] } },
  { type: 'shell_call', call_id: 'call_s', action: { commands: ['ls'] } },
  { type: 'mcp_call', id: 'mcp_1', server_label: 'srv', name: 't', arguments: '{}', output: 'ok' },
]

/** A source database: live conversations (one with a deleted item), a deleted one, another owner's. */
async function seed (source: TestStore, clock: ReturnType<typeof manualClock>): Promise<{ live: string[], deleted: string, foreign: string }> {
  const { app, repos } = source
  const rich = await createConversation(app, { metadata: { topic: 'rich', lang: 'en' }, items: richItems.slice(0, 6) })
  await addItems(app, rich.id, richItems.slice(6))
  clock.advance(day)
  const plain = await createConversation(app, { items: [userMessage('one'), userMessage('two'), userMessage('three')] })
  const second = (await call(app, { method: 'GET', url: `/v1/conversations/${plain.id}/items?order=asc` })).body.data[1]
  await call(app, { method: 'DELETE', url: `/v1/conversations/${plain.id}/items/${second.id}` })
  clock.advance(day)
  const empty = await createConversation(app)
  const deleted = await createConversation(app, { items: [userMessage('gone')] })
  await call(app, { method: 'DELETE', url: `/v1/conversations/${deleted.id}` })
  const foreign = await repos.conversations.create('tenant-b', { metadata: { who: 'b' }, items: [{ type: 'message', item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'b' }] } }] })
  return { live: [rich.id, plain.id, empty.id], deleted: deleted.id, foreign: foreign.conversation.id }
}

describe('export → import', () => {
  it('into an empty database gives identical API responses for every conversation', async () => {
    const clock = manualClock()
    const source = await store(clock)
    const { live, deleted, foreign } = await seed(source, clock)
    const jsonl = await exportText(source.lifecycle, {}, { itemsPerChunk: 4 })
    const lines = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((l) => l.id)).toEqual([...live, foreign])
    expect(lines[0]).toMatchObject({ id: live[0], owner: 'default', metadata: { topic: 'rich', lang: 'en' } })
    expect(lines[0].items).toHaveLength(richItems.length)
    expect(lines[0].items[4]).toMatchObject({ id: 'rs_1', encrypted_content: 'enc' }) // include-gated fields are exported

    const target = await store(manualClock(Date.UTC(2027, 0, 1)))
    const { result, rejected } = await importText(target.lifecycle, jsonl)
    expect(rejected).toEqual([])
    expect(result).toEqual({ lines: 4, created: 4, merged: 0, unchanged: 0, itemsAdded: richItems.length + 2 + 1, rejected: 0 })
    for (const id of live) expect(await apiView(target.app, id)).toEqual(await apiView(source.app, id))
    expect((await call(target.app, { method: 'GET', url: `/v1/conversations/${deleted}` })).status).toBe(404)
    const listForeign = (repos: TestStore['repos']) => repos.items.list('tenant-b', foreign, { limit: 100, order: 'asc' })
    expect(await listForeign(target.repos)).toEqual(await listForeign(source.repos))
    expect(await target.repos.conversations.get('tenant-b', foreign)).toEqual(await source.repos.conversations.get('tenant-b', foreign))
    // And the copy exports to the same text.
    expect(await exportText(target.lifecycle)).toBe(jsonl)
  })

  it('imported twice creates no duplicates', async () => {
    const clock = manualClock()
    const source = await store(clock)
    await seed(source, clock)
    const jsonl = await exportText(source.lifecycle)
    const target = await store()
    await importText(target.lifecycle, jsonl)
    const counts = tableCounts(target.db)
    const { result, rejected } = await importText(target.lifecycle, jsonl)
    expect(rejected).toEqual([])
    expect(result).toEqual({ lines: 4, created: 0, merged: 0, unchanged: 4, itemsAdded: 0, rejected: 0 })
    expect(tableCounts(target.db)).toEqual(counts)
  })

  it('merges items missing from an existing conversation, appended in order, keeping its metadata', async () => {
    const target = await store()
    const conversation = await createConversation(target.app, { metadata: { mine: 'yes' }, items: [{ id: 'msg_a', ...userMessage('a') }] })
    const line = JSON.stringify({ id: conversation.id, created_at: conversation.created_at, owner: 'default', metadata: { theirs: 'x' }, items: [{ id: 'msg_a', ...userMessage('a') }, { id: 'msg_b', ...userMessage('b') }] })
    const { result } = await importText(target.lifecycle, `${line}\n`)
    expect(result).toMatchObject({ merged: 1, itemsAdded: 1 })
    const listed = (await call(target.app, { method: 'GET', url: `/v1/conversations/${conversation.id}/items?order=asc` })).body.data
    expect(listed.map((i: { id: string }) => i.id)).toEqual(['msg_a', 'msg_b'])
    expect((await call(target.app, { method: 'GET', url: `/v1/conversations/${conversation.id}` })).body.metadata).toEqual({ mine: 'yes' })
  })

  it('writes a large conversation a chunk per transaction, and completes an interrupted import', async () => {
    const target = await store()
    const items = Array.from({ length: 7 }, (_, i) => ({ id: `msg_${i}`, ...userMessage(`m${i}`) }))
    const line = (count: number): string => `${JSON.stringify({ id: 'conv_big', created_at: 1_700_000_000, metadata: {}, items: items.slice(0, count) })}\n`
    // As if a previous run had stopped after its first chunks.
    expect((await importText(target.lifecycle, line(4), { itemsPerTransaction: 2 })).result).toMatchObject({ created: 1, itemsAdded: 4 })
    expect((await importText(target.lifecycle, line(7), { itemsPerTransaction: 2 })).result).toMatchObject({ merged: 1, itemsAdded: 3 })
    expect((await importText(target.lifecycle, line(7), { itemsPerTransaction: 2 })).result).toMatchObject({ unchanged: 1, itemsAdded: 0 })
    const listed = (await call(target.app, { method: 'GET', url: '/v1/conversations/conv_big/items?order=asc' })).body.data
    expect(listed.map((i: { id: string }) => i.id)).toEqual(items.map((i) => i.id))
  })

  it('filters by owner and creation time', async () => {
    const clock = manualClock()
    const source = await store(clock)
    const { live, foreign } = await seed(source, clock)
    const ids = async (filter: ExportFilter): Promise<string[]> =>
      (await exportText(source.lifecycle, filter)).trimEnd().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).id)
    const start = Date.UTC(2026, 0, 1) / 1000
    expect(await ids({ owner: 'tenant-b' })).toEqual([foreign])
    expect(await ids({ owner: 'default' })).toEqual(live)
    expect(await ids({ createdFrom: start + 86_400 })).toEqual([live[1], live[2], foreign])
    expect(await ids({ createdBefore: start + 86_400 })).toEqual([live[0]])
    expect(await ids({ owner: 'default', createdFrom: start + 86_400, createdBefore: start + 2 * 86_400 })).toEqual([live[1]])
    expect(await ids({ owner: 'nobody' })).toEqual([])
  })
})

describe('import validation', () => {
  it('reports each bad line with its number and reason, and imports the good ones', async () => {
    const target = await store()
    const other = await target.repos.conversations.create('someone-else', {})
    const good = (id: string): string => JSON.stringify({ id, created_at: 1_700_000_000, metadata: {}, items: [{ id: `msg_${id}`, ...userMessage('hi') }] })
    const text = [
      good('conv_good1'),
      '{not json',
      JSON.stringify({ id: 'conv_bad_type', created_at: 1, metadata: {}, items: [{ id: 'x_1', type: 'telepathy' }] }),
      JSON.stringify({ id: 'conv_no_id', created_at: 1, metadata: {}, items: [userMessage('no id')] }),
      JSON.stringify({ id: 'conv_meta', created_at: 1, metadata: { k: 1 }, items: [] }),
      JSON.stringify({ id: 'conv_extra', created_at: 1, metadata: {}, items: [], colour: 'red' }),
      JSON.stringify({ id: 'conv_dup', created_at: 1, metadata: {}, items: [{ id: 'msg_1', ...userMessage('a') }, { id: 'msg_1', ...userMessage('b') }] }),
      JSON.stringify({ id: other.conversation.id, created_at: 1, metadata: {}, items: [] }),
      '',
      JSON.stringify({ id: 'conv_bad_created', created_at: 'yesterday', metadata: {}, items: [] }),
      good('conv_good2'),
    ].join('\n')
    const { result, rejected } = await importText(target.lifecycle, text)
    expect(rejected).toEqual([
      [2, expect.stringMatching(/^invalid JSON: /)],
      [3, expect.stringContaining("Invalid value: 'telepathy'. Supported values are: 'message'")],
      [4, "items[0] has no 'id' (import needs ids to stay idempotent)"],
      [5, "Invalid type for 'metadata.k': expected a string, but got an integer instead."],
      [6, "unknown field 'colour'"],
      [7, 'Duplicate item found with id msg_1. Remove duplicate items from your input and try again.'],
      [8, `conversation '${other.conversation.id}' already exists for another owner`],
      [10, "'created_at' must be a non-negative integer (Unix seconds)"],
    ])
    expect(result).toEqual({ lines: 10, created: 2, merged: 0, unchanged: 0, itemsAdded: 2, rejected: 8 })
    expect((await call(target.app, { method: 'GET', url: '/v1/conversations/conv_good2/items' })).body.data).toHaveLength(1)
    expect(tableCounts(target.db)).toMatchObject({ conversations: 3, items: 2 })
  })

  it('puts every conversation under --owner when given', async () => {
    const clock = manualClock()
    const source = await store(clock)
    await seed(source, clock)
    const target = await store()
    await importText(target.lifecycle, await exportText(source.lifecycle), { owner: 'moved' })
    expect(await target.lifecycle.countConversations({ owner: 'moved' })).toBe(4)
    expect(await target.lifecycle.countConversations({})).toBe(4)
  })
})

describe('export streaming', () => {
  it('reads items in chunks and respects backpressure, whatever the conversation size', async () => {
    const clock = manualClock()
    const source = await store(clock)
    const big = await source.repos.conversations.create('default', {})
    const text = 'x'.repeat(200)
    for (let batch = 0; batch < 20; batch++) {
      await source.repos.items.append('default', big.conversation.id, Array.from({ length: 100 }, () => ({ type: 'message', item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] } })))
    }
    const writes: number[] = []
    let maxBuffered = 0
    let received = ''
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write (chunk: Buffer, _encoding, done) {
        writes.push(chunk.length)
        received += chunk.toString()
        setImmediate(done)
      },
    })
    const original = slow.write.bind(slow)
    slow.write = ((chunk: string) => {
      const ok = original(chunk)
      maxBuffered = Math.max(maxBuffered, slow.writableLength)
      return ok
    }) as typeof slow.write
    const chunkSize = 50
    const result = await exportJsonl(source.lifecycle, slow, {}, { itemsPerChunk: chunkSize })
    expect(result).toEqual({ conversations: 1, items: 2000 })
    expect(JSON.parse(received).items).toHaveLength(2000)
    const itemBytes = JSON.stringify({ id: 'msg_' + '0'.repeat(48), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] }).length + 1
    // Every write holds at most one chunk of items; the buffer never grows past the high-water mark plus one write.
    expect(Math.max(...writes)).toBeLessThanOrEqual(chunkSize * itemBytes)
    expect(writes.length).toBeGreaterThanOrEqual(2000 / chunkSize)
    expect(maxBuffered).toBeLessThanOrEqual(16 * 1024 + chunkSize * itemBytes)
  })
})

/** A full garbage collection (exposed for this test only), so heapUsed measures live data. */
function collectGarbage (): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

describe('export memory', () => {
  // EXPORT_MEMORY_ITEMS=1000000 runs the million-item variant (minutes); the default keeps the suite fast.
  const total = Number(process.env.EXPORT_MEMORY_ITEMS ?? 40_000)

  it(`keeps the live heap flat while exporting ${total} items`, async () => {
    const source = await store()
    const text = 'y'.repeat(200)
    const conversations = [await source.repos.conversations.create('default', {}), await source.repos.conversations.create('default', {})]
    for (let done = 0; done < total; done += 1000) {
      const target = conversations[done < total / 2 ? 0 : 1]!.conversation.id
      await source.repos.items.append('default', target, Array.from({ length: Math.min(1000, total - done) }, () => message(text)))
    }
    const gc = collectGarbage()
    gc()
    const baseline = process.memoryUsage().heapUsed
    let peak = 0
    let bytes = 0
    let writes = 0
    const sink = new Writable({
      write (chunk: Buffer, _encoding, done) {
        bytes += chunk.length
        writes += 1
        if (writes % 10 === 0) {
          gc()
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)
        }
        done()
      },
    })
    const result = await exportJsonl(source.lifecycle, sink, {}, { itemsPerChunk: 500 })
    expect(result).toEqual({ conversations: 2, items: total })
    // The output is far larger than what stays alive at any moment: one chunk, not a conversation.
    expect(bytes).toBeGreaterThan(total * 200)
    expect(peak).toBeLessThan(Math.min(bytes / 4, 16 * 1024 * 1024))
  }, 600_000)
})

function message (text: string): { type: string, item: Record<string, unknown> } {
  return { type: 'message', item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] } }
}
