import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { ID, buildTestApp, call } from '../helpers/app.js'
import { startServer, type ListeningServer } from '../helpers/server.js'

let app: FastifyInstance
afterEach(async () => { await app?.close() })

const create = (headers: Record<string, string> = {}) => call(app, { method: 'POST', url: '/v1/conversations', headers })

describe('rate limiting', () => {
  it('is off by default', async () => {
    app = await buildTestApp()
    for (let i = 0; i < 30; i++) {
      const answer = await create()
      expect(answer.status).toBe(200)
      expect(answer.headers['x-ratelimit-limit']).toBeUndefined()
    }
  })

  it('answers 429 in the OpenAI envelope with retry-after and x-ratelimit-* headers', async () => {
    app = await buildTestApp({ rateLimitMax: 3, rateLimitWindowMs: 60_000 })
    const allowed = []
    for (let i = 0; i < 3; i++) allowed.push(await create({ authorization: 'Bearer sk-a' }))
    expect(allowed.map((a) => a.status)).toEqual([200, 200, 200])
    expect(allowed.map((a) => a.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0'])
    expect(allowed[0]!.headers['x-ratelimit-limit']).toBe('3')
    const limited = await create({ authorization: 'Bearer sk-a' })
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({
      error: { message: 'Rate limit reached: limit 3 requests per 1 minute. Please try again in 60s.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    })
    expect(limited.headers).toMatchObject({ 'retry-after': '60', 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })
    expect(limited.headers['x-request-id']).toEqual(ID.requestId)
  })

  it('counts each credential separately, across the three credential headers, then the client address', async () => {
    app = await buildTestApp({ rateLimitMax: 1, rateLimitWindowMs: 60_000 })
    expect((await create({ authorization: 'Bearer sk-a' })).status).toBe(200)
    expect((await create({ authorization: 'Bearer sk-a' })).status).toBe(429)
    expect((await create({ authorization: 'Bearer sk-b' })).status).toBe(200)
    expect((await create({ 'api-key': 'sk-c' })).status).toBe(200)
    expect((await create({ 'api-key': 'sk-c' })).status).toBe(429)
    expect((await create({ 'xi-api-key': 'sk-d' })).status).toBe(200)
    expect((await create()).status).toBe(200)
    expect((await create()).status).toBe(429)
  })

  it('never limits open routes (config auth: false)', async () => {
    app = await buildTestApp({ rateLimitMax: 1, rateLimitWindowMs: 60_000 })
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
    }
    expect((await create()).status).toBe(200)
    expect((await create()).status).toBe(429)
  })
})

describe('rate limiting with the official openai SDK', () => {
  let server: ListeningServer
  afterEach(async () => { await server?.close() })

  it('the SDK waits for retry-after and its retry succeeds', async () => {
    server = await startServer({ rateLimitMax: 2, rateLimitWindowMs: 1000 })
    app = server.app
    const statuses: number[] = []
    app.server.on('request', (_req, res) => { res.on('finish', () => statuses.push(res.statusCode)) })
    const client = new OpenAI({ apiKey: 'sk-retry', baseURL: server.baseURL, maxRetries: 3 })
    await client.conversations.create()
    await client.conversations.create()
    const started = Date.now()
    const third = await client.conversations.create()
    expect(third.id).toEqual(ID.conversation)
    expect(statuses.slice(0, 3)).toEqual([200, 200, 429])
    expect(statuses.at(-1)).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  }, 20_000)
})
