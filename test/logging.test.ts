// What the server writes to its log: JSON lines, the request id on every line of a request,
// credentials never.
import { afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from './helpers/app.js'

let app: FastifyInstance | undefined
afterEach(async () => { await app?.close() })

async function appWithLogs (): Promise<{ app: FastifyInstance, lines: Array<Record<string, any>> }> {
  const lines: Array<Record<string, any>> = []
  const logStream = { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, any>) } }
  app = await buildTestApp({ logLevel: 'info' }, { logger: true, logStream })
  return { app, lines }
}

describe('request logs', () => {
  it('carry the request id, equal to the x-request-id header, on every line', async () => {
    const { app, lines } = await appWithLogs()
    const response = await app.inject({ method: 'GET', url: '/v1/conversations/conv_missing' })
    const requestId = response.headers['x-request-id']
    const requestLines = lines.filter((line) => line.reqId !== undefined)
    expect(requestLines.map((line) => line.msg)).toEqual(['incoming request', 'Conversation with id \'conv_missing\' not found.', 'request completed'])
    for (const line of requestLines) expect(line.reqId).toBe(requestId)
  })

  it('never contain credentials, even when a handler logs the request headers', async () => {
    const { app, lines } = await appWithLogs()
    app.get('/v1/__headers', async (request) => {
      request.log.info({ headers: request.headers }, 'headers')
      return {}
    })
    await app.inject({
      method: 'GET',
      url: '/v1/__headers',
      headers: { authorization: 'Bearer sk-secret-1', 'api-key': 'secret-2', 'xi-api-key': 'secret-3' },
    })
    expect(JSON.stringify(lines)).not.toMatch(/secret/)
    const logged = lines.find((line) => line.msg === 'headers')!
    expect(logged.headers).toMatchObject({ authorization: '[redacted]', 'api-key': '[redacted]', 'xi-api-key': '[redacted]' })
  })

  it('log server errors at error level with the error, and answer without its detail', async () => {
    const { app, lines } = await appWithLogs()
    app.get('/v1/__boom', async () => { throw new Error('secret detail') })
    const response = await app.inject({ method: 'GET', url: '/v1/__boom' })
    expect(response.statusCode).toBe(500)
    expect(response.body).not.toContain('secret detail')
    const failure = lines.find((line) => line.msg === 'request failed')!
    expect(failure).toMatchObject({ level: 50, err: { message: 'secret detail' }, reqId: response.headers['x-request-id'] })
  })
})
