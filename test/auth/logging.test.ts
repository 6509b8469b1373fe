// What authentication writes to the log: which modes are on and warnings, never a key or token.
import { spawnSync } from 'node:child_process'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'
import { apiKeysAuth, bearer, hsSecret, hsToken, jwtAuth } from '../helpers/auth.js'

const root = new URL('../../', import.meta.url).pathname
let app: FastifyInstance | undefined
afterEach(async () => { await app?.close(); app = undefined })

async function appWithLogs (overrides: Partial<Config>): Promise<Array<Record<string, any>>> {
  const lines: Array<Record<string, any>> = []
  app = await buildTestApp({ logLevel: 'info', ...overrides }, { logger: true, logStream: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, any>) } } })
  return lines
}

describe('authentication logs', () => {
  it('name the enabled modes at start, never keys, tokens or their masked forms', async () => {
    const key = 'sk-logged-never-0123456789'
    const lines = await appWithLogs({ auth: { ...jwtAuth({ secret: hsSecret }), apiKeys: [{ key, tenant: 'tenant-secret-name' }] } })
    expect(lines.find((line) => line.msg === 'authentication enabled')).toMatchObject({ level: 30, auth: ['api-keys (1)', 'jwt HS256'] })
    const token = await hsToken()
    await app!.inject({ method: 'GET', url: '/v1/conversations/conv_x', headers: bearer(key) })
    await app!.inject({ method: 'GET', url: '/v1/conversations/conv_x', headers: { 'api-key': `${key}-wrong` } })
    await app!.inject({ method: 'GET', url: '/v1/conversations/conv_x', headers: { 'xi-api-key': `${token}x` } })
    await app!.inject({ method: 'DELETE', url: '/v1/convai/conversations/conv_x', headers: { 'xi-api-key': 'sk-logged-never-wrong' } })
    const text = JSON.stringify(lines)
    for (const secret of [key, 'sk-logge', token.slice(0, 20), token.slice(-12), hsSecret]) expect(text).not.toContain(secret)
    expect(lines.filter((line) => line.msg === 'authentication failed (invalid_api_key)')).toHaveLength(3)
  })

  it('warn when serving openly on a non-loopback interface', async () => {
    const lines = await appWithLogs({ host: '0.0.0.0', auth: { ...apiKeysAuth([]), allowUnauthenticated: true } })
    expect(lines.find((line) => line.level === 40)).toMatchObject({
      host: '0.0.0.0',
      msg: 'no authentication configured on a non-loopback interface (ALLOW_UNAUTHENTICATED=true): anyone who can reach this server can read and change every conversation',
    })
  })
})

describe('the server process', () => {
  it('refuses to start on a non-loopback HOST without authentication', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root, env: { PATH: process.env.PATH, HOST: '0.0.0.0', PORT: '0', DATABASE_URL: ':memory:' }, encoding: 'utf8', timeout: 30_000,
    })
    expect(result.status).toBe(78)
    expect(result.stderr).toContain('Refusing to serve on HOST="0.0.0.0" without authentication')
  })
})
