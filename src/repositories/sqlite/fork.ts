// Forking: a new conversation whose items are copies of a source's live items up to a fork point,
// with new ids, in one IMMEDIATE transaction, each copy indexed for search as it is written; the
// source is only read.
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm'
import { conversationNotFound } from '../../errors.js'
import { invalidForkPoint, planFork } from '../fork-plan.js'
import type { IdGenerator } from '../ids.js'
import { validateMetadata } from '../metadata.js'
import type { Conversation, ForkInput, ForkOrigin } from '../types.js'
import type { SqliteDb } from './client.js'
import { createItemRowWriter } from './item-rows.js'
import { conversations, items } from './schema.js'

export function createSqliteFork ({ db, ids, now }: { db: SqliteDb, ids: IdGenerator, now: () => number }) {
  const p = sql.placeholder
  const source = db.select({ pk: conversations.pk, metadata: conversations.metadata }).from(conversations)
    .where(and(eq(conversations.id, p('id')), eq(conversations.owner, p('owner')), isNull(conversations.deletedAt)))
    .prepare()
  const livePosition = db.select({ position: items.position }).from(items)
    .where(and(eq(items.conversationPk, p('pk')), eq(items.id, p('id')), isNull(items.deletedAt)))
    .prepare()
  const liveItemsUpTo = db.select({ id: items.id, type: items.type, body: items.body, full: items.full }).from(items)
    .where(and(eq(items.conversationPk, p('pk')), lte(items.position, p('upTo')), isNull(items.deletedAt)))
    .orderBy(asc(items.position))
    .prepare()
  const insertConversation = db.insert(conversations).values({
    id: p('id'),
    owner: p('owner'),
    createdAt: p('createdAt'),
    updatedAt: p('updatedAt'),
    metadata: p('metadata'),
    nextPosition: p('nextPosition'),
    forkedFromConversationId: p('forkedFromConversationId'),
    forkedFromItemId: p('forkedFromItemId'),
  }).returning({ pk: conversations.pk }).prepare()
  // One prepared single-row insert (and index entry) run per item: no bound-parameter limit.
  const itemRows = createItemRowWriter(db)

  return async function fork (owner: string, id: string, input: ForkInput): Promise<{ conversation: Conversation, forkedFrom: ForkOrigin }> {
    const explicitMetadata = input.metadata === undefined ? undefined : validateMetadata(input.metadata)
    const nowMs = now()
    const createdAt = Math.floor(nowMs / 1000)
    const newConversationId = ids('conversation', createdAt)
    return db.transaction(() => {
      const from = source.get({ id, owner })
      if (from === undefined) throw conversationNotFound(id)
      let upTo = Number.MAX_SAFE_INTEGER
      if (input.itemId !== undefined) {
        const point = livePosition.get({ pk: from.pk, id: input.itemId })
        if (point === undefined) throw invalidForkPoint(input.itemId, id)
        upTo = point.position
      }
      const copied = liveItemsUpTo.all({ pk: from.pk, upTo })
      const plan = planFork({ ids, owner, sourceId: id, sourceMetadata: from.metadata, explicitMetadata, copied, newConversationId, nowMs })
      const [created] = insertConversation.all(plan.conversation)
      for (const row of plan.itemRows(created!.pk)) itemRows.insert(owner, row)
      return { conversation: { id: newConversationId, createdAt, metadata: plan.metadata }, forkedFrom: plan.forkedFrom }
    }, { behavior: 'immediate' })
  }
}
