// Responses leave through JSON.stringify instead of fast-json-stringify. Handlers already build
// exactly the documented shapes (conversation resources, error envelopes; item lists are sent
// as pre-built text), so a compiled serializer would only re-check what is known, and compiling
// one per route and status at boot dominated cold start.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

const stringify = (data: unknown): string => JSON.stringify(data)

export const serializerCompiler = (): typeof stringify => stringify

async function serialization (app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(serializerCompiler)
}

export default fp(serialization, { name: 'serialization', fastify: '5.x' })
