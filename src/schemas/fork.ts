// HTTP contract of POST /conversations/{id}/fork (an extension).
import { Type } from '@sinclair/typebox'
import { MetadataSchema } from './common.js'
import { ConversationSchema } from './conversations.js'

export const ForkBodySchema = Type.Object({
  item_id: Type.Optional(Type.String({ description: 'Fork point, inclusive: copy the items up to this one. Default: all items.' })),
  metadata: Type.Optional(Type.Union([MetadataSchema, Type.Null()], {
    description: 'Metadata of the new conversation. Omitted: copied from the source; null: none.',
  })),
}, { additionalProperties: false })

export const ForkedConversationSchema = Type.Composite([
  ConversationSchema,
  Type.Object({
    forked_from: Type.Object({
      conversation_id: Type.String({ description: 'The conversation the fork was copied from.' }),
      item_id: Type.Union([Type.String(), Type.Null()], { description: 'The last source item copied; null when the source had none.' }),
    }),
  }),
], { description: 'A conversation object, plus where it was forked from.' })
