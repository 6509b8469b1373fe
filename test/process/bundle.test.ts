// The production build's entry points: the server and the command line, each a small entry file and
// one bundle of everything it loads (scripts/bundle.mjs). Bundled into a copy of the project here,
// then started as users start them (`node dist/server.js`, `node dist/cli.js …`), with every
// feature that loads code on demand.
import { execFile, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { audience, hsSecret, hsToken, issuer } from '../helpers/auth.js'
import { freePort, startServerProcess } from './server-process.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'conversations-bundle-'))
const apiKey = 'sk-bundle-test-0123456789'

beforeAll(async () => {
  for (const entry of ['src', 'scripts', 'migrations', 'openapi.yaml', 'package.json']) cpSync(join(root, entry), join(dir, entry), { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  await run(process.execPath, ['scripts/bundle.mjs'], { cwd: dir, timeout: 120_000 })
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the bundled server', () => {
  it('is an entry file and one bundle per entry point', () => {
    // Nothing else in dist/ that they could import: node_modules supplies the rest.
    expect(readdirSync(join(dir, 'dist'), { recursive: true }).sort()).toEqual(['cli', 'cli.js', join('cli', 'run.js'), 'main.js', 'server.js'])
  })

  it('serves the API to API keys and JWTs, counts the first request in /metrics, serves the documents and the docs page', async () => {
    const server = await startServerProcess({
      DATABASE_URL: join(dir, 'data', 'a.db'),
      API_KEYS: `${apiKey}:ci`,
      JWT_SECRET: hsSecret,
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: audience,
    }, { args: ['dist/server.js'], cwd: dir })
    try {
      const base = `http://127.0.0.1:${server.port}`
      const asAlice = { authorization: `Bearer ${await hsToken({ sub: 'alice' })}` }
      const created = await fetch(`${base}/v1/conversations`, {
        method: 'POST', headers: { ...asAlice, 'content-type': 'application/json' }, body: JSON.stringify({ metadata: { via: 'jwt' } }),
      })
      expect(created.status).toBe(200)
      const conversation = await created.json() as { id: string }
      expect(await (await fetch(`${base}/v1/conversations/${conversation.id}`, { headers: asAlice })).json()).toEqual(conversation)
      // Another owner (the API key's) does not see it; a bad token is refused with its reason.
      expect((await fetch(`${base}/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(404)
      const expired = await fetch(`${base}/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${await hsToken({ expiresIn: -60 })}` } })
      expect(expired.status).toBe(401)
      expect((await expired.json() as { error: { message: string } }).error.message).toContain('The token has expired.')

      const metrics = await (await fetch(`${base}/metrics`)).text()
      expect(metrics).toContain('http_requests_total{method="POST",route="/v1/conversations",status_code="200"} 1\n')

      expect(await (await fetch(`${base}/openapi.json`)).json()).toEqual(parse(readFileSync(join(root, 'openapi.yaml'), 'utf8')))
      const page = await fetch(`${base}/docs`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('swagger-ui')
      const asset = await fetch(`${base}/docs/static/swagger-ui-bundle.js`)
      expect(asset.status).toBe(200)
      expect((await asset.arrayBuffer()).byteLength).toBe(statSync(join(root, 'node_modules/@fastify/swagger-ui/static/swagger-ui-bundle.js')).size)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(0)
  })

  it('opens PostgreSQL for a postgres:// URL', async () => {
    const port = await freePort()
    const result = spawnSync(process.execPath, ['dist/server.js'], {
      cwd: dir, env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/conv` }, encoding: 'utf8', timeout: 60_000,
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain(`cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:${port}/conv`)
  })
})

describe('the bundled command line', () => {
  it('migrates and exports', () => {
    const database = join(dir, 'cli.db')
    const cli = (...args: string[]): { status: number | null, stdout: string, stderr: string } =>
      spawnSync(process.execPath, ['dist/cli.js', ...args], { cwd: dir, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 })
    expect(cli('migrate', '--database', database)).toMatchObject({ status: 0, stdout: `migrations applied to ${database}\n` })
    expect(cli('export', '--database', database)).toMatchObject({ status: 0, stdout: '', stderr: expect.stringContaining('exported 0 conversations, 0 items') })
  })
})
