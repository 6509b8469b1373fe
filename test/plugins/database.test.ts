import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openServerSqlite } from '../../src/plugins/database.js'

describe("the server's SQLite connection", () => {
  it('keeps the page cache SQLITE_CACHE_SIZE_MB allows (2 MiB by default, not better-sqlite3\'s 16)', () => {
    for (const [env, kib] of [[{}, 2048], [{ SQLITE_CACHE_SIZE_MB: '64' }, 65_536]] as const) {
      const db = openServerSqlite(loadConfig({ DATABASE_URL: ':memory:', ...env }))
      try {
        // A negative cache_size is a size in KiB rather than a number of pages.
        expect(db.$client.pragma('cache_size', { simple: true })).toBe(-kib)
      } finally {
        db.$client.close()
      }
    }
  })
})
