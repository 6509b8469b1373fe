// HTTP contract of GET /conversations (an extension: OpenAI cannot list conversations).
import { Type } from '@sinclair/typebox'
import { ConversationSchema } from './conversations.js'

export const ListConversationsQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Number of conversations to return, 1 to 100.' }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc', description: 'Order by creation time.' }),
  after: Type.Optional(Type.String({ description: 'A conversation id: list the conversations after it in `order`.' })),
  before: Type.Optional(Type.String({ description: 'A conversation id: list the conversations right before it in `order`.' })),
  metadata: Type.Optional(Type.Unknown({ description: '`metadata[key]=value`: only conversations with every one of these pairs.' })),
})

export const ConversationListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(ConversationSchema),
  first_id: Type.String(),
  last_id: Type.String(),
  has_more: Type.Boolean(),
})
