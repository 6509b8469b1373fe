// The published API contract: openapi.yaml served as YAML and JSON, and a reference page at /docs.
// All open without credentials. Nothing of it costs start-up time: the document is parsed on first
// use (parsing the YAML takes a few hundred milliseconds), and the reference page, @fastify/swagger-ui
// with @fastify/static and their dependencies, is loaded and set up by the first request under
// /docs (at boot they would add about a sixth to the time to the first answer).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
// Type-only: @fastify/swagger's declarations (operationId in route schemas, the swagger() decorator).
import type {} from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export const openApiPath = fileURLToPath(new URL('../../openapi.yaml', import.meta.url))

/** The routes the reference page needs besides /docs itself: its assets and its copy of the document. */
export const docsAssetRoutePrefix = '/docs/'

type Document = Record<string, unknown>

/**
 * Stands in for @fastify/swagger (whose static mode parses the document at registration) by
 * providing the same `swagger()` decorator; @fastify/swagger-ui depends on that name.
 */
const documentDecorator = fp(async (app: FastifyInstance, { yamlText, document }: { yamlText: string, document: Document }) => {
  app.decorate('swagger', ((options?: { yaml?: boolean }) => options?.yaml === true ? yamlText : document) as never)
}, { name: '@fastify/swagger', fastify: '5.x' })

/** Marks the docs app's 404s, which the server answers with its own not-found reply. */
const notFoundHeader = 'x-docs-not-found'
/** Headers of the docs app's answer that belong to its own (simulated) connection. */
const connectionHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', notFoundHeader])

/**
 * The reference page as an app of its own, built on first use, to which requests under /docs are
 * handed as they came (method, URL, headers: conditional and range requests work as before).
 */
function docsPage (yamlBytes: Buffer, loadDocument: () => Promise<Document>): {
  serve: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>
  close: () => Promise<void>
} {
  let docs: Promise<FastifyInstance> | undefined
  const build = async (): Promise<FastifyInstance> => {
    const [document, { default: swaggerUi }] = await Promise.all([loadDocument(), import('@fastify/swagger-ui')])
    const docsApp = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } })
    await docsApp.register(documentDecorator, { yamlText: yamlBytes.toString('utf8'), document })
    await docsApp.register(swaggerUi, { routePrefix: '/docs' })
    docsApp.setNotFoundHandler(async (_request, reply) => reply.code(404).header(notFoundHeader, '1').send())
    await docsApp.ready()
    return docsApp
  }
  return {
    async serve (request, reply) {
      // A failed set-up is retried by the next request rather than remembered.
      docs ??= build().catch((error: unknown) => { docs = undefined; throw error })
      const answer = await (await docs).inject({ method: request.method as 'GET' | 'HEAD', url: request.url, headers: request.headers })
      if (answer.headers[notFoundHeader] !== undefined) {
        reply.callNotFound()
        return reply
      }
      reply.code(answer.statusCode)
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !connectionHeaders.has(name)) reply.header(name, value)
      }
      return reply.send(answer.rawPayload.length === 0 ? undefined : answer.rawPayload)
    },
    async close () {
      if (docs !== undefined) await (await docs.catch(() => undefined))?.close()
    },
  }
}

async function openApi (app: FastifyInstance): Promise<void> {
  // Kept as bytes: as a string it would take twice its size in the heap (it is not all Latin-1).
  const yamlBytes = readFileSync(openApiPath)
  let document: Promise<Document> | undefined
  const loadDocument = async (): Promise<Document> => await (document ??= import('yaml').then(({ parse }) => parse(yamlBytes.toString('utf8')) as Document))

  // Every route registered in this context is open without credentials.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, auth: false }
  })

  app.get('/openapi.yaml', { schema: { operationId: 'getOpenApiYaml' } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').send(yamlBytes))
  app.get('/openapi.json', { schema: { operationId: 'getOpenApiJson' } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(await loadDocument()))

  // HEAD declared with GET, not derived from it: the docs app's answer to HEAD already has the
  // headers (content-length included) that the page or asset has with GET.
  const page = docsPage(yamlBytes, loadDocument)
  const methods: Array<'GET' | 'HEAD'> = ['GET', 'HEAD']
  app.route({ method: methods, url: '/docs', schema: { operationId: 'getDocs' }, handler: page.serve })
  app.route({ method: methods, url: `${docsAssetRoutePrefix}*`, handler: page.serve })
  app.addHook('onClose', page.close)
}

// Encapsulated (not fastify-plugin): the onRoute hook above must not reach the API routes.
export default openApi
