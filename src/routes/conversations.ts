// POST /conversations, GET/POST/DELETE /conversations/:conversation_id.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseInputItems } from '../items/normalize.js'
import { ConversationIdParamsSchema, errorResponses } from '../schemas/common.js'
import { ConversationSchema, CreateConversationBodySchema, DeletedConversationSchema, UpdateConversationBodySchema } from '../schemas/conversations.js'
import { toConversationResource } from './responses.js'

export interface ConversationsRoutesOptions {
  maxItemsPerRequest: number
}

export const conversationsRoutes: FastifyPluginAsyncTypebox<ConversationsRoutesOptions> = async (app, { maxItemsPerRequest }) => {
  app.post('/conversations', {
    config: { createsConversation: true },
    schema: {
      operationId: 'createConversation',
      body: CreateConversationBodySchema,
      response: { 200: ConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    const body = request.body
    const items = parseInputItems(body.items ?? [], maxItemsPerRequest)
    const { conversation } = await app.repos.conversations.create(request.owner, { metadata: body.metadata ?? null, items })
    return toConversationResource(conversation)
  })

  app.get('/conversations/:conversation_id', {
    schema: {
      operationId: 'getConversation',
      params: ConversationIdParamsSchema,
      response: { 200: ConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    return toConversationResource(await app.repos.conversations.get(request.owner, request.params.conversation_id))
  })

  app.post('/conversations/:conversation_id', {
    schema: {
      operationId: 'updateConversation',
      params: ConversationIdParamsSchema,
      body: UpdateConversationBodySchema,
      response: { 200: ConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    const updated = await app.repos.conversations.updateMetadata(request.owner, request.params.conversation_id, request.body.metadata)
    return toConversationResource(updated)
  })

  app.delete('/conversations/:conversation_id', {
    schema: {
      operationId: 'deleteConversation',
      params: ConversationIdParamsSchema,
      response: { 200: DeletedConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    const id = request.params.conversation_id
    await app.repos.conversations.delete(request.owner, id)
    return { id, object: 'conversation.deleted' as const, deleted: true }
  })
}
