// Full-text search with SQLite FTS5. The `items_fts` table (migration `*_items_fts.sql`) holds the readable
// text of each item's `body`: the item writers (item-rows.ts) index every row they insert, and
// triggers on `items` drop the entry of an erased item (body set to NULL) or a purged one. Its
// rowid packs the item's key: conversation_pk * 2^32 + position; its `owner` column holds one
// token per owner.
//
// Dialect boundary: the caller hands over parsed terms (search-query.ts); only this module knows
// FTS5. A PostgreSQL version keeps a generated `tsvector` column over the same extracted text (or
// a trigger-maintained one) with a GIN index, renders the terms with phraseto_tsquery/`:*`, ranks
// with ts_rank_cd, highlights with ts_headline (then the same escaping), scopes with a join on the
// owner (a composite GIN index with btree_gin plays the owner token's part), and keeps the same
// (rank, key) cursor.
import { AppError } from '../../errors.js'
import type { Page, SearchHit, SearchRepository, SearchTerm } from '../types.js'
import type { SqliteDb } from './client.js'
import { opaqueLimit } from './statements.js'

// Snippet markers that never appear in real text, replaced after HTML-escaping.
const markStart = '\u0002'
const markEnd = '\u0003'

/** Terms as an FTS5 query: each one a quoted string (so nothing is an operator), ANDed. */
export function toFts5Query (terms: SearchTerm[]): string {
  return terms.map((term) => `"${term.text.replace(/"/g, '""')}"${term.prefix ? ' *' : ''}`).join(' ')
}

/** The owner's token in the `owner` column ('o' + hex of UTF-8, as the migration's backfill writes it). */
export const ownerToken = (owner: string): string => `o${Buffer.from(owner, 'utf8').toString('hex')}`

/** The whole MATCH: the caller's rows only, the terms in the text column only. */
const scopedQuery = (owner: string, terms: SearchTerm[]): string =>
  `owner : "${ownerToken(owner)}" AND text : (${toFts5Query(terms)})`

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const highlight = (snippet: string): string =>
  escapeHtml(snippet).replaceAll(markStart, '<mark>').replaceAll(markEnd, '</mark>')

interface Position { score: number, key: number }

const encodeCursor = ({ score, key }: Position): string => Buffer.from(JSON.stringify([score, key])).toString('base64url')

function decodeCursor (cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && Number.isSafeInteger(value[1])) {
      return { score: value[0] as number, key: value[1] as number }
    }
  } catch {}
  throw new AppError('invalid_value', `Invalid 'after': '${cursor}' is not a cursor returned by this search.`, { param: 'after' })
}

interface HitRow { key: number, score: number, conversationId: string, itemId: string, itemType: string }

export function createSqliteSearchRepository (db: SqliteDb): SearchRepository {
  const client = db.$client
  // Score is -bm25 over the text column (higher is better). Ties are broken by key, so the order is
  // total and the (score, key) cursor resumes exactly. Deleted items never match (their body and
  // index row are gone); deleted conversations are filtered here, since their items stay stored.
  // The owner token in the MATCH bounds the work to the caller's items; the join on c.owner is
  // what guarantees the scope.
  const page = client.prepare(`
    SELECT key, score, conversationId, itemId, itemType FROM (
      SELECT items_fts.rowid AS key, -bm25(items_fts, 1.0, 0.0) AS score,
        c.id AS conversationId, i.id AS itemId, i.type AS itemType
      FROM items_fts
      JOIN items AS i ON i.conversation_pk = (items_fts.rowid >> 32) AND i.position = (items_fts.rowid & 4294967295)
      JOIN conversations AS c ON c.pk = i.conversation_pk
      WHERE items_fts MATCH :match AND c.owner = :owner AND c.deleted_at IS NULL AND i.deleted_at IS NULL
    )
    WHERE :first OR score < :score OR (score = :score AND key > CAST(:key AS INTEGER))
    ORDER BY score DESC, key ASC
    LIMIT ${opaqueLimit(':limit')}`)
  // Snippets only for the hits of the page, not for every match. The CAST matters: a JS number is
  // bound as REAL, and FTS5 ignores a rowid constraint of that type (every match would come back).
  const snippet = client.prepare(`
    SELECT snippet(items_fts, 0, char(2), char(3), '…', 24) AS text
    FROM items_fts WHERE items_fts MATCH :match AND rowid = CAST(:key AS INTEGER)`).pluck()

  return {
    async search (owner, { terms, limit, after }): Promise<Page<SearchHit>> {
      const from = after === undefined ? undefined : decodeCursor(after)
      const match = scopedQuery(owner, terms)
      const read = client.transaction(() => {
        const rows = page.all({ match, owner, first: from === undefined ? 1 : 0, score: from?.score ?? 0, key: from?.key ?? 0, limit: limit + 1 }) as HitRow[]
        const hasMore = rows.length > limit
        if (hasMore) rows.pop()
        return {
          data: rows.map((row) => ({
            cursor: encodeCursor(row),
            conversationId: row.conversationId,
            itemId: row.itemId,
            itemType: row.itemType,
            snippet: highlight(snippet.get({ match, key: row.key }) as string),
            rank: row.score,
          })),
          hasMore,
        }
      })
      try {
        return read()
      } catch (error) {
        // The terms are quoted, so this is a safety net: FTS5 rejecting a query is the client's input, never a 500.
        if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_ERROR' && /fts5|unterminated string|unknown special query/i.test(error.message)) {
          throw new AppError('invalid_value', 'Invalid \'query\': the search query could not be understood.', { param: 'query' })
        }
        throw error
      }
    },
  }
}
