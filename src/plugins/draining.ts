// While the server drains on shutdown, requests that still arrive on open keep-alive connections
// get a 503 in OpenAI's envelope with `Connection: close` and `retry-after` (the SDKs retry it,
// reconnecting elsewhere), instead of Fastify's built-in 503 body.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'

async function draining (app: FastifyInstance): Promise<void> {
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  // Callback hooks here and in the other plugins that run on every request: an async hook costs a
  // promise and a turn of the microtask queue per request, even when it has nothing to do.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done()
    reply.header('connection', 'close')
    done(new AppError('service_unavailable', 'The server is shutting down. Please retry your request.', { headers: { 'retry-after': '1' } }))
  })
}

export default fp(draining, { name: 'draining', fastify: '5.x', dependencies: ['error-handler'] })
