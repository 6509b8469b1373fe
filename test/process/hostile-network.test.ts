// Random raw HTTP over real sockets against the server process: it never answers 5xx, never dies,
// and its resident memory stays bounded. FUZZ_RUNS=<n> sends more requests (default 150 × 2).
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { type ServerProcess, postJson, startServerProcess, stopServerProcess } from './server-process.js'

const requests = Number(process.env.FUZZ_RUNS ?? 150) * 2
const memoryBoundBytes = 512 * 1024 * 1024

function residentBytes (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

/** Sends raw bytes; resolves with what came back before the server closed or went quiet. */
function exchange (port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    let received = ''
    const quiet = setTimeout(() => socket.destroy(), 3000)
    socket.on('data', (data) => { received += data.toString('latin1') })
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(quiet); resolve(received) })
  })
}

const line = fc.string({ unit: 'binary', maxLength: 60 })
const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'G E T', '')
const path = fc.oneof(
  fc.constantFrom('/v1/conversations', '/v1/conversations/{c}', '/v1/conversations/{c}/items', '/v1/conversations/{c}/items/x', '/', '*', '/v1/../etc/passwd', '/v1/conversations/%ff', '/v1/conversations/\u00ff'),
  line.map((s) => `/v1/conversations/${s}`),
)
const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify({ items: [v], metadata: v }))),
  fc.integer({ min: 1, max: 5000 }).map((d) => Buffer.from('['.repeat(d))),
)
const headerValue = fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) }, { weight: 1, arbitrary: line })
const headerName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Content-Type', 'Transfer-Encoding', 'Content-Length', 'Idempotency-Key', 'Authorization', 'Expect', 'X-Junk') }, { weight: 1, arbitrary: line })
const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 })
const rawRequest = fc.record({ method, path, extraHeaders, body: bodyBytes, honestLength: fc.boolean() })

describe('hostile bytes over the network', () => {
  let server: ServerProcess | undefined
  afterAll(async () => { await stopServerProcess(server) })

  it('never answers 5xx, never crashes, keeps memory bounded', async () => {
    server = await startServerProcess({ DATABASE_URL: ':memory:', HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '2000' })
    const { id } = (await postJson(`${server.baseURL}/conversations`, {})).body
    const samples = fc.sample(rawRequest, requests)
    const statuses: string[] = []
    for (let i = 0; i < samples.length; i += 10) {
      await Promise.all(samples.slice(i, i + 10).map(async (r) => {
        const head = [`${r.method} ${r.path.replace('{c}', id)} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close',
          ...(r.honestLength ? [`Content-Length: ${r.body.length}`] : []), ...r.extraHeaders.map(([k, v]) => `${k}: ${v}`)]
        const answer = await exchange(server!.port, Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), r.body]))
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]
        if (status !== undefined) statuses.push(status)
      }))
    }
    if (process.env.FUZZ_DEBUG === '1') console.log(Object.entries(statuses.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {})))
    expect(server.child.exitCode).toBeNull()
    expect(statuses.filter((s) => s.startsWith('5'))).toEqual([])
    expect(statuses.length).toBeGreaterThan(requests / 2)
    // (The random requests may well have deleted the first conversation.)
    const alive = await postJson(`${server.baseURL}/conversations`, { items: [{ role: 'user', content: 'still here' }] })
    expect(alive.status).toBe(200)
    expect(residentBytes(server.child.pid!)).toBeLessThan(memoryBoundBytes)
  }, 120_000)
})
