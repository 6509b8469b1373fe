// Forking on PostgreSQL: a new conversation whose items are copies of a source's live items up to
// a fork point, with new ids, in one transaction; the source is only read.
import { and, asc, eq, isNull, lte } from 'drizzle-orm'
import { conversationNotFound } from '../../errors.js'
import { invalidForkPoint, planFork } from '../fork-plan.js'
import type { IdGenerator } from '../ids.js'
import { validateMetadata } from '../metadata.js'
import type { Conversation, ForkInput, ForkOrigin } from '../types.js'
import type { PgDb } from './client.js'
import { storable } from './errors.js'
import { conversations, items } from './schema.js'

// Rows per INSERT: PostgreSQL binds at most 65535 parameters per statement (7 per item row).
const insertChunk = 1000

export function createPgFork ({ db, ids, now }: { db: PgDb, ids: IdGenerator, now: () => number }) {
  return async function fork (owner: string, id: string, input: ForkInput): Promise<{ conversation: Conversation, forkedFrom: ForkOrigin }> {
    const explicitMetadata = input.metadata === undefined ? undefined : validateMetadata(input.metadata)
    const nowMs = now()
    const createdAt = Math.floor(nowMs / 1000)
    const newConversationId = ids('conversation', createdAt)
    // REPEATABLE READ: the fork point lookup and the copied items come from one snapshot.
    if (!storable(id) || !storable(owner)) throw conversationNotFound(id)
    return db.transaction(async (tx) => {
      const [from] = await tx.select({ pk: conversations.pk, metadata: conversations.metadata }).from(conversations)
        .where(and(eq(conversations.id, id), eq(conversations.owner, owner), isNull(conversations.deletedAt)))
      if (from === undefined) throw conversationNotFound(id)
      let upTo = 2 ** 31 - 1
      if (input.itemId !== undefined) {
        if (!storable(input.itemId)) throw invalidForkPoint(input.itemId, id)
        const [point] = await tx.select({ position: items.position }).from(items)
          .where(and(eq(items.conversationPk, from.pk), eq(items.id, input.itemId), isNull(items.deletedAt)))
        if (point === undefined) throw invalidForkPoint(input.itemId, id)
        upTo = point.position
      }
      const copied = await tx.select({ id: items.id, type: items.type, body: items.body, full: items.full }).from(items)
        .where(and(eq(items.conversationPk, from.pk), lte(items.position, upTo), isNull(items.deletedAt)))
        .orderBy(asc(items.position))
      const plan = planFork({ ids, owner, sourceId: id, sourceMetadata: from.metadata, explicitMetadata, copied, newConversationId, nowMs })
      const [created] = await tx.insert(conversations).values(plan.conversation).returning({ pk: conversations.pk })
      const rows = plan.itemRows(created!.pk)
      for (let start = 0; start < rows.length; start += insertChunk) {
        await tx.insert(items).values(rows.slice(start, start + insertChunk))
      }
      return { conversation: { id: newConversationId, createdAt, metadata: plan.metadata }, forkedFrom: plan.forkedFrom }
    }, { isolationLevel: 'repeatable read' })
  }
}
