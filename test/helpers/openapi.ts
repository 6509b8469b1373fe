// The published openapi.yaml as a test oracle: every response a route test receives must be one
// the document describes (status, x-request-id header, body schema).
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import { parse } from 'yaml'

export const openApiFile = new URL('../../openapi.yaml', import.meta.url)

interface Operation { operationId: string, responses: Record<string, Reference | ResponseObject> }
interface Reference { $ref: string }
interface ResponseObject { headers?: Record<string, unknown>, content?: Record<string, { schema?: unknown }> }
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | unknown[]>>
  components: Record<string, Record<string, unknown>>
}

export const openApiDocument = parse(readFileSync(openApiFile, 'utf8')) as OpenApiDocument

const documentId = 'https://conversations-server.local/openapi.json'
// strict: false because the document carries OpenAPI keywords beside JSON Schema ones (example, …).
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
ajv.addSchema(openApiDocument, documentId)

const pointer = (segments: string[]): string => segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
const templates = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}))

/** A path template's own key, following a path item that is a `$ref` to another (the /openai/v1 aliases). */
export function canonicalPath (path: string): string {
  const ref = (openApiDocument.paths[path] as { $ref?: string } | undefined)?.$ref
  if (ref === undefined) return path
  return ref.replace('#/paths/', '').replaceAll('~1', '/').replaceAll('~0', '~')
}

/** The operations of a path template, aliases resolved. */
export const pathItem = (path: string): Record<string, Operation | unknown[]> | undefined => openApiDocument.paths[canonicalPath(path)]

/** The document's path template matching a concrete URL, if any. */
export function matchPath (url: string): string | undefined {
  const path = url.split('?')[0] ?? ''
  return templates.find(({ pattern }) => pattern.test(path))?.template
}

function resolveResponse (template: string, method: string, status: number): { response: ResponseObject, at: string } | undefined {
  const path = canonicalPath(template)
  const operation = openApiDocument.paths[path]?.[method] as Operation | undefined
  if (operation === undefined) return undefined
  const key = String(status) in operation.responses ? String(status) : 'default' in operation.responses ? 'default' : undefined
  if (key === undefined) return undefined
  let at = `/paths/${pointer([path, method, 'responses', key])}`
  let response = operation.responses[key] as Reference | ResponseObject
  if ('$ref' in response) {
    at = response.$ref.slice(1)
    const name = at.split('/').pop() ?? ''
    response = openApiDocument.components.responses?.[name] as ResponseObject
  }
  return { response, at }
}

/**
 * Asserts that a response is one the document describes for this method and URL. A URL the
 * document does not know must have been answered with an error in the envelope (unknown route);
 * the drift test keeps real routes documented.
 */
export function expectDocumentedResponse (method: string, url: string, response: LightMyRequestResponse): void {
  // Tests register throw-away routes of their own under `/__name` segments: not part of the API.
  if (/\/__[^/]+/.test(url.split('?')[0] ?? '')) return
  const lower = method.toLowerCase()
  const path = matchPath(url)
  const operationExists = path !== undefined && pathItem(path)?.[lower] !== undefined
  const resolved = operationExists
    ? resolveResponse(path, lower, response.statusCode)
    : { response: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }, at: '' }
  if (!operationExists) expect(response.statusCode, `${method} ${url} is not in openapi.yaml`).toBeGreaterThanOrEqual(400)
  expect(resolved, `${method} ${url} → ${response.statusCode} is not a documented response`).toBeDefined()
  const { response: described, at } = resolved!
  if (described.headers?.['x-request-id'] !== undefined) expect(response.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/)
  const mediaType = String(response.headers['content-type'] ?? '').split(';')[0] ?? ''
  const content = described.content?.[mediaType]
  expect(content, `${method} ${url} → ${response.statusCode} answered ${mediaType}, not documented`).toBeDefined()
  if (mediaType !== 'application/json' || content?.schema === undefined) return
  const validate = at === ''
    ? ajv.getSchema(`${documentId}#/components/schemas/Error`)
    : ajv.getSchema(`${documentId}#${at}/content/${pointer(['application/json'])}/schema`)
  expect(validate, `no schema at ${at}`).toBeDefined()
  const valid = validate!(response.json())
  expect(valid ? [] : validate!.errors, `${method} ${url} → ${response.statusCode}: body does not match openapi.yaml`).toEqual([])
}
