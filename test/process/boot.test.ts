// The server as its users start it: a process configured by environment variables, serving on
// PORT, stopping cleanly on SIGTERM, keeping its data across restarts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServerProcess as start } from './server-process.js'

const root = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'conversations-boot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the server process', () => {
  it('serves on PORT, stops with exit code 0 on SIGTERM, and keeps its data', async () => {
    const env = { DATABASE_URL: join(dir, 'data', 'a.db') }
    const first = await start(env)
    const created = await fetch(`${first.baseURL}/conversations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { k: 'v' } }),
    })
    expect(created.status).toBe(200)
    const conversation = await created.json() as { id: string }
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.output()).toContain('"msg":"shutting down"')

    const second = await start(env)
    const again = await fetch(`${second.baseURL}/conversations/${conversation.id}`)
    expect(await again.json()).toEqual(conversation)
    second.child.kill('SIGINT')
    expect(await second.exited).toBe(0)
  })

  it('refuses to start on a bad configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root, env: { PATH: process.env.PATH, PORT: 'http', DATABASE_URL: ':memory:' }, encoding: 'utf8', timeout: 30_000,
    })
    expect(result.status).toBe(78)
    expect(result.stderr).toContain('Invalid configuration:')
    expect(result.stderr).toContain('PORT="http"')
  })

  it('migrates with the migrate script, then serves with MIGRATE_ON_START=false', async () => {
    const env = { DATABASE_URL: join(dir, 'b.db') }
    const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'src/scripts/migrate.ts'], {
      cwd: root, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000,
    })
    expect(migrated.stdout).toBe(`migrations applied to ${env.DATABASE_URL}\n`)
    expect(migrated.status).toBe(0)
    const server = await start({ ...env, MIGRATE_ON_START: 'false' })
    expect((await fetch(`${server.baseURL}/conversations`, { method: 'POST' })).status).toBe(200)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })
})
