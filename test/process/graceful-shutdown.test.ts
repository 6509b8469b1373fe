// SIGTERM under load: requests in flight complete, new connections are refused, the process
// exits 0 within a bound, and everything acknowledged is stored.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, postJson, startServerProcess, stopServerProcess, userMessage } from './server-process.js'

/** Sends a request's headers and half its body now; `finish()` sends the rest and resolves with the raw response. */
function slowRequest (port: number, path: string, body: string): Promise<{ localPort: number, finish: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const half = Math.floor(body.length / 2)
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`)
      let response = ''
      socket.on('data', (chunk) => { response += chunk.toString() })
      const ended = new Promise<string>((done) => socket.on('close', () => done(response)))
      resolve({ localPort: socket.localPort!, finish: async () => { socket.write(body.slice(half)); return ended } })
    })
    socket.once('error', reject)
  })
}

/** 'connected' or the connection error code. */
function tryConnect (port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve('connected') })
    socket.once('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message))
  })
}

describe('graceful shutdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-'))
  const dbPath = join(dir, 'shutdown.db')
  let server: ServerProcess | undefined
  afterAll(async () => {
    await stopServerProcess(server)
    rmSync(dir, { recursive: true, force: true })
  })

  it('on SIGTERM under load finishes in-flight requests, refuses new connections and exits 0', async () => {
    server = await startServerProcess({ DATABASE_URL: dbPath, SHUTDOWN_TIMEOUT_MS: '10000' })
    const base = server.baseURL
    const { id } = (await postJson(`${base}/conversations`, {})).body
    const acknowledged: string[] = []
    const failures: string[] = []
    const draining: unknown[] = []
    let stopping = false
    let serial = 0
    const client = async (): Promise<void> => {
      while (!stopping) {
        const text = `load-${serial++}`
        try {
          const answer = await postJson(`${base}/conversations/${id}/items`, { items: [userMessage(text)] })
          if (answer.status === 200) acknowledged.push(text)
          else if (answer.status === 503) draining.push(answer.body)
          else failures.push(`${answer.status} ${JSON.stringify(answer.body)}`)
        } catch {
          // Connection refused or closed by the shutdown: the request was not acknowledged.
        }
      }
    }
    const load = Array.from({ length: 6 }, client)
    await new Promise((resolve) => setTimeout(resolve, 500))

    const inFlight = await slowRequest(server.port, `/v1/conversations/${id}/items`, JSON.stringify({ items: [userMessage('in flight')] }))
    // The server has routed the slow request (its headers are in) before the signal.
    const seen = `"remotePort":${inFlight.localPort}`
    for (let waited = 0; !server.output().includes(seen) && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.output()).toContain(seen)
    const signalledAt = Date.now()
    server.child.kill('SIGTERM')
    // New connections are refused as soon as the server has stopped listening, while the slow request is still open.
    let refused = ''
    for (let waited = 0; refused !== 'ECONNREFUSED' && waited < 10_000; waited += 50) {
      refused = await tryConnect(server.port)
      if (refused !== 'ECONNREFUSED') await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const response = await inFlight.finish()
    stopping = true
    await Promise.all(load)
    const exitCode = await server.exited
    const tookMs = Date.now() - signalledAt

    expect(response).toMatch(/^HTTP\/1\.1 200 OK/)
    expect(response).toContain('"text":"in flight"')
    expect(refused).toBe('ECONNREFUSED')
    expect(exitCode).toBe(0)
    expect(tookMs).toBeLessThan(10_000)
    expect(failures).toEqual([])
    for (const body of draining) {
      expect(body).toEqual({ error: { message: 'The server is shutting down. Please retry your request.', type: 'server_error', param: null, code: null } })
    }
    expect(acknowledged.length).toBeGreaterThan(5)

    server = await startServerProcess({ DATABASE_URL: dbPath })
    const stored: string[] = []
    let after: string | undefined
    for (;;) {
      const page = await (await fetch(`${server.baseURL}/conversations/${id}/items?order=asc&limit=100${after === undefined ? '' : `&after=${after}`}`)).json() as any
      stored.push(...page.data.map((item: any) => item.content[0].text))
      if (!page.has_more) break
      after = page.last_id
    }
    expect(stored).toContain('in flight')
    for (const text of acknowledged) expect(stored).toContain(text)
    expect(new Set(stored).size).toBe(stored.length)
  }, 60_000)
})
