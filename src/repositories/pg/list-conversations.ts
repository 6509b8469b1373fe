// Listing an owner's conversations by creation, with keyset cursors. The identity pk is never
// reused, so pk order is creation order; each page is a range scan of the partial index
// `conversations_owner_live (owner, pk) WHERE deleted_at IS NULL`.
import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from 'drizzle-orm'
import { AppError } from '../../errors.js'
import type { Conversation, ConversationListOptions, Metadata, Page } from '../types.js'
import type { PgDb } from './client.js'
import { storable } from './errors.js'
import { conversations } from './schema.js'

const invalidCursor = (param: 'after' | 'before', id: string): AppError =>
  new AppError('invalid_value', `Invalid '${param}': no conversation with id '${id}' was found.`, { param })

export function createPgConversationList (db: PgDb) {
  /** A cursor may name a conversation deleted since: its pk still marks the position. */
  const resolve = async (owner: string, param: 'after' | 'before', id: string | undefined): Promise<number | undefined> => {
    if (id === undefined) return undefined
    if (!storable(id) || !storable(owner)) throw invalidCursor(param, id)
    const [row] = await db.select({ pk: conversations.pk }).from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.owner, owner)))
    if (row === undefined) throw invalidCursor(param, id)
    return row.pk
  }

  return async function list (owner: string, options: ConversationListOptions): Promise<Page<Conversation>> {
    const { order, metadata = {} } = options
    const afterPk = await resolve(owner, 'after', options.after)
    const beforePk = await resolve(owner, 'before', options.before)
    // Scan toward the `before` cursor from its side when only `before` is given (the page right
    // before it), otherwise forward in `order` from `after` (or from the start).
    const backward = beforePk !== undefined && afterPk === undefined
    const ascending = (order === 'asc') !== backward
    const where: Array<SQL | undefined> = [eq(conversations.owner, owner), isNull(conversations.deletedAt)]
    if (afterPk !== undefined) where.push(order === 'asc' ? gt(conversations.pk, afterPk) : lt(conversations.pk, afterPk))
    if (beforePk !== undefined) where.push(order === 'asc' ? lt(conversations.pk, beforePk) : gt(conversations.pk, beforePk))
    for (const [key, value] of Object.entries(metadata)) {
      // ->> with a bound key: keys may hold any character. Metadata is stored as JSON text.
      where.push(sql`(${conversations.metadata}::jsonb ->> ${key}) = ${value}`)
    }
    const rows = await db.select({ id: conversations.id, createdAt: conversations.createdAt, metadata: conversations.metadata })
      .from(conversations)
      .where(and(...where))
      .orderBy(ascending ? asc(conversations.pk) : desc(conversations.pk))
      .limit(options.limit + 1)
    const hasMore = rows.length > options.limit
    if (hasMore) rows.pop()
    if (backward) rows.reverse()
    return {
      data: rows.map((row) => ({ id: row.id, createdAt: row.createdAt, metadata: JSON.parse(row.metadata) as Metadata })),
      hasMore,
    }
  }
}
