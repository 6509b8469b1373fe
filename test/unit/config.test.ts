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
      sqliteCacheSizeMb: 2,
      sqliteCheckpointIntervalMs: 250,
      pgPoolSize: 10,
      pgStatementTimeoutMs: 30_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
      shutdownTimeoutMs: 10_000,
      metricsEnabled: true,
      metricsToken: null,
      headersTimeoutMs: 30_000,
      rateLimitMax: 0,
      rateLimitWindowMs: 60_000,
      idempotencyTtlSeconds: 86_400,
      idempotencyWaitMs: 10_000,
      conversationTtlMs: null,
      purgeAfterMs: null,
      retentionIntervalMs: 600_000,
      retentionBatchSize: 500,
      auth: { apiKeys: [], jwt: null, allowUnauthenticated: false },
    })
  })

  it('reads retention durations with their units', () => {
    expect(loadConfig({ CONVERSATION_TTL: '30d', PURGE_AFTER: '12h', RETENTION_INTERVAL: '90s', RETENTION_BATCH_SIZE: '50' })).toMatchObject({
      conversationTtlMs: 30 * 86_400_000,
      purgeAfterMs: 12 * 3_600_000,
      retentionIntervalMs: 90_000,
      retentionBatchSize: 50,
    })
    expect(loadConfig({ CONVERSATION_TTL: '2w', PURGE_AFTER: '500ms' })).toMatchObject({ conversationTtlMs: 1_209_600_000, purgeAfterMs: 500 })
  })

  it('rejects durations without a unit, with a zero value or in words', () => {
    expect(() => loadConfig({ CONVERSATION_TTL: '30' })).toThrow(/CONVERSATION_TTL="30"/)
    expect(() => loadConfig({ PURGE_AFTER: '0d' })).toThrow(/PURGE_AFTER="0d"/)
    expect(() => loadConfig({ RETENTION_INTERVAL: 'hourly' })).toThrow(/RETENTION_INTERVAL="hourly"/)
    expect(() => loadConfig({ RETENTION_BATCH_SIZE: '0' })).toThrow(/RETENTION_BATCH_SIZE="0"/)
  })

  it('converts numbers and booleans from text, and treats empty values as unset', () => {
    const config = loadConfig({ PORT: '9000', MIGRATE_ON_START: 'false', MAX_ITEMS_PER_REQUEST: '50', DATABASE_URL: ':memory:', LOG_LEVEL: '' })
    expect(config).toMatchObject({ port: 9000, migrateOnStart: false, maxItemsPerRequest: 50, databaseUrl: ':memory:', logLevel: 'info' })
  })

  it('reads the SQLite page cache size in MiB, at least 1', () => {
    expect(loadConfig({ SQLITE_CACHE_SIZE_MB: '64' }).sqliteCacheSizeMb).toBe(64)
    expect(() => loadConfig({ SQLITE_CACHE_SIZE_MB: '0' })).toThrow(/SQLITE_CACHE_SIZE_MB="0"/)
    expect(() => loadConfig({ SQLITE_CACHE_SIZE_MB: 'lots' })).toThrow(/SQLITE_CACHE_SIZE_MB="lots"/)
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
