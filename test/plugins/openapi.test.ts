import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { InputItemSchemas, OutputItemSchemas, conversationItemTypes } from '../../src/schemas/items/index.js'
import { buildTestApp } from '../helpers/app.js'
import { expectDocumentedResponse, openApiDocument, openApiFile, pathItem } from '../helpers/openapi.js'

const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const

/** Routes @fastify/swagger-ui registers for the /docs page itself: its assets and its copy of the document. */
const isDocsAsset = (url: string): boolean => url.startsWith('/docs/')

interface RegisteredRoute { method: string, url: string, operationId: string | undefined, route: RouteOptions }

function documentedOperations (): Map<string, string> {
  const operations = new Map<string, string>()
  for (const path of Object.keys(openApiDocument.paths)) {
    for (const method of methods) {
      const operation = pathItem(path)?.[method] as { operationId: string } | undefined
      if (operation !== undefined) operations.set(`${method.toUpperCase()} ${path}`, operation.operationId)
    }
  }
  return operations
}

const refName = (ref: { $ref: string }): string => ref.$ref.split('/').pop() ?? ''
const schemaNamed = (name: string): any => openApiDocument.components.schemas?.[name]

describe('openapi.yaml', () => {
  let app: FastifyInstance
  const routes: RegisteredRoute[] = []

  beforeAll(async () => {
    app = await buildTestApp({}, {
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) {
          routes.push({
            method,
            url: route.url,
            operationId: (route.schema as { operationId?: string } | undefined)?.operationId,
            route, // read after ready: later onRoute hooks (the docs plugin's) may still set config
          })
        }
      },
    })
    await app.ready()
  })
  afterAll(async () => { await app.close() })

  it('is a valid OpenAPI 3.1 document', async () => {
    const api = await SwaggerParser.validate(openApiFile.pathname) as { openapi: string }
    expect(api.openapi).toBe('3.1.0')
  })

  it('documents every registered route and registers every documented one, with the same operationIds', () => {
    // HEAD routes are Fastify's automatic twins of GET routes; the /docs page's own assets are
    // the UI plugin's business (the page itself, /docs, is documented).
    const registered = new Map(routes
      .filter((route) => route.method !== 'HEAD' && !isDocsAsset(route.url))
      .map((route) => [`${route.method} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`, route.operationId]))
    const documented = documentedOperations()

    const undocumented = [...registered.keys()].filter((key) => !documented.has(key))
    const unregistered = [...documented.keys()].filter((key) => !registered.has(key))
    expect(undocumented, 'registered routes missing from openapi.yaml').toEqual([])
    expect(unregistered, 'openapi.yaml paths the server does not register').toEqual([])
    // The UI plugin's page route carries no operationId of ours.
    for (const [key, operationId] of documented) if (key !== 'GET /docs') expect(registered.get(key), key).toBe(operationId)
  })

  it('keeps probes, metrics and documentation open without credentials', () => {
    const open = routes.filter((route) => ['/healthz', '/readyz', '/metrics', '/openapi.yaml', '/openapi.json'].includes(route.url) || route.url === '/docs' || isDocsAsset(route.url))
    expect(open.length).toBeGreaterThanOrEqual(10)
    for (const { method, url, route } of open) expect(route.config?.auth, `${method} ${url}`).toBe(false)
    const api = routes.filter((route) => route.url.startsWith('/v1/'))
    for (const { method, url, route } of api) expect(route.config?.auth, `${method} ${url}`).toBeUndefined()
  })

  it('lists the 28 conversation item types, each with the members the server returns', () => {
    const variants = (schemaNamed('ConversationItem').anyOf as Array<{ $ref: string }>).map((ref) => schemaNamed(refName(ref)))
    expect(variants.map((variant) => variant.properties.type.const)).toEqual(conversationItemTypes)
    for (const variant of variants) {
      const type = variant.properties.type.const as keyof typeof OutputItemSchemas
      const schema = OutputItemSchemas[type] as TSchema
      if (!KindGuard.IsObject(schema)) throw new Error(`${type} is not an object schema`)
      expect(Object.keys(variant.properties).sort(), type).toEqual(Object.keys(schema.properties).sort())
      expect([...variant.required].sort(), type).toEqual([...(schema.required ?? [])].sort())
      expect(variant.additionalProperties, type).toBe(false)
    }
  })

  it('accepts as input every type the server accepts', () => {
    const inputTypes = new Set((schemaNamed('InputItem').anyOf as Array<{ $ref: string }>).map((ref) => {
      // `type` is optional on some inputs (messages, item references): a const, or anyOf [const, null].
      const type = schemaNamed(refName(ref)).properties.type
      return (type.const ?? type.anyOf?.[0]?.const) as string
    }))
    expect([...inputTypes].sort()).toEqual(Object.keys(InputItemSchemas).sort())
  })

  it('serves itself as YAML and JSON, and a reference page at /docs', async () => {
    const text = readFileSync(openApiFile, 'utf8')
    const yaml = await app.inject({ url: '/openapi.yaml' })
    expect(yaml.statusCode).toBe(200)
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8')
    expect(yaml.body).toBe(text)
    expectDocumentedResponse('GET', '/openapi.yaml', yaml)

    const json = await app.inject({ url: '/openapi.json' })
    expect(json.statusCode).toBe(200)
    expect(json.json()).toEqual(parse(text))
    expectDocumentedResponse('GET', '/openapi.json', json)

    const page = await app.inject({ url: '/docs' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('swagger-ui')
    expectDocumentedResponse('GET', '/docs', page)
    // The page loads the document from its own route.
    expect((await app.inject({ url: '/docs/json' })).json()).toEqual(parse(text))
    expect((await app.inject({ url: '/docs/static/swagger-ui-bundle.js' })).statusCode).toBe(200)
  })

  it('serves the page\'s assets as a static file server does: HEAD, revalidation, ranges, the server\'s own 404', async () => {
    const asset = await app.inject({ url: '/docs/static/swagger-ui.css' })
    expect(asset.statusCode).toBe(200)
    expect(asset.headers['content-type']).toBe('text/css; charset=utf-8')
    const { etag, 'content-length': length } = asset.headers
    expect(Number(length)).toBe(asset.rawPayload.length)
    expect(etag).toMatch(/^W\/"/)

    for (const url of ['/docs', '/docs/static/swagger-ui.css']) {
      const [get, head] = [await app.inject({ url }), await app.inject({ method: 'HEAD', url })]
      expect({ status: head.statusCode, length: head.headers['content-length'], type: head.headers['content-type'], body: head.body })
        .toEqual({ status: 200, length: get.headers['content-length'], type: get.headers['content-type'], body: '' })
    }
    const unchanged = await app.inject({ url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': etag! } })
    expect({ status: unchanged.statusCode, etag: unchanged.headers.etag, body: unchanged.body }).toEqual({ status: 304, etag, body: '' })
    const range = await app.inject({ url: '/docs/static/swagger-ui.css', headers: { range: 'bytes=0-9' } })
    expect({ status: range.statusCode, range: range.headers['content-range'], body: range.rawPayload }).toEqual({ status: 206, range: `bytes 0-9/${length}`, body: asset.rawPayload.subarray(0, 10) })
    // The trailing-slash page links its assets relative to itself; the old index URL redirects there.
    expect((await app.inject({ url: '/docs/' })).body).toContain('./static/swagger-ui.css')
    const index = await app.inject({ url: '/docs/static/index.html' })
    expect({ status: index.statusCode, location: index.headers.location }).toEqual({ status: 302, location: '/docs/' })

    for (const [method, url] of [['GET', '/docs/static/nope.js'], ['GET', '/docs/nope'], ['POST', '/docs'], ['DELETE', '/docs/static/swagger-ui.css']] as const) {
      const missing = await app.inject({ method, url })
      expect(missing.statusCode, `${method} ${url}`).toBe(404)
      expect(missing.headers['x-request-id']).toMatch(/^req_/)
      expect(missing.json()).toEqual({ error: { message: `Invalid URL (${method} ${url})`, type: 'invalid_request_error', param: null, code: null } })
    }
  })
})

describe('the response checker', () => {
  const fake = (statusCode: number, body: unknown, headers: Record<string, string> = {}): LightMyRequestResponse =>
    ({ statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': `req_${'a'.repeat(32)}`, ...headers }, json: () => body } as unknown as LightMyRequestResponse)
  const conversation = { id: 'conv_1', object: 'conversation', created_at: 1, metadata: {} }

  it('accepts a documented answer', () => {
    expectDocumentedResponse('GET', '/v1/conversations/conv_1', fake(200, conversation))
  })

  it('rejects bodies, statuses and headers the document does not describe', () => {
    expect(() => expectDocumentedResponse('GET', '/v1/conversations/conv_1', fake(200, { ...conversation, extra: 1 }))).toThrow(/does not match/)
    expect(() => expectDocumentedResponse('GET', '/v1/conversations/conv_1', fake(200, { ...conversation, created_at: '1' }))).toThrow(/does not match/)
    expect(() => expectDocumentedResponse('GET', '/v1/conversations/conv_1', fake(404, { error: { message: 'x', type: 't', param: null } }))).toThrow(/does not match/)
    expect(() => expectDocumentedResponse('GET', '/v1/conversations/conv_1', fake(200, conversation, { 'x-request-id': '' }))).toThrow()
    expect(() => expectDocumentedResponse('GET', '/v1/conversations/conv_1/items/msg_1', fake(200, { type: 'message', id: 'msg_1', role: 'user', content: [] }))).toThrow(/does not match/)
    expect(() => expectDocumentedResponse('GET', '/v1/nowhere', fake(200, {}))).toThrow(/not in openapi.yaml/)
    expect(() => expectDocumentedResponse('GET', '/healthz', fake(200, { status: 'ok' }, { 'content-type': 'text/plain' }))).toThrow(/not documented/)
  })
})
