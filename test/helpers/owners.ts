import type { FastifyInstance } from 'fastify'

/** Lets a test act as several owners: the `x-test-owner` header sets `request.owner`. */
export function ownerFromTestHeader (app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const owner = request.headers['x-test-owner']
    if (typeof owner === 'string') request.owner = owner
  })
}
