// Configuration from environment variables, validated at boot. The only module that reads
// process.env (through its caller, server.ts/cli); everything else receives a Config object.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))

const EnvSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.String({ minLength: 1, default: './data/conversations.db' }),
  LOG_LEVEL: Type.Unsafe<string>({ ...LogLevel, default: 'info' }),
  MAX_ITEMS_PER_REQUEST: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
  BODY_LIMIT: Type.Integer({ minimum: 1024, default: 50 * 1024 * 1024 }),
  MAX_JSON_DEPTH: Type.Integer({ minimum: 4, maximum: 10_000, default: 64 }),
  MIGRATE_ON_START: Type.Boolean({ default: true }),
  SQLITE_SYNCHRONOUS: Type.Union([Type.Literal('FULL'), Type.Literal('NORMAL'), Type.Literal('EXTRA'), Type.Literal('OFF')], { default: 'FULL' }),
  SQLITE_BUSY_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 5000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 72_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
})

export interface Config {
  port: number
  host: string
  databaseUrl: string
  logLevel: string
  maxItemsPerRequest: number
  bodyLimit: number
  maxJsonDepth: number
  migrateOnStart: boolean
  sqliteSynchronous: 'FULL' | 'NORMAL' | 'EXTRA' | 'OFF'
  sqliteBusyTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
  shutdownTimeoutMs: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig (env: Record<string, string | undefined> = {}): Config {
  const known = Object.keys(EnvSchema.properties)
  const raw: Record<string, unknown> = {}
  for (const key of known) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, { ...raw })) as Static<typeof EnvSchema>
  const problems = [...Value.Errors(EnvSchema, converted)].map((e) =>
    `${e.path.slice(1)}=${JSON.stringify(raw[e.path.slice(1)] ?? '')}: ${e.message}`)
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  return {
    port: converted.PORT,
    host: converted.HOST,
    databaseUrl: converted.DATABASE_URL,
    logLevel: converted.LOG_LEVEL,
    maxItemsPerRequest: converted.MAX_ITEMS_PER_REQUEST,
    bodyLimit: converted.BODY_LIMIT,
    maxJsonDepth: converted.MAX_JSON_DEPTH,
    migrateOnStart: converted.MIGRATE_ON_START,
    sqliteSynchronous: converted.SQLITE_SYNCHRONOUS,
    sqliteBusyTimeoutMs: converted.SQLITE_BUSY_TIMEOUT_MS,
    requestTimeoutMs: converted.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: converted.KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: converted.SHUTDOWN_TIMEOUT_MS,
  }
}
