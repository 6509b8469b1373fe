// SQLite tables. Items keep a per-conversation position (the pagination key) and survive
// deletion as content-less tombstones, so cursors stay valid and ids are never reused.
import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const conversations = sqliteTable('conversations', {
  // AUTOINCREMENT: a rowid is never reused, so pk order is creation order for good.
  pk: integer('pk').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  owner: text('owner').notNull(),
  createdAt: integer('created_at').notNull(),
  /** Last write to the conversation or its items, Unix ms (retention is measured from it). */
  updatedAt: integer('updated_at').notNull(),
  /** JSON object of string → string. */
  metadata: text('metadata').notNull().default('{}'),
  /** Position the next appended item gets; positions are dense per conversation. */
  nextPosition: integer('next_position').notNull().default(0),
  deletedAt: integer('deleted_at'),
  /** For a fork: the public id of the conversation it was copied from, and the last item copied (null if none). */
  forkedFromConversationId: text('forked_from_conversation_id'),
  forkedFromItemId: text('forked_from_item_id'),
}, (t) => [
  uniqueIndex('conversations_id').on(t.id),
  index('conversations_owner_live').on(t.owner, t.pk).where(sql`${t.deletedAt} IS NULL`),
  // Retention: find idle live conversations and purgeable deleted ones without a table scan.
  index('conversations_live_updated_at').on(t.updatedAt).where(sql`${t.deletedAt} IS NULL`),
  index('conversations_deleted_at').on(t.deletedAt).where(sql`${t.deletedAt} IS NOT NULL`),
])

export const items = sqliteTable('items', {
  conversationPk: integer('conversation_pk').notNull().references(() => conversations.pk),
  position: integer('position').notNull(),
  id: text('id').notNull(),
  type: text('type').notNull(),
  /** The item as returned without `include`, ready to send; null once the item is deleted. */
  body: text('body'),
  /** The complete item, kept only when include-gated fields make it differ from `body`. */
  full: text('full'),
  createdAt: integer('created_at').notNull(),
  deletedAt: integer('deleted_at'),
}, (t) => [
  primaryKey({ columns: [t.conversationPk, t.position] }),
  uniqueIndex('items_conversation_item_id').on(t.conversationPk, t.id),
  // Retention: purgeable tombstones.
  index('items_deleted_at').on(t.deletedAt).where(sql`${t.deletedAt} IS NOT NULL`),
])

/**
 * Responses remembered for `Idempotency-Key` retries, per owner and key. A row with a null
 * `status` is a request still being processed (or one whose process died mid-request).
 */
export const idempotencyKeys = sqliteTable('idempotency_keys', {
  owner: text('owner').notNull(),
  key: text('key').notNull(),
  /** sha256 of method, path, query and body: the same key must come with the same request. */
  requestHash: text('request_hash').notNull(),
  status: integer('status'),
  /** The response body as sent (JSON text); null once erased. */
  body: text('body'),
  /**
   * Public id of the conversation the answer belongs to: the one in the request's path, or the one
   * the request created. Deleting or purging that conversation (or one of its items) erases the answer.
   */
  conversationId: text('conversation_id'),
  /** Unix ms when the answer was erased because content it held was deleted; the key is then never run again. */
  erasedAt: integer('erased_at'),
  createdAt: integer('created_at').notNull(),
  /** Unix ms after which the row is forgotten and purged. */
  expiresAt: integer('expires_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.owner, t.key] }),
  index('idempotency_keys_expires_at').on(t.expiresAt),
  index('idempotency_keys_conversation').on(t.owner, t.conversationId).where(sql`${t.conversationId} IS NOT NULL`),
])
