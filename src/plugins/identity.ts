// Who is calling: every request carries an owner scope that all repository calls use. Without
// authentication configured, every caller shares one default owner.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const defaultOwner = 'default'

declare module 'fastify' {
  interface FastifyRequest {
    owner: string
  }
}

async function identity (app: FastifyInstance): Promise<void> {
  app.decorateRequest('owner', defaultOwner)
}

export default fp(identity, { name: 'identity', fastify: '5.x' })
