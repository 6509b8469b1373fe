// Property-based hostile input against every route: random and mutated requests must always get
// a non-5xx answer in OpenAI's error envelope (or a success), and the server must stay up.
// FUZZ_RUNS=<n> runs more cases per property (default 150).
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idPrefixes } from '../../src/repositories/ids.js'
import { buildTestApp } from '../helpers/app.js'

const runs = Number(process.env.FUZZ_RUNS ?? 150)
const bodyLimit = 256 * 1024

let app: FastifyInstance
let conversationId: string
let itemId: string

beforeAll(async () => {
  app = await buildTestApp({ bodyLimit, idempotencyWaitMs: 50 })
  const created = await app.inject({ method: 'POST', url: '/v1/conversations', payload: { items: [{ type: 'message', role: 'user', content: 'seed' }] } })
  conversationId = created.json().id
  const items = await app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}/items` })
  itemId = items.json().data[0].id
})
afterAll(async () => { await app.close() })

/** The invariant of every answer: no 5xx, JSON, a request id, and the envelope on errors. */
function expectWellFormed (response: Awaited<ReturnType<FastifyInstance['inject']>>, method: string): void {
  expect(response.statusCode, response.body).toBeLessThan(500)
  expect(response.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/)
  if (method === 'HEAD') return
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const body = response.json()
  if (response.statusCode >= 400) {
    expect(Object.keys(body)).toEqual(['error'])
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
    expect(typeof body.error.message).toBe('string')
    expect(typeof body.error.type).toBe('string')
    expect(body.error.param === null || typeof body.error.param === 'string').toBe(true)
    expect(body.error.code === null || typeof body.error.code === 'string').toBe(true)
  }
}

async function expectAlive (): Promise<void> {
  const response = await app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}/items/${itemId}` })
  expect(response.statusCode).toBe(200)
}

// ---- arbitraries -------------------------------------------------------------------------------

/** encodeURIComponent, which throws on lone surrogates: those go out as their UTF-8 bytes. */
const encode = (text: string): string => {
  try {
    return encodeURIComponent(text)
  } catch {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
  }
}

const edgyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\uFEFF', '\uD800', '\uDFFF', '\u202E', '👩‍👩‍👧‍👦', 'e\u0301', '\\', '"', '%', '%zz', '%ff%fe', '../..', '__proto__', 'constructor', 'a'.repeat(600), '𝕏'.repeat(300)),
)

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { maxDepth: 3 },
  fc.jsonValue({ maxDepth: 3 }),
  edgyString,
  fc.constantFrom(null, true, 0, -1, 1e308, -0, 2 ** 53 + 1, [], {}),
)

const itemTypes = [...Object.keys(idPrefixes).filter((t) => t !== 'conversation'), 'item_reference', 'compaction_trigger', 'unknown_type', '']
const itemFields = ['type', 'id', 'role', 'content', 'status', 'call_id', 'name', 'arguments', 'output', 'summary', 'encrypted_content', 'action', 'text', 'annotations', 'logprobs', 'results', 'queries', 'server_label', 'tools', 'approval_request_id', 'approve', 'input', 'result']

const contentPart = fc.record({
  type: fc.constantFrom('input_text', 'output_text', 'input_image', 'input_file', 'refusal', 'text', 'summary_text', 'bogus'),
  text: jsonish,
  image_url: jsonish,
  file_id: jsonish,
  annotations: jsonish,
}, { requiredKeys: ['type'] })

const item = fc.oneof(
  fc.record({
    type: fc.constantFrom('message', undefined),
    role: fc.constantFrom('user', 'assistant', 'system', 'developer', 'tool', 'x'),
    content: fc.oneof(edgyString, fc.array(contentPart, { maxLength: 4 }), jsonish),
  }, { requiredKeys: ['role'] }),
  fc.dictionary(fc.oneof(fc.constantFrom(...itemFields), edgyString), jsonish, { maxKeys: 8 })
    .chain((fields) => fc.constantFrom(...itemTypes).map((type) => ({ ...fields, type }))),
  jsonish,
)

const metadata = fc.oneof(
  fc.dictionary(edgyString, fc.oneof(edgyString, jsonish), { maxKeys: 20 }),
  jsonish,
)

const body = fc.oneof(
  fc.record({ items: fc.oneof(fc.array(item, { maxLength: 25 }), jsonish), metadata }, { requiredKeys: [] }),
  fc.record({ metadata }, { requiredKeys: [] }),
  fc.dictionary(edgyString, jsonish, { maxKeys: 5 }),
  jsonish,
)

const deepJson = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, closed]) => {
  const close = open === '[' ? ']' : '}'
  return open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '')
})

const rawPayload: fc.Arbitrary<string | Buffer> = fc.oneof(
  body.map((b) => JSON.stringify(b) ?? 'undefined'),
  body.map((b) => JSON.stringify({ items: [b] })),
  deepJson,
  fc.integer({ min: bodyLimit - 10, max: bodyLimit + 2000 }).map((size) => JSON.stringify({ items: [{ role: 'user', content: 'x'.repeat(size) }] })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from([0x7b, 0x22, 0x69, 0x74, 0x65, 0x6d, 0x73, 0x22, 0x3a, 0x5b, 0x7b, 0x22, 0x72, 0x6f, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0x75, 0x73, 0x65, 0x72, 0x22, 0x2c, 0x22, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d, 0x5d, 0x7d]),
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
    Buffer.from('{"metadata":{"\\ud800":"\\udfff"}}'),
    Buffer.from('{"items":[{"role":"user","content":"\\u0000"}]}'),
    Buffer.from('{"__proto__":{"polluted":true},"metadata":{"constructor":"x"}}'),
    '{"items":[],}', '{', 'null', '[]', '"', '1e999999', '{"items":' + '1'.repeat(10_000) + '}',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
)

const contentType = fc.constantFrom(
  undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', ';;;', 'application/json; charset="', '*/*',
)

const pathId = fc.oneof(
  fc.constant('{conv}'), fc.constant('{item}'),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encode),
  fc.constantFrom('conv_', '%', '%zz', '%ff%fe', '%00', '..', '.', 'a'.repeat(600), 'conv_' + 'f'.repeat(48), '%E2%80%AE', '%F0%9F%98%80', '%C0%AF', '%ED%A0%80'),
)

const queryValue = fc.oneof(edgyString.map(encode), fc.constantFrom('', '-1', '0', '1', '100', '101', '1e2', '0x10', 'NaN', '20.5', 'asc', 'desc', '%', '%zz', 'message.output_text.logprobs', 'reasoning.encrypted_content'))
const queryKey = fc.oneof(fc.constantFrom('limit', 'order', 'after', 'include', 'include[]', 'include[0]', 'include[a]', 'limit[]', 'order[x]', 'after[]', '__proto__', 'a[b][c][d]'), edgyString.map(encode))
const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'))

const headers = fc.record({
  'idempotency-key': fc.oneof(fc.constant(undefined), fc.constantFrom('k1', 'k2', ' ', '', 'x'.repeat(300)), fc.string({ unit: 'grapheme-ascii', maxLength: 20 })),
  authorization: fc.oneof(fc.constant(undefined), fc.constantFrom('Bearer sk-test', 'Bearer', 'Basic Og==', ''), fc.string({ unit: 'grapheme-ascii', maxLength: 40 })),
  accept: fc.constantFrom(undefined, 'application/json', 'text/html', '*/*', ''),
  'accept-encoding': fc.constantFrom(undefined, 'gzip', 'br', 'identity;q=0'),
}, { requiredKeys: [] })

const routes = [
  ['POST', '/v1/conversations'],
  ['GET', '/v1/conversations/{id}'],
  ['POST', '/v1/conversations/{id}'],
  ['DELETE', '/v1/conversations/{id}'],
  ['POST', '/v1/conversations/{id}/items'],
  ['GET', '/v1/conversations/{id}/items'],
  ['GET', '/v1/conversations/{id}/items/{id2}'],
  ['DELETE', '/v1/conversations/{id}/items/{id2}'],
] as const

const request = fc.record({
  route: fc.constantFrom(...routes),
  method: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS', 'GET', 'POST', 'DELETE') }),
  id: pathId,
  id2: pathId,
  query,
  payload: fc.option(rawPayload, { freq: 4 }),
  contentType,
  headers,
})

type RequestCase = typeof request extends fc.Arbitrary<infer T> ? T : never

function toInject (r: RequestCase, { keepDeletes }: { keepDeletes: boolean }): InjectOptions {
  const fill = (id: string): string => id === '{conv}' ? conversationId : id === '{item}' ? itemId : id
  let method = r.method ?? r.route[0]
  // Deleting the seed conversation or item would turn the rest of the run into 404s.
  if (!keepDeletes && method === 'DELETE' && (r.id === '{conv}' || r.id2 === '{item}')) method = 'GET'
  const url = r.route[1].replace('{id}', fill(r.id)).replace('{id2}', fill(r.id2)) + (r.query === '' ? '' : `?${r.query}`)
  const headerList: Record<string, string> = {}
  for (const [name, value] of Object.entries(r.headers)) if (value !== undefined) headerList[name] = value
  if (r.contentType !== undefined) headerList['content-type'] = r.contentType
  return { method: method as InjectOptions['method'], url, headers: headerList, ...(r.payload === null ? {} : { payload: r.payload }) }
}

describe('hostile input on every route', () => {
  it('never answers 5xx, always the envelope, and stays alive', async () => {
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const options = toInject(r, { keepDeletes: false })
      const response = await app.inject(options)
      expectWellFormed(response, String(options.method))
    }), { numRuns: runs * 8 })
    await expectAlive()
  }, 300_000)

  it('handles item batches built from every item type with random fields', async () => {
    await fc.assert(fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 21 }), fc.boolean(), async (items, viaCreate) => {
      const response = viaCreate
        ? await app.inject({ method: 'POST', url: '/v1/conversations', payload: { items } as object })
        : await app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/items?include[]=message.output_text.logprobs`, payload: { items } as object })
      expectWellFormed(response, 'POST')
      if (response.statusCode === 200 && !viaCreate) {
        // What was stored reads back, one by one and as a list.
        for (const stored of response.json().data) {
          const got = await app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}/items/${encodeURIComponent(stored.id)}` })
          expect(got.statusCode).toBe(200)
        }
      }
    }), { numRuns: runs * 2 })
    const list = await app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}/items?limit=100&include[]=reasoning.encrypted_content` })
    expectWellFormed(list, 'GET')
    expect(list.statusCode).toBe(200)
  }, 300_000)

  it('handles random metadata with Unicode edge cases on create and update', async () => {
    await fc.assert(fc.asyncProperty(metadata, async (m) => {
      for (const options of [
        { method: 'POST' as const, url: '/v1/conversations', payload: { metadata: m } as object },
        { method: 'POST' as const, url: `/v1/conversations/${conversationId}`, payload: { metadata: m } as object },
      ]) {
        const response = await app.inject(options)
        expectWellFormed(response, 'POST')
        if (response.statusCode === 200) {
          const got = await app.inject({ method: 'GET', url: `/v1/conversations/${response.json().id}` })
          expect(got.json().metadata).toEqual(response.json().metadata)
        }
      }
    }), { numRuns: runs })
  }, 300_000)

  it('keeps memory bounded over many hostile requests', async () => {
    const before = process.memoryUsage().rss
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const response = await app.inject(toInject(r, { keepDeletes: false }))
      expect(response.statusCode).toBeLessThan(500)
    }), { numRuns: runs * 4 })
    await expectAlive()
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024)
  }, 300_000)
})
