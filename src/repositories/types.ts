// Repository contracts. Async so that a PostgreSQL implementation can satisfy them; every method
// takes the owner scope first: a conversation of another owner behaves exactly as a missing one.
import type { LifecycleRepository } from './lifecycle.js'

export type Metadata = Record<string, string>

export interface Conversation {
  id: string
  createdAt: number
  metadata: Metadata
}

/** An item as normalised from a request: `id` absent means "mint one". */
export interface NewItem {
  id?: string | undefined
  type: string
  item: Record<string, unknown>
}

/** A stored item, as JSON texts ready to send. */
export interface StoredItem {
  id: string
  type: string
  /** The item rendered without `include`. */
  body: string
  /** The complete item when include-gated fields make it differ from `body`, else null. */
  full: string | null
}

export type Order = 'asc' | 'desc'

/** An item as a reader gets it: its id and its JSON text, with the request's `include` applied. */
export interface RenderedItem {
  id: string
  json: string
}

export interface ListOptions {
  limit: number
  order: Order
  /** Item id: return items strictly after it in `order`. It may belong to a deleted item. */
  after?: string | undefined
  /** Include-gated fields to return (the `include` query); none by default. */
  include?: ReadonlySet<string> | undefined
}

export interface Page<T> {
  data: T[]
  hasMore: boolean
}

export interface ConversationListOptions {
  limit: number
  /** By creation. */
  order: Order
  /** Conversation id: only conversations strictly after it in `order`. It may name a deleted conversation. */
  after?: string | undefined
  /** Conversation id: only conversations strictly before it in `order` (the page right before it). */
  before?: string | undefined
  /** Only conversations whose metadata holds every one of these pairs. */
  metadata?: Metadata | undefined
}

/** Where a fork was copied from: the source conversation and the last item copied (null when none was). */
export interface ForkOrigin {
  conversationId: string
  itemId: string | null
}

export interface ForkInput {
  /** Fork point, inclusive: a live item of the source. Absent: the whole conversation. */
  itemId?: string | undefined
  /** Metadata of the new conversation; absent (undefined) copies the source's. */
  metadata?: Metadata | null | undefined
}

/** A search, already parsed into dialect-neutral terms (see search-query.ts). */
export interface SearchOptions {
  terms: SearchTerm[]
  limit: number
  /** Opaque cursor of the last result of the previous page. */
  after?: string | undefined
}

export interface SearchTerm {
  text: string
  /** Match words starting with `text` (its last word, for a phrase). */
  prefix: boolean
}

export interface SearchHit {
  /** Opaque, position of this hit in the result order; `after` takes it. */
  cursor: string
  conversationId: string
  itemId: string
  itemType: string
  /** HTML-escaped excerpt with matches wrapped in <mark>…</mark>. */
  snippet: string
  /** Relevance: higher is more relevant; comparable within one search only. */
  rank: number
}

export interface ConversationsRepository {
  /** Creates a conversation with its initial items in one transaction. Throws invalid metadata / duplicate item. */
  create (owner: string, input: { metadata?: Metadata | null, items?: NewItem[] }): Promise<{ conversation: Conversation, items: StoredItem[] }>
  /** Throws `not_found` for missing, deleted or foreign conversations. */
  get (owner: string, id: string): Promise<Conversation>
  /** Replaces the whole metadata map. Throws `not_found` as get. */
  updateMetadata (owner: string, id: string, metadata: Metadata): Promise<Conversation>
  /**
   * Soft delete: marks the conversation; its items stay stored but become unreachable. In the same
   * transaction, the owner's remembered Idempotency-Key answers about it are erased. Throws `not_found` as get.
   */
  delete (owner: string, id: string): Promise<void>
  /** Keyset page of the owner's live conversations by creation. Throws `invalid_value` (param `after`/`before`) for a cursor that never was one of the owner's conversations. */
  list (owner: string, options: ConversationListOptions): Promise<Page<Conversation>>
  /**
   * Copies the live items of a conversation, up to and including `itemId`, into a new conversation,
   * in order, with new ids, in one transaction; the source is untouched. Throws `not_found` as get,
   * `invalid_value` (param `item_id`) when `itemId` is not a live item of the source, metadata errors.
   */
  fork (owner: string, id: string, input: ForkInput): Promise<{ conversation: Conversation, forkedFrom: ForkOrigin }>
}

export interface SearchRepository {
  /**
   * Full-text search over the readable text (never include-gated fields) of the owner's live items
   * in live conversations, most relevant first. Throws `invalid_value` (param `after`) for a bad cursor.
   */
  search (owner: string, options: SearchOptions): Promise<Page<SearchHit>>
}

export interface ItemsRepository {
  /** Appends items after the existing ones, in order, in one transaction. Ids are minted when absent; an id already in the conversation is a `duplicate_item` error. */
  append (owner: string, conversationId: string, items: NewItem[]): Promise<StoredItem[]>
  /** Keyset page of live items. Throws `not_found` for the conversation, `invalid_value` (param `after`) for an id that never was in it. */
  list (owner: string, conversationId: string, options: ListOptions): Promise<Page<RenderedItem>>
  /** Throws `not_found` for the conversation or for a missing/deleted item. */
  get (owner: string, conversationId: string, itemId: string): Promise<StoredItem>
  /**
   * Erases the item's content for good, keeps its position and id as a tombstone; returns the
   * conversation. In the same transaction, the owner's remembered Idempotency-Key answers that hold
   * the item (and those of the conversation still in progress) are erased.
   */
  delete (owner: string, conversationId: string, itemId: string): Promise<Conversation>
}

export interface StoreStats {
  conversations: number
  items: number
  /** Size of the database in bytes. */
  databaseBytes: number
}

/** What is remembered of a request sent with an `Idempotency-Key`. */
export interface IdempotencyRecord {
  requestHash: string
  /** null while the first request is still being processed (or if its process died meanwhile). */
  status: number | null
  /** The response body text, once the first request has been answered; null once erased. */
  body: string | null
  /**
   * True once the answer was erased because content it held (of a deleted item or conversation) was
   * deleted. The record stays until it expires, so the request is never run a second time.
   */
  erased: boolean
}

export type IdempotencyClaim =
  | { claimed: true }
  | { claimed: false, record: IdempotencyRecord }

export interface IdempotencyRepository {
  /**
   * Atomically reserves `key` for a request (an in-progress record) when the owner has no live
   * record for it, expired records being replaced; otherwise returns the live record untouched.
   * `conversationId` is the conversation the request addresses (its path), if any: deleting it, or
   * one of its items, erases the answer, even while the request is still in progress.
   */
  claim (owner: string, key: string, requestHash: string, ttlMs: number, conversationId?: string): Promise<IdempotencyClaim>
  /** The live (unexpired) record, if any. */
  find (owner: string, key: string): Promise<IdempotencyRecord | undefined>
  /**
   * Stores the response of the claimed request, to be replayed until the record expires; an answer
   * erased meanwhile stays erased. `createdConversationId` names the conversation the request
   * created, which the answer then belongs to; if it is already deleted, the answer is not kept.
   */
  complete (owner: string, key: string, status: number, body: string, createdConversationId?: string): Promise<void>
  /** Forgets an in-progress claim (the request failed without effect), so a retry runs again. */
  release (owner: string, key: string): Promise<void>
  /** Deletes expired records; returns how many. */
  purgeExpired (): Promise<number>
}

export interface Repositories {
  conversations: ConversationsRepository
  items: ItemsRepository
  search: SearchRepository
  idempotency: IdempotencyRepository
  /** Retention, export and import (operator operations); absent when a store does not offer them yet. */
  lifecycle?: LifecycleRepository
  /** Readiness of the store: resolves when the database is reachable and every migration is applied, throws otherwise. */
  ping (): Promise<void>
  /** Live conversation and item counts and the store's size; counts scan an index, so callers cache them. */
  stats (): Promise<StoreStats>
  close (): Promise<void>
}
