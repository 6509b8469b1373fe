import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isPostgresUrl, redactPostgresUrl } from '../../src/repositories/pg/client.js'
import { freePort } from '../process/server-process.js'

const projectRoot = new URL('../../', import.meta.url).pathname

describe('PostgreSQL URLs', () => {
  it('selects PostgreSQL for postgres:// and postgresql:// only', () => {
    expect(['postgres://h/db', 'postgresql://u@h:5432/db', 'POSTGRES://h/db', './data/x.db', ':memory:', 'file:x.db', 'sqlite:x.db'].map(isPostgresUrl))
      .toEqual([true, true, true, false, false, false, false])
  })

  it('never shows the password', () => {
    expect(redactPostgresUrl('postgres://app:s3cret@db:5432/conv')).toBe('postgres://app:***@db:5432/conv')
    expect(redactPostgresUrl('postgres://db/conv')).toBe('postgres://db/conv')
  })

  it('refuses to start, naming the server without its password, when PostgreSQL is unreachable', async () => {
    const port = await freePort()
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: projectRoot, env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/conv` }, encoding: 'utf8', timeout: 60_000,
    })
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain(`cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:${port}/conv`)
    expect(result.stderr).not.toContain('s3cret')
  })
})
