// Runs retention periodically inside the server when CONVERSATION_TTL or PURGE_AFTER is set, and
// exposes `app.retention` (its counters) to logs, metrics and tests. One pass at a time; closing
// the app stops the timer and waits for a running pass to finish its current batch.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { createRetention, type Retention } from '../lifecycle/retention.js'

declare module 'fastify' {
  interface FastifyInstance {
    retention: Retention
  }
}

export interface RetentionPluginOptions {
  config: Config
  now?: (() => number) | undefined
}

const disabled: Retention = {
  enabled: false,
  stats: { expiredConversations: 0, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0, runs: 0, lastRun: null },
  async runOnce () {
    return { expiredConversations: 0, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 }
  },
}

async function retention (app: FastifyInstance, { config, now }: RetentionPluginOptions): Promise<void> {
  const wanted = config.conversationTtlMs !== null || config.purgeAfterMs !== null
  const lifecycle = app.repos.lifecycle
  if (wanted && lifecycle === undefined) app.log.warn('retention is configured but this store does not support it; nothing will be purged')
  const service = wanted && lifecycle !== undefined
    ? createRetention(lifecycle, { ttlMs: config.conversationTtlMs, purgeAfterMs: config.purgeAfterMs, batchSize: config.retentionBatchSize }, now)
    : disabled
  app.decorate('retention', service)
  if (!service.enabled) return

  let running: Promise<void> | null = null
  const tick = (): void => {
    if (running !== null) return
    running = service.runOnce()
      .then((counts) => {
        const total = Object.values(counts).reduce((a, b) => a + b, 0)
        if (total > 0) app.log.info({ retention: counts }, 'retention pass removed data')
      })
      .catch((err: unknown) => { app.log.error({ err }, 'retention pass failed') })
      .finally(() => { running = null })
  }
  let timer: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    // unref: a pending retention pass never keeps the process alive on its own.
    timer = setInterval(tick, config.retentionIntervalMs).unref()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await running
  })
}

export default fp(retention, { name: 'retention', fastify: '5.x', dependencies: ['database'] })
