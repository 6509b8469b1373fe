// The server as its users start it: a process configured by environment variables, serving on
// PORT, stopping cleanly on SIGTERM, keeping its data across restarts.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'conversations-boot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

interface Running { child: ChildProcess, base: string, output: () => string, exited: Promise<number | null> }

async function start (script: string, env: Record<string, string>): Promise<Running> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const base = `http://127.0.0.1:${port}/v1`
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`)
    if (output.includes('Server listening')) return { child, base, output: () => output, exited }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${output}`)
}

describe('the server process', () => {
  it('serves on PORT, stops with exit code 0 on SIGTERM, and keeps its data', async () => {
    const env = { DATABASE_URL: join(dir, 'data', 'a.db') }
    const first = await start('src/server.ts', env)
    const created = await fetch(`${first.base}/conversations`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { k: 'v' } }),
    })
    expect(created.status).toBe(200)
    const conversation = await created.json() as { id: string }
    first.child.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.output()).toContain('"msg":"shutting down"')

    const second = await start('src/server.ts', env)
    const again = await fetch(`${second.base}/conversations/${conversation.id}`)
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
    const server = await start('src/server.ts', { ...env, MIGRATE_ON_START: 'false' })
    expect((await fetch(`${server.base}/conversations`, { method: 'POST' })).status).toBe(200)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })
})
