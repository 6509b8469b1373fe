// The published API contract: openapi.yaml served as YAML and JSON, and a reference page at /docs.
// All open without credentials. The document is parsed on first use, not at boot: parsing the
// YAML takes a few hundred milliseconds, which would double the time to the first answer; the YAML
// parser itself is loaded by the first request in this context, not at boot either.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
// Type-only: @fastify/swagger's declarations (operationId in route schemas, the swagger() decorator).
import type {} from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const openApiPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url))

/** The routes the reference page needs besides /docs itself: its assets and its copy of the document. */
export const docsAssetRoutePrefix = '/docs/'

/**
 * Stands in for @fastify/swagger (whose static mode parses the document at registration) by
 * providing the same `swagger()` decorator, lazily; @fastify/swagger-ui depends on that name.
 */
const lazySwagger = fp(async (app: FastifyInstance, { yamlText }: { yamlText: string }) => {
  let parse: typeof import('yaml').parse | undefined
  // Runs before every route of this context (the documents and the UI's), so the decorator below
  // can stay synchronous, as @fastify/swagger-ui calls it.
  app.addHook('onRequest', async () => { parse ??= (await import('yaml')).parse })
  let document: Record<string, unknown> | undefined
  const parsed = (): Record<string, unknown> => {
    if (parse === undefined) throw new Error('the OpenAPI document is parsed while serving a request of the docs context')
    return (document ??= parse(yamlText) as Record<string, unknown>)
  }
  app.decorate('swagger', ((options?: { yaml?: boolean }) => options?.yaml === true ? yamlText : parsed()) as never)
}, { name: '@fastify/swagger', fastify: '5.x' })

async function openApi (app: FastifyInstance): Promise<void> {
  const yamlText = readFileSync(openApiPath, 'utf8')
  // Every route registered in this context (ours and the UI's) is open without credentials.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: false }
  })
  await app.register(lazySwagger, { yamlText })

  app.get('/openapi.yaml', { schema: { operationId: 'getOpenApiYaml' } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(yamlText))
  app.get('/openapi.json', { schema: { operationId: 'getOpenApiJson' } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(app.swagger()))

  await app.register(swaggerUi, { routePrefix: '/docs' })
}

// Encapsulated (not fastify-plugin): the onRoute hook above must not reach the API routes.
export default openApi
