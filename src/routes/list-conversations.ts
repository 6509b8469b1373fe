// GET /conversations: the caller's conversations by creation, keyset-paginated, filterable by
// metadata. An extension; the OpenAI operations on /conversations are unchanged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { validateMetadata } from '../repositories/metadata.js'
import { errorResponses } from '../schemas/common.js'
import { ConversationListSchema, ListConversationsQuerySchema } from '../schemas/list-conversations.js'
import { toConversationResource } from './responses.js'

export const listConversationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/conversations', {
    schema: {
      operationId: 'listConversations',
      querystring: ListConversationsQuerySchema,
      response: { 200: ConversationListSchema, ...errorResponses },
    },
  }, async (request) => {
    const { limit, order, after, before } = request.query
    // `metadata[key]=value` arrives as an object (see parseQueryString); same rules as stored metadata.
    const metadata = request.query.metadata === undefined ? undefined : validateMetadata(request.query.metadata)
    const page = await app.repos.conversations.list(request.owner, { limit, order, after, before, metadata })
    const data = page.data.map(toConversationResource)
    return {
      object: 'list' as const,
      data,
      first_id: data[0]?.id ?? '',
      last_id: data[data.length - 1]?.id ?? '',
      has_more: page.hasMore,
    }
  })
}
