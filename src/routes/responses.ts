// Shapes of what the routes send: conversation objects and pre-serialised item lists.
import type { Conversation, RenderedItem } from '../repositories/types.js'
import type { ConversationResource } from '../schemas/conversations.js'

export const toConversationResource = (c: Conversation): ConversationResource => ({
  id: c.id,
  object: 'conversation',
  created_at: c.createdAt,
  metadata: c.metadata,
})

/** A ConversationItemList as JSON text, built from the items' texts without re-serialising them. */
export function itemListJson (items: RenderedItem[], hasMore: boolean): string {
  const firstId = items[0]?.id ?? ''
  const lastId = items[items.length - 1]?.id ?? ''
  const data = items.map((item) => item.json).join(',')
  return `{"object":"list","data":[${data}],"first_id":${JSON.stringify(firstId)},"last_id":${JSON.stringify(lastId)},"has_more":${hasMore}}`
}
