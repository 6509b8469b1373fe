import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../src/config.js'

describe('loadConfig', () => {
  it('has documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: './data/conversations.db',
      logLevel: 'info',
      maxItemsPerRequest: 20,
      bodyLimit: 52_428_800,
      maxJsonDepth: 64,
      migrateOnStart: true,
      sqliteSynchronous: 'FULL',
      sqliteBusyTimeoutMs: 5000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
      shutdownTimeoutMs: 10_000,
      auth: { apiKeys: [], jwt: null, allowUnauthenticated: false },
    })
  })

  it('converts numbers and booleans from text, and treats empty values as unset', () => {
    const config = loadConfig({ PORT: '9000', MIGRATE_ON_START: 'false', MAX_ITEMS_PER_REQUEST: '50', DATABASE_URL: ':memory:', LOG_LEVEL: '' })
    expect(config).toMatchObject({ port: 9000, migrateOnStart: false, maxItemsPerRequest: 50, databaseUrl: ':memory:', logLevel: 'info' })
  })

  it('ignores variables it does not know', () => {
    expect(loadConfig({ SOMETHING_ELSE: 'x' }).port).toBe(8080)
  })

  it('names every bad variable and its value in one error', () => {
    let error: unknown
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', SQLITE_SYNCHRONOUS: 'MAYBE' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toMatch(/^Invalid configuration:/)
    expect(message).toContain('PORT="eighty"')
    expect(message).toContain('LOG_LEVEL="loud"')
    expect(message).toContain('SQLITE_SYNCHRONOUS="MAYBE"')
  })

  it('rejects out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/)
    expect(() => loadConfig({ MAX_ITEMS_PER_REQUEST: '0' })).toThrow(/MAX_ITEMS_PER_REQUEST="0"/)
  })
})
