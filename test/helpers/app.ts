import { expect } from 'vitest'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { expectDocumentedResponse } from './openapi.js'

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...loadConfig({}),
  databaseUrl: ':memory:',
  logLevel: 'silent',
  ...overrides,
})

/** The production app on an in-memory database with migrations applied. */
export async function buildTestApp (overrides: Partial<Config> = {}, deps: AppDeps = {}): Promise<FastifyInstance> {
  return buildApp(testConfig(overrides), { logger: false, ...deps })
}

export const ID = {
  conversation: expect.stringMatching(/^conv_[0-9a-f]{48}$/),
  message: expect.stringMatching(/^msg_[0-9a-f]{48}$/),
  requestId: expect.stringMatching(/^req_[0-9a-f]{32}$/),
  prefixed: (prefix: string) => expect.stringMatching(new RegExp(`^${prefix}_[0-9a-f]{48}$`)),
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * Inject and return status + parsed JSON body, asserting the content type is JSON and the answer
 * is one openapi.yaml describes (status, headers, body schema).
 */
export async function call (app: FastifyInstance, options: InjectOptions): Promise<{ status: number, body: any, headers: LightMyRequestResponse['headers'] }> {
  const response = await app.inject(options)
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const target = options.url ?? options.path ?? ''
  expectDocumentedResponse(options.method ?? 'GET', typeof target === 'string' ? target : target.pathname, response)
  return { status: response.statusCode, body: response.json(), headers: response.headers }
}

export async function createConversation (app: FastifyInstance, payload: unknown = {}): Promise<{ id: string, created_at: number, metadata: Record<string, string> }> {
  const { status, body } = await call(app, { method: 'POST', url: '/v1/conversations', payload: payload as object })
  expect(status).toBe(200)
  return body
}

export async function addItems (app: FastifyInstance, conversationId: string, items: unknown[]): Promise<any> {
  const { status, body } = await call(app, { method: 'POST', url: `/v1/conversations/${conversationId}/items`, payload: { items } })
  expect(status).toBe(200)
  return body
}

export const userMessage = (text: string): Record<string, unknown> => ({ type: 'message', role: 'user', content: text })

export const errorBody = (message: string, param: string | null, code: string | null, type = 'invalid_request_error'): unknown =>
  ({ error: { message, type, param, code } })
