// The search language, independent of any database: words and "quoted phrases", all required, a
// trailing * for a prefix. Everything else is text: operators (AND, OR, NEAR, column filters) are
// not interpreted, so user input can never be a syntax error in the backend's own query language.
// Each backend renders the terms (SQLite: quoted FTS5 strings; PostgreSQL: phraseto_tsquery with
// :* for prefixes, ANDed).
import { AppError } from '../errors.js'
import type { SearchTerm } from './types.js'

export const searchLimits = { maxQueryLength: 512, maxTerms: 32 } as const

export function parseSearchQuery (query: string): SearchTerm[] {
  const terms: SearchTerm[] = []
  // Control characters are never searchable text (and a NUL would cut an SQL string short).
  query = query.replace(/\p{Cc}/gu, ' ')
  // A phrase runs to its closing quote, or to the end when the quote is never closed.
  const pattern = /"([^"]*)"?|(\S+)/g
  for (const match of query.matchAll(pattern)) {
    const raw = (match[1] ?? match[2] ?? '').trim()
    const prefix = raw.length > 1 && raw.endsWith('*')
    const text = (prefix ? raw.slice(0, -1) : raw).replace(/\s+/g, ' ').trim()
    if (/[\p{L}\p{N}]/u.test(text)) terms.push({ text, prefix })
  }
  if (terms.length === 0) {
    throw new AppError('invalid_value', 'Invalid \'query\': expected at least one word to search for.', { param: 'query' })
  }
  if (terms.length > searchLimits.maxTerms) {
    throw new AppError('invalid_value', `Invalid 'query': too many terms. Expected at most ${searchLimits.maxTerms} words or phrases, but got ${terms.length} instead.`, { param: 'query' })
  }
  return terms
}
