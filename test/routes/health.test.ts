import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { migrateSqlite, openSqlite, sqliteMigrationsFolder } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { buildTestApp, call, errorBody, ID } from '../helpers/app.js'

const notReady = errorBody('The server is not ready: its database is unreachable or not migrated.', null, null, 'server_error')
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function appWith (...args: Parameters<typeof buildTestApp>): ReturnType<typeof buildTestApp> {
  const app = await buildTestApp(...args)
  cleanups.push(() => app.close())
  return app
}

describe('GET /healthz', () => {
  it('answers 200 while the process runs, with a request id', async () => {
    const app = await appWith()
    const { status, body, headers } = await call(app, { method: 'GET', url: '/healthz' })
    expect(status).toBe(200)
    expect(body).toEqual({ status: 'ok' })
    expect(headers['x-request-id']).toEqual(ID.requestId)
  })
})

describe('GET /readyz', () => {
  it('answers 200 when the database is reachable and migrated', async () => {
    const app = await appWith()
    const { status, body } = await call(app, { method: 'GET', url: '/readyz' })
    expect(status).toBe(200)
    expect(body).toEqual({ status: 'ok' })
  })

  it('answers 503 in the error envelope when the database has no migration record', async () => {
    const db = openSqlite(':memory:')
    migrateSqlite(db)
    db.$client.exec('DROP TABLE __drizzle_migrations')
    const app = await appWith({}, { repos: createSqliteRepositories({ db }) })
    const { status, body } = await call(app, { method: 'GET', url: '/readyz' })
    expect(status).toBe(503)
    expect(body).toEqual(notReady)
    // /healthz does not depend on the database.
    expect((await call(app, { method: 'GET', url: '/healthz' })).status).toBe(200)
  })

  it('answers 503 when the server ships a migration the database has not applied yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'readyz-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    cpSync(sqliteMigrationsFolder, dir, { recursive: true })
    const db = openSqlite(':memory:')
    migrateSqlite(db, dir)
    const journalPath = join(dir, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ idx: number, when: number, tag: string }> }
    const last = journal.entries[journal.entries.length - 1]!
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1000, tag: '9999_newer' })
    writeFileSync(journalPath, JSON.stringify(journal))

    const app = await appWith({}, { repos: createSqliteRepositories({ db, migrationsFolder: dir }) })
    const { status, body } = await call(app, { method: 'GET', url: '/readyz' })
    expect(status).toBe(503)
    expect(body).toEqual(notReady)
  })

  it('answers 503 when the database is unreachable', async () => {
    const app = await appWith()
    await app.repos.close()
    const { status, body } = await call(app, { method: 'GET', url: '/readyz' })
    expect(status).toBe(503)
    expect(body).toEqual(notReady)
  })
})

describe('probe logging', () => {
  it('keeps probes out of the info-level access log', async () => {
    const lines: Array<{ reqId?: string, msg: string }> = []
    const app = await appWith({ logLevel: 'info' }, { logger: true, logStream: { write: (line) => { lines.push(JSON.parse(line)) } } })
    const requestLines = (): string[] => lines.filter((line) => line.reqId !== undefined).map((line) => line.msg)
    for (const url of ['/healthz', '/readyz']) expect((await app.inject({ url })).statusCode).toBe(200)
    expect(requestLines()).toEqual([])
    // The same logger writes API requests at info.
    expect((await app.inject({ method: 'POST', url: '/v1/conversations' })).statusCode).toBe(200)
    expect(requestLines()).toEqual(['incoming request', 'request completed'])
  })
})
