// Storage contract for data lifecycle work: retention (expire, purge), export iteration and
// idempotent import. These are operator operations: they span owners, so the owner is a filter or
// an input here rather than a scope. Dialect-neutral; each store implements it beside its repositories.
import type { Metadata, NewItem } from './types.js'

export interface PurgeBatch {
  conversations: number
  /** Items of purged conversations (live items and tombstones alike). */
  items: number
}

export interface ExportFilter {
  owner?: string | undefined
  /** Unix seconds: conversations created at or after this. */
  createdFrom?: number | undefined
  /** Unix seconds: conversations created before this. */
  createdBefore?: number | undefined
}

export interface ExportedConversation {
  id: string
  owner: string
  createdAt: number
  /** Last write, Unix milliseconds (retention is measured from it). */
  updatedAt: number
  metadata: Metadata
  /** Opaque keyset cursor: pass it as `after` to get the next conversations. */
  cursor: string
}

export interface ExportedItem {
  /** Opaque to callers except for ordering: pass the last one back to get the next chunk. */
  position: number
  /** The complete stored item (include-gated fields included), as JSON text. */
  json: string
}

export interface ImportedConversation {
  id: string
  owner: string
  createdAt: number
  updatedAt: number
  metadata: Metadata
  /** Normalised items, every one with its id (an import without ids could not be idempotent). */
  items: Array<NewItem & { id: string }>
}

export type ImportOutcome =
  | { status: 'created' | 'merged' | 'unchanged', itemsAdded: number }
  | { status: 'conflict', reason: string }

export interface LifecycleRepository {
  /** Soft-deletes up to `limit` live conversations whose last write is at or before `cutoffMs`, in one transaction; returns how many. */
  expireConversations (cutoffMs: number, limit: number): Promise<number>
  /**
   * Hard-deletes, in one transaction, up to `limit` items of conversations soft-deleted at or before
   * `cutoffMs`, then (when that left room) up to `limit` such conversations that have no items left,
   * with every row that depends on them. Call until it returns zeros.
   */
  purgeConversations (cutoffMs: number, limit: number): Promise<PurgeBatch>
  /**
   * Hard-deletes up to `limit` item tombstones deleted at or before `cutoffMs`, in one transaction.
   * A purged tombstone no longer serves as an `after` cursor (the list answers 400 `invalid_value`).
   */
  purgeDeletedItems (cutoffMs: number, limit: number): Promise<number>
  /** Live conversations matching the filter. */
  countConversations (filter: ExportFilter): Promise<number>
  /** Up to `limit` live conversations matching the filter, in creation order, after the cursor. */
  listConversations (filter: ExportFilter, after: string | undefined, limit: number): Promise<ExportedConversation[]>
  /** Up to `limit` live items of a conversation in order, after `afterPosition` (start with -1). */
  listItems (conversationId: string, afterPosition: number, limit: number): Promise<ExportedItem[]>
  /**
   * Imports one conversation in one transaction, idempotently: a new id is created with its items;
   * an existing live conversation of the same owner gets only the items whose ids it does not hold
   * yet (appended in order; its metadata is kept); an id held by another owner or by a deleted
   * conversation is a conflict and nothing is written.
   */
  importConversation (input: ImportedConversation): Promise<ImportOutcome>
}
