// Retention: soft-delete idle conversations (TTL), then hard-delete what was deleted long enough
// ago (PURGE_AFTER). Works in small batches, each its own short transaction, and yields to the
// event loop between batches so that requests are served in between.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { LifecycleRepository } from '../repositories/lifecycle.js'

export interface RetentionPolicy {
  /** Soft-delete conversations whose last write is at least this old; null: never. */
  ttlMs: number | null
  /** Hard-delete conversations and items deleted at least this long ago; null: never. */
  purgeAfterMs: number | null
  batchSize: number
}

export interface RetentionCounts {
  expiredConversations: number
  purgedConversations: number
  /** Items removed with their purged conversations. */
  purgedItems: number
  /** Deleted items (tombstones) of live conversations, and of deleted ones not yet purged. */
  purgedTombstones: number
}

/** Cumulative counters since the process started, readable by logs, metrics and tests. */
export interface RetentionStats extends RetentionCounts {
  runs: number
  lastRun: (RetentionCounts & { finishedAt: number, durationMs: number }) | null
}

export interface Retention {
  readonly enabled: boolean
  readonly stats: Readonly<RetentionStats>
  /** One full pass: expire, purge conversations, purge tombstones; batch after batch until none is left. */
  runOnce (onBatch?: (counts: RetentionCounts) => void): Promise<RetentionCounts>
}

export const emptyCounts = (): RetentionCounts => ({ expiredConversations: 0, purgedConversations: 0, purgedItems: 0, purgedTombstones: 0 })

export function createRetention (lifecycle: LifecycleRepository, policy: RetentionPolicy, now: () => number = Date.now): Retention {
  const stats: RetentionStats = { ...emptyCounts(), runs: 0, lastRun: null }
  const { ttlMs, purgeAfterMs, batchSize } = policy

  /** Runs `batch` until it reports less than a full batch, yielding between batches. */
  const drain = async (batch: () => Promise<number>): Promise<void> => {
    for (;;) {
      const done = await batch()
      if (done < batchSize) return
      await yieldToEventLoop()
    }
  }

  return {
    enabled: ttlMs !== null || purgeAfterMs !== null,
    stats,
    async runOnce (onBatch) {
      const started = now()
      const counts = emptyCounts()
      const report = (): void => onBatch?.({ ...counts })
      if (ttlMs !== null) {
        const cutoff = started - ttlMs
        await drain(async () => {
          const expired = await lifecycle.expireConversations(cutoff, batchSize)
          counts.expiredConversations += expired
          report()
          return expired
        })
      }
      if (purgeAfterMs !== null) {
        const cutoff = started - purgeAfterMs
        await drain(async () => {
          const purged = await lifecycle.purgeConversations(cutoff, batchSize)
          counts.purgedConversations += purged.conversations
          counts.purgedItems += purged.items
          report()
          return purged.conversations + purged.items
        })
        await drain(async () => {
          const purged = await lifecycle.purgeDeletedItems(cutoff, batchSize)
          counts.purgedTombstones += purged
          report()
          return purged
        })
      }
      stats.runs += 1
      for (const key of Object.keys(counts) as Array<keyof RetentionCounts>) stats[key] += counts[key]
      stats.lastRun = { ...counts, finishedAt: now(), durationMs: now() - started }
      return counts
    },
  }
}
