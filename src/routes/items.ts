// /conversations/:conversation_id/items[/:item_id]. Item lists are sent as pre-built JSON text.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { renderStored } from '../items/codec.js'
import { parseInputItems } from '../items/normalize.js'
import { ConversationIdParamsSchema, IncludeQuerySchema, ItemIdParamsSchema, errorResponses } from '../schemas/common.js'
import { ConversationSchema } from '../schemas/conversations.js'
import { ConversationItemListSchema, ConversationItemSchema } from '../schemas/items/index.js'
import { parseInclude } from './include.js'
import { itemListJson, toConversationResource } from './responses.js'

export interface ItemsRoutesOptions {
  maxItemsPerRequest: number
}

const CreateItemsBodySchema = Type.Object({
  items: Type.Array(Type.Unknown(), { description: 'The items to add to the conversation.' }),
}, { additionalProperties: false })

const IncludeOnlyQuerySchema = Type.Object({ include: IncludeQuerySchema })

const ListItemsQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
  after: Type.Optional(Type.String()),
  include: IncludeQuerySchema,
})

const json = 'application/json; charset=utf-8'

// Item payloads leave as pre-built JSON text (see responses.ts); the schemas document them.
const ItemListText = Type.Unsafe<string>(ConversationItemListSchema)
const ItemText = Type.Unsafe<string>(ConversationItemSchema)
// Compiling fast-json-stringify for the 28-variant item union costs most of a second at boot and
// would serve only error bodies here: plain JSON.stringify is enough for those.
const plainSerializer = (): ((data: unknown) => string) => (data) => JSON.stringify(data)

export const itemsRoutes: FastifyPluginAsyncTypebox<ItemsRoutesOptions> = async (app, { maxItemsPerRequest }) => {
  app.post('/conversations/:conversation_id/items', {
    schema: {
      operationId: 'createConversationItems',
      params: ConversationIdParamsSchema,
      querystring: IncludeOnlyQuerySchema,
      body: CreateItemsBodySchema,
      response: { 200: ItemListText, ...errorResponses },
    },
    serializerCompiler: plainSerializer,
  }, async (request, reply) => {
    const include = parseInclude(request.query.include)
    const items = parseInputItems(request.body.items, maxItemsPerRequest)
    const stored = await app.repos.items.append(request.owner, request.params.conversation_id, items)
    return reply.type(json).send(itemListJson(stored.map((item) => ({ id: item.id, json: renderStored(item, include) })), false))
  })

  app.get('/conversations/:conversation_id/items', {
    schema: {
      operationId: 'listConversationItems',
      params: ConversationIdParamsSchema,
      querystring: ListItemsQuerySchema,
      response: { 200: ItemListText, ...errorResponses },
    },
    serializerCompiler: plainSerializer,
  }, async (request, reply) => {
    const { limit, order, after } = request.query
    const include = parseInclude(request.query.include)
    const page = await app.repos.items.list(request.owner, request.params.conversation_id, { limit, order, after, include })
    return reply.type(json).send(itemListJson(page.data, page.hasMore))
  })

  app.get('/conversations/:conversation_id/items/:item_id', {
    schema: {
      operationId: 'getConversationItem',
      params: ItemIdParamsSchema,
      querystring: IncludeOnlyQuerySchema,
      response: { 200: ItemText, ...errorResponses },
    },
    serializerCompiler: plainSerializer,
  }, async (request, reply) => {
    const include = parseInclude(request.query.include)
    const item = await app.repos.items.get(request.owner, request.params.conversation_id, request.params.item_id)
    return reply.type(json).send(renderStored(item, include))
  })

  app.delete('/conversations/:conversation_id/items/:item_id', {
    schema: {
      operationId: 'deleteConversationItem',
      params: ItemIdParamsSchema,
      response: { 200: ConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    const conversation = await app.repos.items.delete(request.owner, request.params.conversation_id, request.params.item_id)
    return toConversationResource(conversation)
  })
}
