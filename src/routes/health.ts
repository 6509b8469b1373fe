// Probes: /healthz (the process answers) and /readyz (the database is reachable and migrated).
// Both are open without credentials and stay out of the access log at info level: orchestrators
// call them every few seconds.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '../errors.js'
import { ErrorSchema } from '../schemas/common.js'

export const HealthSchema = Type.Object({ status: Type.Literal('ok') })

export const probeRouteOptions = { config: { auth: false }, logLevel: 'warn' } as const

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    ...probeRouteOptions,
    schema: { operationId: 'getHealth', response: { 200: HealthSchema } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    ...probeRouteOptions,
    schema: { operationId: 'getReadiness', response: { 200: HealthSchema, 503: ErrorSchema } },
  }, async (request) => {
    try {
      await app.repos.ping()
    } catch (error) {
      request.log.warn({ err: error }, 'not ready')
      throw new AppError('service_unavailable', 'The server is not ready: its database is unreachable or not migrated.')
    }
    return { status: 'ok' as const }
  })
}
