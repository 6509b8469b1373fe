import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'
import { addItems, buildTestApp, call, createConversation, errorBody, userMessage } from '../helpers/app.js'
import { expectDocumentedResponse } from '../helpers/openapi.js'

const apps: FastifyInstance[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})
async function appWith (...args: Parameters<typeof buildTestApp>): Promise<FastifyInstance> {
  const app = await buildTestApp(...args)
  apps.push(app)
  return app
}

async function scrape (app: FastifyInstance, headers: Record<string, string> = {}): Promise<string> {
  const response = await app.inject({ url: '/metrics', headers })
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
  expectDocumentedResponse('GET', '/metrics', response)
  return response.body
}

/** The value of one sample line, e.g. `http_requests_total{method="GET",route="/healthz",status_code="200"}`. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  it('counts requests and records latency per route and status', async () => {
    const app = await appWith()
    const { id } = await createConversation(app)
    await createConversation(app)
    await call(app, { method: 'GET', url: `/v1/conversations/${id}` })
    await call(app, { method: 'GET', url: '/v1/conversations/conv_missing' })
    await call(app, { method: 'GET', url: '/v1/nowhere/at/all' })

    const text = await scrape(app)
    expect(text).toContain('# TYPE http_requests_total counter')
    expect(text).toContain('# TYPE http_request_duration_seconds histogram')
    expect(sample(text, 'http_requests_total{method="POST",route="/v1/conversations",status_code="200"}')).toBe(2)
    expect(sample(text, 'http_requests_total{method="GET",route="/v1/conversations/:conversation_id",status_code="200"}')).toBe(1)
    expect(sample(text, 'http_requests_total{method="GET",route="/v1/conversations/:conversation_id",status_code="404"}')).toBe(1)
    // Unknown URLs share one label value, so a scan cannot blow up the series count.
    expect(sample(text, 'http_requests_total{method="GET",route="__unmatched__",status_code="404"}')).toBe(1)
    expect(text).not.toContain('/v1/nowhere')
    expect(sample(text, 'http_request_duration_seconds_count{method="POST",route="/v1/conversations",status_code="200"}')).toBe(2)
    expect(sample(text, 'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/conversations",status_code="200"}')).toBe(2)
    expect(sample(text, 'http_request_duration_seconds_sum{method="POST",route="/v1/conversations",status_code="200"}')).toBeGreaterThan(0)
    // Process metrics come along.
    expect(text).toContain('process_resident_memory_bytes')
  })

  it('reports stored conversations and items and the database size, cached between scrapes', async () => {
    const app = await appWith()
    const kept = await createConversation(app)
    const gone = await createConversation(app)
    const added = await addItems(app, kept.id, [userMessage('a'), userMessage('b'), userMessage('c')])
    await call(app, { method: 'DELETE', url: `/v1/conversations/${kept.id}/items/${added.data[0].id}` })
    await call(app, { method: 'DELETE', url: `/v1/conversations/${gone.id}` })

    const first = await scrape(app)
    expect(sample(first, 'conversations_server_conversations')).toBe(1)
    expect(sample(first, 'conversations_server_items')).toBe(2)
    expect(sample(first, 'conversations_server_database_size_bytes')).toBeGreaterThan(0)

    // Within the cache lifetime a scrape does not query the store again.
    await createConversation(app)
    expect(sample(await scrape(app), 'conversations_server_conversations')).toBe(1)
  })

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-secret-0123456789'
    const app = await appWith({ metricsToken: token })
    const denied = errorBody('Metrics require a valid bearer token (METRICS_TOKEN).', null, 'invalid_api_key')
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: token }, { authorization: `Bearer ${token}x` }]) {
      const { status, body } = await call(app, { method: 'GET', url: '/metrics', headers })
      expect(status).toBe(401)
      expect(body).toEqual(denied)
    }
    expect(await scrape(app, { authorization: `Bearer ${token}` })).toContain('http_requests_total')
  })

  it('is absent when METRICS_ENABLED=false', async () => {
    const app = await appWith({ metricsEnabled: false })
    const { status, body } = await call(app, { method: 'GET', url: '/metrics' })
    expect(status).toBe(404)
    expect(body).toEqual(errorBody('Invalid URL (GET /metrics)', null, null))
  })
})

describe('metrics configuration', () => {
  it('reads METRICS_ENABLED and METRICS_TOKEN', () => {
    expect(loadConfig({})).toMatchObject({ metricsEnabled: true, metricsToken: null })
    expect(loadConfig({ METRICS_ENABLED: 'false', METRICS_TOKEN: 'a-long-enough-token' })).toMatchObject({ metricsEnabled: false, metricsToken: 'a-long-enough-token' })
  })

  it('refuses a guessable token', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError)
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/)
  })
})
