// POST /conversations/:conversation_id/fork: a new conversation holding copies (new ids) of the
// source's items up to a fork point. An extension; the answer is an OpenAI conversation object
// plus `forked_from`, and the fork is an ordinary conversation for every other route.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConversationIdParamsSchema, errorResponses } from '../schemas/common.js'
import { ForkBodySchema, ForkedConversationSchema } from '../schemas/fork.js'
import { toConversationResource } from './responses.js'

export const forkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/conversations/:conversation_id/fork', {
    config: { createsConversation: true },
    schema: {
      operationId: 'forkConversation',
      params: ConversationIdParamsSchema,
      body: ForkBodySchema,
      response: { 200: ForkedConversationSchema, ...errorResponses },
    },
  }, async (request) => {
    const { item_id: itemId, metadata } = request.body
    const { conversation, forkedFrom } = await app.repos.conversations.fork(request.owner, request.params.conversation_id, { itemId, metadata })
    return {
      ...toConversationResource(conversation),
      forked_from: { conversation_id: forkedFrom.conversationId, item_id: forkedFrom.itemId },
    }
  })
}
