// Configuration from environment variables, validated at boot. The only module that reads
// process.env (through its caller, server.ts/cli); everything else receives a Config object.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { durationPattern, parseDuration } from './lifecycle/duration.js'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import type { JSONWebKeySet } from 'jose'
import { checkUniqueKeys, parseApiKeys, type ApiKey } from './auth/api-keys.js'
import { authEnabled, type AuthSettings } from './auth/authenticate.js'

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
  SQLITE_CACHE_SIZE_MB: Type.Integer({ minimum: 1, maximum: 65_536, default: 2 }),
  SQLITE_CHECKPOINT_INTERVAL_MS: Type.Integer({ minimum: 0, default: 250 }),
  PG_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  PG_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 72_000 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  METRICS_ENABLED: Type.Boolean({ default: true }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 0, default: 0 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1, default: 60_000 }),
  IDEMPOTENCY_TTL_SECONDS: Type.Integer({ minimum: 0, default: 86_400 }),
  IDEMPOTENCY_WAIT_MS: Type.Integer({ minimum: 0, default: 10_000 }),
  CONVERSATION_TTL: Type.Optional(Type.String({ pattern: durationPattern })),
  PURGE_AFTER: Type.Optional(Type.String({ pattern: durationPattern })),
  RETENTION_INTERVAL: Type.String({ pattern: durationPattern, default: '10m' }),
  RETENTION_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 100_000, default: 500 }),
  // Authentication (see the README's "Authentication" section). Secrets are never echoed in errors.
  API_KEYS: Type.Optional(Type.String()),
  API_KEYS_FILE: Type.Optional(Type.String()),
  JWT_SECRET: Type.Optional(Type.String()),
  JWT_JWKS_FILE: Type.Optional(Type.String()),
  JWT_JWKS_URL: Type.Optional(Type.String()),
  JWT_ISSUER: Type.Optional(Type.String()),
  JWT_AUDIENCE: Type.Optional(Type.String()),
  JWT_OWNER_CLAIM: Type.String({ minLength: 1, default: 'sub' }),
  ALLOW_UNAUTHENTICATED: Type.Boolean({ default: false }),
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
  /** SQLite's page cache of the server's connection, in MiB. */
  sqliteCacheSizeMb: number
  /** How often a worker thread checkpoints the WAL; 0: SQLite checkpoints inside the committing request. */
  sqliteCheckpointIntervalMs: number
  /** Connections per process to PostgreSQL (DATABASE_URL=postgres://…). */
  pgPoolSize: number
  /** PostgreSQL statement_timeout in ms; 0 disables it. */
  pgStatementTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
  shutdownTimeoutMs: number
  /** Serve Prometheus metrics at /metrics. */
  metricsEnabled: boolean
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  metricsToken: string | null
  /** Longest time to receive a request's headers (slow-header clients are cut off). */
  headersTimeoutMs: number
  /** Requests per window and credential; 0 = no rate limiting. */
  rateLimitMax: number
  rateLimitWindowMs: number
  /** How long an Idempotency-Key answer is replayed; 0 = the header is ignored. */
  idempotencyTtlSeconds: number
  /** How long a duplicate keyed request waits for the first one's answer. */
  idempotencyWaitMs: number
  /** Soft-delete conversations idle (no write) for this long; null: keep them. */
  conversationTtlMs: number | null
  /** Hard-delete soft-deleted conversations and deleted items this long after their deletion; null: never. */
  purgeAfterMs: number | null
  /** How often the server runs retention (when a TTL or PURGE_AFTER is set). */
  retentionIntervalMs: number
  /** Rows per retention transaction. */
  retentionBatchSize: number
  auth: AuthSettings
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
  // The open-mode policy (checkAuthPolicy) is enforced when the server is built, not here, so
  // tools that only read the database (migrations, the CLI) run whatever HOST says.
  const auth = authFromEnv(converted)
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
    sqliteCacheSizeMb: converted.SQLITE_CACHE_SIZE_MB,
    sqliteCheckpointIntervalMs: converted.SQLITE_CHECKPOINT_INTERVAL_MS,
    pgPoolSize: converted.PG_POOL_SIZE,
    pgStatementTimeoutMs: converted.PG_STATEMENT_TIMEOUT_MS,
    requestTimeoutMs: converted.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: converted.KEEP_ALIVE_TIMEOUT_MS,
    shutdownTimeoutMs: converted.SHUTDOWN_TIMEOUT_MS,
    metricsEnabled: converted.METRICS_ENABLED,
    metricsToken: converted.METRICS_TOKEN ?? null,
    headersTimeoutMs: converted.HEADERS_TIMEOUT_MS,
    rateLimitMax: converted.RATE_LIMIT_MAX,
    rateLimitWindowMs: converted.RATE_LIMIT_WINDOW_MS,
    idempotencyTtlSeconds: converted.IDEMPOTENCY_TTL_SECONDS,
    idempotencyWaitMs: converted.IDEMPOTENCY_WAIT_MS,
    conversationTtlMs: converted.CONVERSATION_TTL === undefined ? null : parseDuration(converted.CONVERSATION_TTL)!,
    purgeAfterMs: converted.PURGE_AFTER === undefined ? null : parseDuration(converted.PURGE_AFTER)!,
    retentionIntervalMs: parseDuration(converted.RETENTION_INTERVAL)!,
    retentionBatchSize: converted.RETENTION_BATCH_SIZE,
    auth,
  }
}

const list = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')

/** API keys and JWT settings from their variables and files; problems are named without quoting secrets. */
function authFromEnv (env: Static<typeof EnvSchema>): AuthSettings {
  const problems: string[] = []
  const attempt = <T>(variable: string, read: () => T): T | undefined => {
    try {
      return read()
    } catch (error) {
      problems.push(`${variable}: ${(error as Error).message}`)
      return undefined
    }
  }
  const apiKeys: ApiKey[] = [
    ...(attempt('API_KEYS', () => parseApiKeys(env.API_KEYS ?? '', ',')) ?? []),
    ...(env.API_KEYS_FILE === undefined ? [] : attempt('API_KEYS_FILE', () => parseApiKeys(readFileSync(env.API_KEYS_FILE!, 'utf8'), '\n')) ?? []),
  ]
  attempt('API_KEYS', () => checkUniqueKeys(apiKeys))

  const secret = env.JWT_SECRET ?? null
  if (secret !== null && Buffer.byteLength(secret) < 32) problems.push('JWT_SECRET: must be at least 32 bytes long (HS256 needs a 256-bit secret)')
  const jwks = env.JWT_JWKS_FILE === undefined ? null : attempt('JWT_JWKS_FILE', () => readJwks(env.JWT_JWKS_FILE!)) ?? null
  const jwksUrl = env.JWT_JWKS_URL ?? null
  if (jwksUrl !== null && !/^https?:\/\/[^/]/.test(jwksUrl)) problems.push(`JWT_JWKS_URL=${JSON.stringify(jwksUrl)}: must be an http(s) URL`)
  const audience = list(env.JWT_AUDIENCE)
  // Tokens from a public identity provider are signed for many applications: only the audience
  // tells ours apart, so asymmetric keys require it.
  if ((env.JWT_JWKS_FILE !== undefined || jwksUrl !== null) && audience.length === 0) {
    problems.push('JWT_AUDIENCE: required with JWT_JWKS_FILE or JWT_JWKS_URL')
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)

  const jwtEnabled = secret !== null || env.JWT_JWKS_FILE !== undefined || jwksUrl !== null
  return {
    apiKeys,
    jwt: jwtEnabled ? { secret, jwks, jwksUrl, issuer: list(env.JWT_ISSUER), audience, ownerClaim: env.JWT_OWNER_CLAIM } : null,
    allowUnauthenticated: env.ALLOW_UNAUTHENTICATED,
  }
}

function readJwks (path: string): JSONWebKeySet {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new Error('not a JWK Set (an object with a "keys" array)')
  }
  return parsed as JSONWebKeySet
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost' || bare === '::1') return true
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare
  return isIP(v4) === 4 && v4.startsWith('127.')
}

/** Serving without authentication beyond loopback must be asked for explicitly. */
export function checkAuthPolicy (host: string, auth: AuthSettings): void {
  if (authEnabled(auth) || auth.allowUnauthenticated || isLoopbackHost(host)) return
  throw new ConfigError(`Refusing to serve on HOST=${JSON.stringify(host)} without authentication: ` +
    'set API_KEYS, API_KEYS_FILE, JWT_SECRET, JWT_JWKS_FILE or JWT_JWKS_URL, or ALLOW_UNAUTHENTICATED=true to serve openly anyway.')
}
