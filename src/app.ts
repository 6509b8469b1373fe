// buildApp(config, deps) → a ready-to-listen Fastify instance with every plugin and route
// registered explicitly, in dependency order.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import type { Config } from './config.js'
import { fastifyOptions, type LoggerOptions } from './fastify-options.js'
import database from './plugins/database.js'
import draining from './plugins/draining.js'
import errorHandler, { sendError, toAppError } from './plugins/error-handler.js'
import identity from './plugins/identity.js'
import idempotency from './plugins/idempotency.js'
import jsonBody from './plugins/json-body.js'
import metrics from './plugins/metrics.js'
import openApi from './plugins/openapi.js'
import rateLimiting from './plugins/rate-limit.js'
import retention from './plugins/retention.js'
import serialization from './plugins/serialization.js'
import validation from './plugins/validation.js'
import type { Repositories } from './repositories/types.js'
import { conversationsRoutes } from './routes/conversations.js'
import { healthRoutes } from './routes/health.js'
import { elevenLabsRoutes } from './routes/elevenlabs.js'
import { forkRoutes } from './routes/fork.js'
import { itemsRoutes } from './routes/items.js'
import { listConversationsRoutes } from './routes/list-conversations.js'
import { searchRoutes } from './routes/search.js'

export interface AppDeps {
  /** Use these repositories instead of opening DATABASE_URL (tests, CLI). */
  repos?: Repositories
  /** false: no logger at all (tests). */
  logger?: boolean
  /** Where log lines go instead of stdout. */
  logStream?: LoggerOptions['logStream']
  /** Sees every route as it is registered (the tests compare them with openapi.yaml). */
  onRoute?: (route: RouteOptions) => void
  /** Clock in Unix milliseconds for time-based work such as retention (tests). */
  now?: () => number
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...fastifyOptions(config, { logger: deps.logger ?? true, logStream: deps.logStream }),
    frameworkErrors: (error, request, reply) => sendError(toAppError(error), request, reply),
  }).withTypeProvider<TypeBoxTypeProvider>()
  if (deps.onRoute !== undefined) app.addHook('onRoute', deps.onRoute)

  await app.register(errorHandler)
  await app.register(draining)
  await app.register(validation)
  await app.register(serialization)
  await app.register(jsonBody, { maxDepth: config.maxJsonDepth })
  await app.register(database, { config, repos: deps.repos })
  await app.register(identity, { auth: config.auth, host: config.host })
  await app.register(rateLimiting, { max: config.rateLimitMax, windowMs: config.rateLimitWindowMs })
  await app.register(idempotency, { ttlMs: config.idempotencyTtlSeconds * 1000, waitMs: config.idempotencyWaitMs })
  await app.register(retention, { config, now: deps.now })
  if (config.metricsEnabled) await app.register(metrics, { token: config.metricsToken })

  await app.register(healthRoutes)
  await app.register(openApi)

  const routeOptions = { prefix: '/v1', maxItemsPerRequest: config.maxItemsPerRequest }
  await app.register(conversationsRoutes, routeOptions)
  await app.register(itemsRoutes, routeOptions)
  // Azure OpenAI v1 serves the same API under /openai/v1 (its `api-version` query is ignored).
  const azureOptions = { ...routeOptions, prefix: '/openai/v1' }
  await app.register(conversationsRoutes, azureOptions)
  await app.register(itemsRoutes, azureOptions)
  await app.register(elevenLabsRoutes, { prefix: '/v1' })
  // Extensions beyond OpenAI's API, on both surfaces.
  for (const prefix of ['/v1', '/openai/v1']) {
    await app.register(listConversationsRoutes, { prefix })
    await app.register(searchRoutes, { prefix })
    await app.register(forkRoutes, { prefix })
  }
  return app
}
