// Prometheus metrics at /metrics: request counts and latency per route and status, process
// metrics, and store gauges. Each app has its own registry, so several apps in one process (tests,
// embedding) never collide. Optional bearer token; disabled entirely with METRICS_ENABLED=false.
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/swagger'
import fp from 'fastify-plugin'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { AppError } from '../errors.js'
import type { RetentionStats } from '../lifecycle/retention.js'
import type { StoreStats } from '../repositories/types.js'
import { createHttpMetrics } from './http-metrics.js'

export interface MetricsOptions {
  /** Required bearer token, or null for an open endpoint. */
  token: string | null
  /** How long store gauges are reused before the counts are queried again. */
  statsTtlMs?: number
}

/** Label for requests that matched no route: raw URLs would make the label set unbounded. */
export const unmatchedRoute = '__unmatched__'

function tokenMatches (header: string | undefined, token: string): boolean {
  const expected = Buffer.from(`Bearer ${token}`)
  const given = Buffer.from(header ?? '')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function metrics (app: FastifyInstance, { token, statsTtlMs = 15_000 }: MetricsOptions): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const http = createHttpMetrics()

  // The store is queried at most once per TTL however often Prometheus scrapes.
  let cached: { at: number, stats: StoreStats } | undefined
  const storeStats = async (): Promise<StoreStats> => {
    if (cached === undefined || Date.now() - cached.at >= statsTtlMs) cached = { at: Date.now(), stats: await app.repos.stats() }
    return cached.stats
  }
  const storeGauge = (name: string, help: string, pick: (stats: StoreStats) => number): Gauge => new Gauge({
    name,
    help,
    registers: [registry],
    async collect () { this.set(pick(await storeStats())) },
  })
  storeGauge('conversations_server_conversations', 'Stored conversations, deleted ones excluded.', (s) => s.conversations)
  storeGauge('conversations_server_items', 'Stored items, deleted ones excluded (items of deleted conversations included).', (s) => s.items)
  storeGauge('conversations_server_database_size_bytes', 'Size of the database file.', (s) => s.databaseBytes)

  // Retention keeps running totals in memory; the counters read them at scrape time.
  const retentionCounter = (name: string, help: string, pick: (stats: RetentionStats) => number): Counter => new Counter({
    name,
    help,
    registers: [registry],
    collect () {
      this.reset()
      this.inc(pick(app.retention.stats))
    },
  })
  retentionCounter('conversations_server_retention_runs_total', 'Retention passes completed since start.', (s) => s.runs)
  retentionCounter('conversations_server_expired_conversations_total', 'Conversations soft-deleted by CONVERSATION_TTL since start.', (s) => s.expiredConversations)
  retentionCounter('conversations_server_purged_conversations_total', 'Deleted conversations purged for good since start.', (s) => s.purgedConversations)
  retentionCounter('conversations_server_purged_items_total', 'Items of purged conversations removed since start.', (s) => s.purgedItems)
  retentionCounter('conversations_server_purged_tombstones_total', 'Deleted-item tombstones purged since start.', (s) => s.purgedTombstones)

  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    http.record(request.method, request.routeOptions.url ?? unmatchedRoute, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  app.get('/metrics', {
    config: { auth: false },
    logLevel: 'warn',
    schema: { operationId: 'getMetrics' },
    onRequest: async (request) => {
      if (token !== null && !tokenMatches(request.headers.authorization, token)) {
        throw new AppError('invalid_api_key', 'Metrics require a valid bearer token (METRICS_TOKEN).')
      }
    },
  }, async (_request, reply) => {
    const text = `${await registry.metrics()}\n${http.render()}`
    return reply.type(registry.contentType).send(text)
  })
}

export default fp(metrics, { name: 'metrics', fastify: '5.x', dependencies: ['database', 'retention'] })
