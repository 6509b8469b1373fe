// Limits that keep hostile or slow clients from holding the server: body size, JSON depth,
// header size, malformed requests, and header/request timeouts (slowloris), over real sockets.
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type ListeningServer } from '../helpers/server.js'

let server: ListeningServer
afterEach(async () => { await server?.close() })

const portOf = (s: ListeningServer): number => Number(new URL(s.baseURL).port)

/** Writes `chunks` to a fresh connection and resolves with everything received until it closes. */
function rawExchange (port: number, ...chunks: Array<string | Buffer>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => { for (const chunk of chunks) socket.write(chunk) })
    let received = ''
    socket.on('data', (data) => { received += data.toString() })
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
  })
}

function envelopeOf (raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))
}

describe('request size limits', () => {
  it('answers 413 in the envelope for a body over BODY_LIMIT', async () => {
    server = await startServer({ bodyLimit: 4096 })
    const response = await fetch(`${server.baseURL}/conversations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { a: 'x'.repeat(5000) } }),
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/)
    expect(await response.json()).toEqual({ error: { message: 'Request body too large. The maximum size is 4096 bytes.', type: 'invalid_request_error', param: null, code: null } })
  })

  it('answers 400 for JSON nested deeper than MAX_JSON_DEPTH, without exhausting the stack', async () => {
    server = await startServer({ maxJsonDepth: 16 })
    for (const depth of [17, 100_000]) {
      const response = await fetch(`${server.baseURL}/conversations`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      })
      expect(response.status).toBe(400)
      expect(await response.json()).toEqual({ error: { message: 'Invalid body: JSON nested deeper than 16 levels.', type: 'invalid_request_error', param: null, code: null } })
    }
  })

  it('answers 431 in the envelope for oversized headers and 400 for a malformed request', async () => {
    server = await startServer()
    const port = portOf(server)
    const big = await rawExchange(port, `GET /v1/conversations/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(big).toMatch(/^HTTP\/1\.1 431 /)
    expect(big).toMatch(/\r\nx-request-id: req_[0-9a-f]{32}\r\n/)
    expect(envelopeOf(big)).toEqual({ error: { message: 'Request headers too large.', type: 'invalid_request_error', param: null, code: null } })
    const malformed = await rawExchange(port, 'GET /v1/\x00 HTTP/9\r\n\r\n')
    expect(malformed).toMatch(/^HTTP\/1\.1 400 /)
    expect(envelopeOf(malformed)).toEqual({ error: { message: 'Malformed HTTP request.', type: 'invalid_request_error', param: null, code: null } })
    const badUtf8Path = await rawExchange(port, Buffer.concat([Buffer.from('GET /v1/conversations/'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]))
    expect(badUtf8Path).toMatch(/^HTTP\/1\.1 (400|404) /)
    expect(Object.keys((envelopeOf(badUtf8Path) as { error: object }).error)).toEqual(['message', 'type', 'param', 'code'])
    const expectation = await rawExchange(port, 'POST /v1/conversations HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}')
    expect(expectation).toMatch(/^HTTP\/1\.1 417 /)
    expect(expectation).toMatch(/\r\nx-request-id: req_[0-9a-f]{32}\r\n/)
    expect(envelopeOf(expectation)).toEqual({ error: { message: 'Unsupported Expect header: only 100-continue is supported.', type: 'invalid_request_error', param: null, code: null } })
    const ok = await fetch(`${server.baseURL}/conversations`, { method: 'POST' })
    expect(ok.status).toBe(200)
  })
})

describe('slow clients', () => {
  it('cuts off clients that trickle their headers (slowloris) while others are served', async () => {
    server = await startServer({ headersTimeoutMs: 1000, requestTimeoutMs: 3000 })
    const port = portOf(server)
    const slow: Array<Promise<{ closedAfterMs: number, received: string }>> = []
    const sockets: Socket[] = []
    const started = Date.now()
    for (let i = 0; i < 40; i++) {
      slow.push(new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1')
        sockets.push(socket)
        let received = ''
        const header = `GET /v1/conversations/x HTTP/1.1\r\nHost: x\r\nX-Slow-${i}: `
        let sent = 0
        const timer = setInterval(() => { if (!socket.destroyed) socket.write(header[sent++ % header.length]!) }, 100)
        socket.on('data', (data) => { received += data.toString() })
        socket.on('error', () => {})
        socket.on('close', () => { clearInterval(timer); resolve({ closedAfterMs: Date.now() - started, received }) })
      }))
    }
    const served = await fetch(`${server.baseURL}/conversations`, { method: 'POST' })
    expect(served.status).toBe(200)
    const outcomes = await Promise.all(slow)
    for (const { closedAfterMs, received } of outcomes) {
      expect(closedAfterMs).toBeLessThan(10_000)
      if (received !== '') expect(received).toMatch(/^HTTP\/1\.1 408 /)
    }
    expect(outcomes.filter((o) => o.received.startsWith('HTTP/1.1 408'))).not.toHaveLength(0)
  }, 30_000)

  it('cuts off a client that sends its headers and then trickles the body', async () => {
    server = await startServer({ headersTimeoutMs: 1000, requestTimeoutMs: 2000 })
    const port = portOf(server)
    const started = Date.now()
    const received = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{'))
      let data = ''
      const timer = setInterval(() => { if (!socket.destroyed) socket.write(' ') }, 100)
      socket.on('data', (chunk) => { data += chunk.toString() })
      socket.on('error', () => {})
      socket.on('close', () => { clearInterval(timer); resolve(data) })
    })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(received).toMatch(/^HTTP\/1\.1 408 /)
    expect(envelopeOf(received)).toEqual({ error: { message: 'Request timed out.', type: 'invalid_request_error', param: null, code: null } })
  }, 30_000)
})
