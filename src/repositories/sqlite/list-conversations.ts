// Listing an owner's conversations by creation, with keyset cursors. Conversation pks come from
// AUTOINCREMENT, so pk order is creation order; every page is one range scan of the partial index
// `conversations_owner_live (owner, pk) WHERE deleted_at IS NULL`, whatever the owner's total.
import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { AppError } from '../../errors.js'
import type { Conversation, ConversationListOptions, Metadata, Page } from '../types.js'
import type { SqliteDb } from './client.js'
import { conversations } from './schema.js'

const invalidCursor = (param: 'after' | 'before', id: string): AppError =>
  new AppError('invalid_value', `Invalid '${param}': no conversation with id '${id}' was found.`, { param })

/** One page's query; exported so tests can check its plan. */
export function conversationPageQuery (db: SqliteDb, owner: string, bounds: { afterPk?: number, beforePk?: number }, options: ConversationListOptions) {
  const { order, metadata = {} } = options
  // Scan toward the `before` cursor from its side when only `before` is given (the page right
  // before it), otherwise forward in `order` from `after` (or from the start).
  const backward = bounds.beforePk !== undefined && bounds.afterPk === undefined
  const ascending = (order === 'asc') !== backward
  const conditions: SQL[] = [eq(conversations.owner, owner), isNull(conversations.deletedAt)]
  if (bounds.afterPk !== undefined) conditions.push(order === 'asc' ? gt(conversations.pk, bounds.afterPk) : lt(conversations.pk, bounds.afterPk))
  if (bounds.beforePk !== undefined) conditions.push(order === 'asc' ? lt(conversations.pk, bounds.beforePk) : gt(conversations.pk, bounds.beforePk))
  for (const [key, value] of Object.entries(metadata)) {
    // json_each instead of a JSON path: keys may hold any character, including quotes and dots.
    conditions.push(sql`exists (select 1 from json_each(${conversations.metadata}) where key = ${key} and value = ${value})`)
  }
  return {
    backward,
    query: db.select({ pk: conversations.pk, id: conversations.id, createdAt: conversations.createdAt, metadata: conversations.metadata })
      .from(conversations)
      .where(and(...conditions))
      .orderBy(ascending ? asc(conversations.pk) : desc(conversations.pk))
      .limit(options.limit + 1),
  }
}

export function createSqliteConversationList (db: SqliteDb) {
  const cursorPk = db.select({ pk: conversations.pk }).from(conversations)
    .where(and(eq(conversations.id, sql.placeholder('id')), eq(conversations.owner, sql.placeholder('owner'))))
    .prepare()

  /** A cursor may name a conversation deleted since: its pk still marks the position. */
  const resolve = (owner: string, param: 'after' | 'before', id: string | undefined): number | undefined => {
    if (id === undefined) return undefined
    const row = cursorPk.get({ id, owner })
    if (row === undefined) throw invalidCursor(param, id)
    return row.pk
  }

  return async function list (owner: string, options: ConversationListOptions): Promise<Page<Conversation>> {
    return db.transaction(() => {
      const bounds = { afterPk: resolve(owner, 'after', options.after), beforePk: resolve(owner, 'before', options.before) }
      const { backward, query } = conversationPageQuery(db, owner, bounds, options)
      const rows = query.all()
      const hasMore = rows.length > options.limit
      if (hasMore) rows.pop()
      if (backward) rows.reverse()
      return {
        data: rows.map((row) => ({ id: row.id, createdAt: row.createdAt, metadata: JSON.parse(row.metadata) as Metadata })),
        hasMore,
      }
    })
  }
}
