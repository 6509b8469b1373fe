// Several server processes on one PostgreSQL database, as behind a load balancer: concurrent
// appends to one conversation keep a strict total order and exact pagination.
import { spawnSync } from 'node:child_process'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createServerDatabase } from '../helpers/pg.js'
import { startServerProcess, stopServerProcess, type ServerProcess } from '../process/server-process.js'

const projectRoot = new URL('../../', import.meta.url).pathname
const running: ServerProcess[] = []
afterAll(async () => { await Promise.all(running.map(stopServerProcess)) })

/** SIGTERM, then the exit code. */
async function stop (server: ServerProcess): Promise<number | string> {
  server.child.kill('SIGTERM')
  return server.exited
}

async function post (url: string, body: unknown): Promise<{ status: number, body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() }
}

async function listAll (base: string, conversationId: string, order: 'asc' | 'desc', limit: number): Promise<string[]> {
  const ids: string[] = []
  let after: string | undefined
  for (let page = 0; page < 1000; page++) {
    const query = new URLSearchParams({ order, limit: String(limit), ...(after === undefined ? {} : { after }) })
    const response = await fetch(`${base}/conversations/${conversationId}/items?${query}`)
    const body = await response.json() as { data: Array<{ id: string }>, has_more: boolean, last_id: string }
    expect(response.status).toBe(200)
    ids.push(...body.data.map((i) => i.id))
    if (!body.has_more) return ids
    after = body.last_id
  }
  throw new Error('pagination did not end')
}

const message = (text: string, id?: string): Record<string, unknown> =>
  ({ ...(id === undefined ? {} : { id }), type: 'message', role: 'user', content: text })

describe('two server processes on one PostgreSQL database', () => {
  it('migrate on start together, then append concurrently to one conversation in a strict total order', async () => {
    const url = await createServerDatabase()
    // Both start on an empty database at once: the migration lock lets exactly one migrate.
    const [a, b] = await Promise.all([startServerProcess({ DATABASE_URL: url }, { startTimeoutMs: 60_000 }), startServerProcess({ DATABASE_URL: url }, { startTimeoutMs: 60_000 })])
    running.push(a!, b!)
    const servers = [a!, b!]

    const created = await post(`${a!.baseURL}/conversations`, { items: [message('start')] })
    expect(created.status).toBe(200)
    const conversationId = created.body.id as string

    // 4 writers (2 per process), each 12 requests of 1–3 items, all at once.
    const acknowledged: string[][] = []
    await Promise.all(Array.from({ length: 4 }, async (_, writer) => {
      const server = servers[writer % 2]!
      for (let request = 0; request < 12; request++) {
        const count = 1 + ((writer + request) % 3)
        const items = Array.from({ length: count }, (_, i) => message(`w${writer} r${request} i${i}`))
        const { status, body } = await post(`${server.baseURL}/conversations/${conversationId}/items`, { items })
        expect(status).toBe(200)
        acknowledged.push((body.data as Array<{ id: string }>).map((i) => i.id))
      }
    }))
    const acknowledgedIds = acknowledged.flat()
    expect(acknowledgedIds).toHaveLength(4 * (1 + 2 + 3) * 4)

    // Every acknowledged item exactly once, each request's items contiguous and in request order.
    const asc = await listAll(b!.baseURL, conversationId, 'asc', 7)
    expect(asc).toHaveLength(acknowledgedIds.length + 1)
    expect(new Set(asc).size).toBe(asc.length)
    expect(new Set(asc.slice(1))).toEqual(new Set(acknowledgedIds))
    for (const batch of acknowledged) {
      const at = asc.indexOf(batch[0]!)
      expect(asc.slice(at, at + batch.length)).toEqual(batch)
    }
    // Exact pagination from the other process and in the other order.
    expect(await listAll(a!.baseURL, conversationId, 'desc', 9)).toEqual([...asc].reverse())
    expect(await listAll(a!.baseURL, conversationId, 'asc', 100)).toEqual(asc)

    // Positions in storage: dense, 0..n-1, in listing order.
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ id: string, position: number }>(
        'SELECT i.id, i.position FROM items i JOIN conversations c ON c.pk = i.conversation_pk WHERE c.id = $1 ORDER BY i.position', [conversationId])
      expect(rows.map((r) => r.position)).toEqual(asc.map((_, i) => i))
      expect(rows.map((r) => r.id)).toEqual(asc)
    } finally {
      await client.end()
    }

    // The same client-supplied id from both processes at once: one wins, the other is a 400.
    const results = await Promise.all(servers.flatMap((s) => [0, 1].map(async () =>
      post(`${s.baseURL}/conversations/${conversationId}/items`, { items: [message('race', 'msg_race')] }))))
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400])
    expect(results.find((r) => r.status === 400)!.body).toEqual({
      error: { message: 'Duplicate item found with id msg_race. Remove duplicate items from your input and try again.', type: 'invalid_request_error', param: 'items', code: null },
    })
    expect(await listAll(b!.baseURL, conversationId, 'asc', 100)).toEqual([...asc, 'msg_race'])

    expect(await stop(a!)).toBe(0)
    expect(await stop(b!)).toBe(0)
  }, 120_000)

  it('migrates with the migrate command, then serves with MIGRATE_ON_START=false', async () => {
    const url = await createServerDatabase()
    const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'src/scripts/migrate.ts'], {
      cwd: projectRoot, env: { PATH: process.env.PATH, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000,
    })
    expect({ status: migrated.status, stdout: migrated.stdout }).toEqual({ status: 0, stdout: 'migrations applied to the PostgreSQL database\n' })
    const server = await startServerProcess({ DATABASE_URL: url, MIGRATE_ON_START: 'false', PG_POOL_SIZE: '2' }, { startTimeoutMs: 60_000 })
    running.push(server)
    const created = await post(`${server.baseURL}/conversations`, { metadata: { k: 'v' } })
    expect(created.status).toBe(200)
    expect((await fetch(`${server.baseURL}/conversations/${created.body.id as string}`)).status).toBe(200)
    expect(await stop(server)).toBe(0)
  }, 120_000)
})
