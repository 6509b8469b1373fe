// What a fork writes, whatever the dialect: the new conversation's row, carrying its origin, and
// copies of the source's live items with new ids. The backends only read and write the rows.
import { AppError } from '../errors.js'
import { reassignItemId } from '../items/codec.js'
import { type IdGenerator, mintItemId } from './ids.js'
import type { ForkOrigin, Metadata } from './types.js'

/** A live item of the source, as stored. */
export interface SourceItem { id: string, type: string, body: string | null, full: string | null }

export const invalidForkPoint = (itemId: string, conversationId: string): AppError =>
  new AppError('invalid_value', `Invalid 'item_id': no item with id '${itemId}' was found in conversation '${conversationId}'.`, { param: 'item_id' })

export interface ForkPlanInput {
  ids: IdGenerator
  owner: string
  sourceId: string
  /** The source's stored metadata text, used when the request gave none. */
  sourceMetadata: string
  explicitMetadata: Metadata | undefined
  copied: SourceItem[]
  newConversationId: string
  nowMs: number
}

export function planFork ({ ids, owner, sourceId, sourceMetadata, explicitMetadata, copied, newConversationId, nowMs }: ForkPlanInput) {
  const createdAt = Math.floor(nowMs / 1000)
  const metadata = explicitMetadata ?? JSON.parse(sourceMetadata) as Metadata
  const forkedFrom: ForkOrigin = { conversationId: sourceId, itemId: copied[copied.length - 1]?.id ?? null }
  const conversation = {
    id: newConversationId,
    owner,
    createdAt,
    updatedAt: nowMs,
    metadata: JSON.stringify(metadata),
    nextPosition: copied.length,
    forkedFromConversationId: forkedFrom.conversationId,
    forkedFromItemId: forkedFrom.itemId,
  }
  const itemRows = (conversationPk: number) => copied.map((item, position) => {
    const id = mintItemId(ids, item.type, createdAt)
    return {
      conversationPk,
      position,
      id,
      type: item.type,
      // Live items always have a body; the id is rewritten in place, the rest is copied as stored.
      body: reassignItemId(item.body!, item.id, id),
      full: item.full === null ? null : reassignItemId(item.full, item.id, id),
      createdAt,
    }
  })
  return { metadata, forkedFrom, conversation, itemRows }
}
