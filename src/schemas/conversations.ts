// HTTP contract of the conversation routes.
import { Type, type Static } from '@sinclair/typebox'
import { MetadataSchema } from './common.js'

export const ConversationSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('conversation'),
  created_at: Type.Integer({ description: 'Unix seconds.' }),
  metadata: MetadataSchema,
})
export type ConversationResource = Static<typeof ConversationSchema>

export const DeletedConversationSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('conversation.deleted'),
  deleted: Type.Boolean(),
})

export const CreateConversationBodySchema = Type.Object({
  metadata: Type.Optional(Type.Union([MetadataSchema, Type.Null()])),
  items: Type.Optional(Type.Union([Type.Array(Type.Unknown()), Type.Null()], {
    description: 'Initial items (validated per item type by the items module).',
  })),
}, { additionalProperties: false })

export const UpdateConversationBodySchema = Type.Object({
  metadata: MetadataSchema,
}, { additionalProperties: false })
