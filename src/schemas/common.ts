// Shared HTTP contract pieces: the error envelope, metadata, path params and the list query.
import { Type, type Static } from '@sinclair/typebox'

export const ErrorSchema = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
    code: Type.Union([Type.String(), Type.Null()]),
  }),
}, { description: 'OpenAI error envelope' })

/** Spread into every route's `response` so each status is declared. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  404: ErrorSchema,
  413: ErrorSchema,
  429: ErrorSchema,
  500: ErrorSchema,
} as const

export const MetadataSchema = Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 512 }), {
  maxProperties: 16,
  description: 'Set of 16 key-value pairs. Keys are strings of at most 64 characters, values strings of at most 512 characters.',
})
export type Metadata = Static<typeof MetadataSchema>

export const ConversationIdParamsSchema = Type.Object({
  conversation_id: Type.String({ description: 'The ID of the conversation.' }),
})

export const ItemIdParamsSchema = Type.Object({
  conversation_id: Type.String({ description: 'The ID of the conversation that contains the item.' }),
  item_id: Type.String({ description: 'The ID of the item.' }),
})

/** `include` arrives as `include[]=a` (SDKs) or `include=a` (curl); the query parser folds both. */
export const IncludeQuerySchema = Type.Optional(Type.Array(Type.String(), {
  description: 'Additional fields to include in the response.',
}))
