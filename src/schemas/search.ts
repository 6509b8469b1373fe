// HTTP contract of GET /conversations/search (an extension).
import { Type } from '@sinclair/typebox'
import { searchLimits } from '../repositories/search-query.js'

export const SearchQuerySchema = Type.Object({
  query: Type.String({
    minLength: 1,
    maxLength: searchLimits.maxQueryLength,
    description: 'Words and "quoted phrases", all required; a trailing * matches a prefix. No other operators.',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Number of results to return, 1 to 100.' }),
  after: Type.Optional(Type.String({ description: 'The `id` of the last result of the previous page (`last_id`).' })),
})

export const SearchResultSchema = Type.Object({
  id: Type.String({ description: 'Opaque position of this result; pass it as `after` to continue after it.' }),
  object: Type.Literal('conversation.search_result'),
  conversation_id: Type.String(),
  item_id: Type.String(),
  item_type: Type.String(),
  snippet: Type.String({ description: 'HTML-escaped excerpt of the item text, matches wrapped in <mark>…</mark>.' }),
  rank: Type.Number({ description: 'Relevance, higher is better; comparable within one search only.' }),
})

export const SearchResultListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(SearchResultSchema),
  first_id: Type.String(),
  last_id: Type.String(),
  has_more: Type.Boolean(),
})
