import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/app.js'

describe('shutting down', () => {
  it('answers a request arriving on a busy keep-alive connection during the drain with a 503 envelope and Connection: close', async () => {
    const app = await buildTestApp()
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 400))
      return { ok: true }
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    socket.on('data', (chunk) => { raw += chunk.toString() })
    const closed = new Promise((resolve) => socket.on('close', resolve))
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = app.close()
    socket.write('GET /v1/conversations/conv_x HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
    await closing
    await closed
    const [first, second] = raw.split(/(?=HTTP\/1\.1 )/)
    expect(first).toMatch(/^HTTP\/1\.1 200 OK/)
    expect(second).toMatch(/^HTTP\/1\.1 503 Service Unavailable/)
    expect(second).toMatch(/\r\nconnection: close\r\n/i)
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i)
    expect(second).toMatch(/\r\nx-request-id: req_[0-9a-f]{32}\r\n/i)
    expect(JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { message: 'The server is shutting down. Please retry your request.', type: 'server_error', param: null, code: null },
    })
  })
})
