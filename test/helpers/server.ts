import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import type { Config } from '../../src/config.js'
import { buildTestApp } from './app.js'

export interface ListeningServer {
  app: FastifyInstance
  baseURL: string
  client: (options?: { apiKey?: string, defaultHeaders?: Record<string, string> }) => OpenAI
  close: () => Promise<void>
}

/** The app listening on 127.0.0.1 on an ephemeral port, and official SDK clients pointed at it. */
export async function startServer (overrides: Partial<Config> = {}): Promise<ListeningServer> {
  const app = await buildTestApp(overrides)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const baseURL = `http://127.0.0.1:${address.port}/v1`
  return {
    app,
    baseURL,
    client: ({ apiKey = 'sk-test', defaultHeaders } = {}) => new OpenAI({ apiKey, baseURL, maxRetries: 0, defaultHeaders }),
    close: async () => { await app.close() },
  }
}
