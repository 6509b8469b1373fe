// The item reads of the request path, each one statement that finds the conversation and the
// items together; only an empty answer costs a second look, to tell a missing conversation from
// an empty page or a missing item. Pages without `include` read the stored texts alone.
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { AppError, itemNotFound } from '../../errors.js'
import { leadingItemId, noInclude, renderStored } from '../../items/codec.js'
import type { ListOptions, Page, RenderedItem, StoredItem } from '../types.js'
import type { SqliteDb } from './client.js'
import { conversations, items } from './schema.js'
import { preparePluck, prepareRaw } from './statements.js'

export function createSqliteItemReads (db: SqliteDb, { requireConversation }: { requireConversation: (owner: string, id: string) => unknown }) {
  const p = sql.placeholder
  const liveConversation = and(eq(conversations.id, p('conversationId')), eq(conversations.owner, p('owner')), isNull(conversations.deletedAt))
  const joined = <T extends Parameters<SqliteDb['select']>[0]>(columns: T) =>
    db.select(columns).from(conversations).innerJoin(items, eq(items.conversationPk, conversations.pk))
  const pageWhere = (order: 'asc' | 'desc') =>
    and(liveConversation, order === 'asc' ? gt(items.position, p('from')) : lt(items.position, p('from')), isNull(items.deletedAt))
  const pageOrder = (order: 'asc' | 'desc') => (order === 'asc' ? items.position : sql`${items.position} desc`)

  const rowColumns = { id: items.id, body: items.body, full: items.full }
  const pages = {
    asc: {
      bodies: preparePluck<string>(db.$client, joined({ body: items.body }).where(pageWhere('asc')).orderBy(pageOrder('asc')).limit(p('limit'))),
      rows: prepareRaw<Pick<StoredItem, 'id' | 'body' | 'full'>>(db.$client, joined(rowColumns).where(pageWhere('asc')).orderBy(pageOrder('asc')).limit(p('limit')), Object.keys(rowColumns)),
    },
    desc: {
      bodies: preparePluck<string>(db.$client, joined({ body: items.body }).where(pageWhere('desc')).orderBy(pageOrder('desc')).limit(p('limit'))),
      rows: prepareRaw<Pick<StoredItem, 'id' | 'body' | 'full'>>(db.$client, joined(rowColumns).where(pageWhere('desc')).orderBy(pageOrder('desc')).limit(p('limit')), Object.keys(rowColumns)),
    },
  }
  // A cursor may name a tombstone: its position still marks the place.
  const cursorPosition = preparePluck<number>(db.$client, joined({ position: items.position })
    .where(and(liveConversation, eq(items.id, p('itemId')))))
  const itemColumns = { id: items.id, type: items.type, body: items.body, full: items.full }
  const liveItem = prepareRaw<StoredItem>(db.$client, joined(itemColumns)
    .where(and(liveConversation, eq(items.id, p('itemId')), isNull(items.deletedAt))), Object.keys(itemColumns))
  // A read snapshot without Drizzle's per-call transaction objects.
  const readSnapshot = db.$client.transaction((read: () => unknown) => read()) as unknown as <T>(read: () => T) => T

  const page = (owner: string, conversationId: string, { limit, order, after, include = noInclude }: ListOptions): Page<RenderedItem> => {
    let from = order === 'asc' ? -1 : Number.MAX_SAFE_INTEGER
    if (after !== undefined) {
      const position = cursorPosition.get({ conversationId, owner, itemId: after })
      if (position === undefined) {
        requireConversation(owner, conversationId)
        throw new AppError('invalid_value', `Invalid 'after': no item with id '${after}' was found in conversation '${conversationId}'.`, { param: 'after' })
      }
      from = position
    }
    const args = { conversationId, owner, from, limit: limit + 1 }
    const data = include.size === 0
      ? pages[order].bodies.all(args).map((body) => ({ id: leadingItemId(body), json: body }))
      : pages[order].rows.all(args).map((row) => ({ id: row.id, json: renderStored(row as { body: string, full: string | null }, include) }))
    if (data.length === 0) requireConversation(owner, conversationId)
    const hasMore = data.length > limit
    if (hasMore) data.pop()
    return { data, hasMore }
  }

  return {
    /**
     * Keyset page of live items. With a cursor, one read transaction: the cursor and the page see
     * the same snapshot. Without one (the hot "latest page" read) a single statement needs none.
     */
    list (owner: string, conversationId: string, options: ListOptions): Page<RenderedItem> {
      return options.after === undefined ? page(owner, conversationId, options) : readSnapshot(() => page(owner, conversationId, options))
    },

    get (owner: string, conversationId: string, itemId: string): StoredItem {
      const row = liveItem.get({ conversationId, owner, itemId })
      if (row !== undefined) return row
      requireConversation(owner, conversationId)
      throw itemNotFound(itemId)
    },
  }
}
