// GET /conversations/search: full-text search over the caller's items. An extension; the static
// path wins over GET /conversations/:conversation_id in the router.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseSearchQuery } from '../repositories/search-query.js'
import { errorResponses } from '../schemas/common.js'
import { SearchQuerySchema, SearchResultListSchema } from '../schemas/search.js'

export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/conversations/search', {
    schema: {
      operationId: 'searchConversations',
      querystring: SearchQuerySchema,
      response: { 200: SearchResultListSchema, ...errorResponses },
    },
  }, async (request) => {
    const { query, limit, after } = request.query
    const page = await app.repos.search.search(request.owner, { terms: parseSearchQuery(query), limit, after })
    const data = page.data.map((hit) => ({
      id: hit.cursor,
      object: 'conversation.search_result' as const,
      conversation_id: hit.conversationId,
      item_id: hit.itemId,
      item_type: hit.itemType,
      snippet: hit.snippet,
      rank: hit.rank,
    }))
    return {
      object: 'list' as const,
      data,
      first_id: data[0]?.id ?? '',
      last_id: data[data.length - 1]?.id ?? '',
      has_more: page.hasMore,
    }
  })
}
