// Listing an owner's conversations by creation, with keyset cursors. Conversation pks come from
// AUTOINCREMENT, so pk order is creation order; every page is one range scan of the partial index
// `conversations_owner_live (owner, pk) WHERE deleted_at IS NULL`, whatever the owner's total.
// Plain SQL rather than the query builder: the page needs `INDEXED BY`, which Drizzle cannot say.
// Without it, SQLite's planner may prefer a pk range scan over the whole table when one owner
// dominates its statistics, and that scan walks every other owner's rows.
import type { Statement } from 'better-sqlite3'
import { AppError } from '../../errors.js'
import type { Conversation, ConversationListOptions, Metadata, Page } from '../types.js'
import type { SqliteDb } from './client.js'
import { opaqueLimit } from './statements.js'

const invalidCursor = (param: 'after' | 'before', id: string): AppError =>
  new AppError('invalid_value', `Invalid '${param}': no conversation with id '${id}' was found.`, { param })

interface Bounds { afterPk?: number | undefined, beforePk?: number | undefined }

/** One page's SQL and parameters; exported so tests can check its plan. */
export function conversationPageSql (owner: string, bounds: Bounds, options: ConversationListOptions): { sql: string, params: unknown[], backward: boolean } {
  const { order, metadata = {} } = options
  // Scan toward the `before` cursor from its side when only `before` is given (the page right
  // before it), otherwise forward in `order` from `after` (or from the start).
  const backward = bounds.beforePk !== undefined && bounds.afterPk === undefined
  const ascending = (order === 'asc') !== backward
  const where = ['owner = ?', 'deleted_at IS NULL']
  const params: unknown[] = [owner]
  if (bounds.afterPk !== undefined) {
    where.push(order === 'asc' ? 'pk > ?' : 'pk < ?')
    params.push(bounds.afterPk)
  }
  if (bounds.beforePk !== undefined) {
    where.push(order === 'asc' ? 'pk < ?' : 'pk > ?')
    params.push(bounds.beforePk)
  }
  for (const [key, value] of Object.entries(metadata)) {
    // json_each instead of a JSON path: keys may hold any character, including quotes and dots.
    where.push('EXISTS (SELECT 1 FROM json_each(metadata) AS pair WHERE pair.key = ? AND pair.value = ?)')
    params.push(key, value)
  }
  params.push(options.limit + 1)
  const sql = `SELECT pk, id, created_at AS createdAt, metadata FROM conversations INDEXED BY conversations_owner_live
    WHERE ${where.join(' AND ')} ORDER BY pk ${ascending ? 'ASC' : 'DESC'} LIMIT ${opaqueLimit('?')}`
  return { sql, params, backward }
}

interface Row { pk: number, id: string, createdAt: number, metadata: string }

export function createSqliteConversationList (db: SqliteDb) {
  const client = db.$client
  const cursorPk = client.prepare('SELECT pk FROM conversations WHERE id = ? AND owner = ?').pluck()
  // A handful of query shapes (order × cursors × number of metadata pairs): prepared once each.
  const statements = new Map<string, Statement>()
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = client.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }

  /** A cursor may name a conversation deleted since: its pk still marks the position. */
  const resolve = (owner: string, param: 'after' | 'before', id: string | undefined): number | undefined => {
    if (id === undefined) return undefined
    const pk = cursorPk.get(id, owner) as number | undefined
    if (pk === undefined) throw invalidCursor(param, id)
    return pk
  }

  return async function list (owner: string, options: ConversationListOptions): Promise<Page<Conversation>> {
    // One read transaction: cursor lookups and the page see the same snapshot.
    return client.transaction(() => {
      const bounds = { afterPk: resolve(owner, 'after', options.after), beforePk: resolve(owner, 'before', options.before) }
      const { sql, params, backward } = conversationPageSql(owner, bounds, options)
      const rows = prepare(sql).all(...params) as Row[]
      const hasMore = rows.length > options.limit
      if (hasMore) rows.pop()
      if (backward) rows.reverse()
      return {
        data: rows.map((row) => ({ id: row.id, createdAt: row.createdAt, metadata: JSON.parse(row.metadata) as Metadata })),
        hasMore,
      }
    })()
  }
}
