// Full-text search on PostgreSQL. Migration `items_search` adds to `items` a stored generated
// `search` tsvector over the readable text of `body` (the same fields the SQLite index reads;
// never `full`, so include-gated content cannot be found) with a GIN index, so appends, item
// deletes, forks and purges keep it right with no code here. Terms (search-query.ts) become a
// tsquery of quoted words (nothing a user types is an operator), ranked with ts_rank_cd and
// highlighted with ts_headline, with a (rank, conversation, position) cursor.
import { sql, type SQL } from 'drizzle-orm'
import { AppError } from '../../errors.js'
import type { Page, SearchHit, SearchRepository, SearchTerm } from '../types.js'
import type { PgDb } from './client.js'

// Snippet markers that never appear in real text, replaced after HTML-escaping.
const markStart = '\u0002'
const markEnd = '\u0003'
const headlineOptions = `StartSel=${markStart}, StopSel=${markEnd}, MaxWords=24, MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`
// A text this short is its own snippet, whole (as SQLite's snippet() gives it).
const wholeTextOptions = `StartSel=${markStart}, StopSel=${markEnd}, HighlightAll=TRUE`

/**
 * One term as tsquery text for one half of the vector (weight A: English stems, B: words as
 * written): its words quoted (never operators), in sequence with <->, a prefix's last word with :*.
 */
export function termTsQuery (term: SearchTerm, weight: 'A' | 'B'): string | undefined {
  const words = term.text.match(/[\p{L}\p{N}]+/gu) ?? []
  if (words.length === 0) return undefined
  return words.map((w, i) => `'${w}':${term.prefix && i === words.length - 1 ? '*' : ''}${weight}`).join(' <-> ')
}

/** Every term required; each matches English stems or the words as written (see migration items_search). */
function tsQuery (terms: SearchTerm[]): SQL | undefined {
  const parts = terms.flatMap((term) => {
    const stems = termTsQuery(term, 'A')
    const words = termTsQuery(term, 'B')
    return stems === undefined ? [] : [sql`(to_tsquery('english', ${stems}) || to_tsquery('simple', ${words}))`]
  })
  return parts.length === 0 ? undefined : sql.join(parts, sql` && `)
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const highlight = (snippet: string): string =>
  escapeHtml(snippet).replaceAll(markStart, '<mark>').replaceAll(markEnd, '</mark>')
    .replaceAll('\u0004', '&lt;').replaceAll('\u0005', '&gt;')

interface Position { score: number, pk: number, position: number }

const encodeCursor = ({ score, pk, position }: Position): string => Buffer.from(JSON.stringify([score, pk, position])).toString('base64url')

function decodeCursor (cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 3 && Number.isFinite(value[0]) && Number.isSafeInteger(value[1]) && Number.isSafeInteger(value[2])) {
      return { score: value[0] as number, pk: value[1] as number, position: value[2] as number }
    }
  } catch {}
  throw new AppError('invalid_value', `Invalid 'after': '${cursor}' is not a cursor returned by this search.`, { param: 'after' })
}

interface HitRow { score: number, pk: number, position: number, conversationId: string, itemId: string, itemType: string, snippet: string | null }

export function createPgSearchRepository (db: PgDb): SearchRepository {
  return {
    async search (owner, { terms, limit, after }): Promise<Page<SearchHit>> {
      const from = after === undefined ? undefined : decodeCursor(after)
      const query = tsQuery(terms)
      if (query === undefined) return { data: [], hasMore: false }
      // Ties on rank are broken by the item's key, so the order is total and the cursor resumes
      // exactly. Deleted items never match (their body, hence their vector, is empty); deleted
      // conversations are filtered here, since their items stay stored. Snippets only for the page.
      const resume = from === undefined
        ? sql`TRUE`
        : sql`(score < ${from.score} OR (score = ${from.score} AND (pk, position) > (${from.pk}::float8, ${from.position})))`
      const result = await db.execute(sql`
        WITH search AS (SELECT ${query} AS q)
        SELECT score, pk, position, "conversationId", "itemId", "itemType",
          ts_headline('english', item_search_text(body), (SELECT q FROM search),
            CASE WHEN cardinality(regexp_split_to_array(btrim(item_search_text(body)), '[[:space:]]+')) <= 24 THEN ${wholeTextOptions} ELSE ${headlineOptions} END) AS snippet
        FROM (
          SELECT ts_rank_cd(i.search, search.q)::float8 AS score, i.conversation_pk::float8 AS pk, i.position,
            c.id AS "conversationId", i.id AS "itemId", i.type AS "itemType", i.body
          FROM items AS i
          JOIN conversations AS c ON c.pk = i.conversation_pk
          CROSS JOIN search
          WHERE i.search @@ search.q AND c.owner = ${owner} AND c.deleted_at IS NULL AND i.deleted_at IS NULL
        ) AS hits
        WHERE ${resume}
        ORDER BY score DESC, pk ASC, position ASC
        LIMIT ${limit + 1}`) as unknown as { rows: HitRow[] }
      const rows = result.rows
      const hasMore = rows.length > limit
      if (hasMore) rows.pop()
      return {
        data: rows.map((row) => ({
          cursor: encodeCursor({ score: Number(row.score), pk: Number(row.pk), position: Number(row.position) }),
          conversationId: row.conversationId,
          itemId: row.itemId,
          itemType: row.itemType,
          snippet: highlight(row.snippet ?? ''),
          rank: Number(row.score),
        })),
        hasMore,
      }
    },
  }
}
