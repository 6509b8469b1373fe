// Opening a store while another process holds the new file: switching to WAL is retried while
// SQLite answers SQLITE_BUSY, for as long as the busy timeout, and nothing else is retried.
import { describe, expect, it } from 'vitest'
import { retryWhileBusy } from '../../src/repositories/sqlite/client.js'

const sqliteError = (code: string): Error => Object.assign(new Error(code), { code })

describe('retryWhileBusy', () => {
  it('runs again after SQLITE_BUSY until the statement succeeds', () => {
    let calls = 0
    retryWhileBusy(() => {
      calls++
      if (calls < 3) throw sqliteError('SQLITE_BUSY')
    }, 5000)
    expect(calls).toBe(3)
  })

  it('throws any other error at once', () => {
    let calls = 0
    expect(() => retryWhileBusy(() => {
      calls++
      throw sqliteError('SQLITE_CORRUPT')
    }, 5000)).toThrow('SQLITE_CORRUPT')
    expect(calls).toBe(1)
  })

  it('gives up with SQLITE_BUSY once the busy timeout has passed', () => {
    const started = Date.now()
    let calls = 0
    expect(() => retryWhileBusy(() => {
      calls++
      throw sqliteError('SQLITE_BUSY')
    }, 60)).toThrow('SQLITE_BUSY')
    expect(calls).toBeGreaterThan(1)
    expect(Date.now() - started).toBeGreaterThanOrEqual(60)
  })
})
