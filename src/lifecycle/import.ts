// JSONL import: each line is validated like an API request (metadata rules, the items' schemas
// and normaliser) and imported idempotently through the lifecycle repository. A bad line is
// reported with its number and reason and the import goes on with the next one.
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { AppError } from '../errors.js'
import { parseInputItems } from '../items/normalize.js'
import type { ImportedConversation, ImportOutcome, LifecycleRepository } from '../repositories/lifecycle.js'
import { validateMetadata } from '../repositories/metadata.js'

export interface ImportOptions {
  /** Put every conversation under this owner instead of the line's `owner`. */
  owner?: string | undefined
  /** Owner of lines that name none. */
  defaultOwner: string
  /** Clock in Unix milliseconds: `updated_at` of lines that carry none. */
  now?: () => number
  onRejected?: (line: number, reason: string) => void
  onLine?: (line: number) => void
  /** Items written per transaction (default 1000), so a huge conversation never holds the write lock for long. */
  itemsPerTransaction?: number
}

export interface ImportResult {
  lines: number
  created: number
  merged: number
  unchanged: number
  itemsAdded: number
  rejected: number
}

const conversationIdPattern = /^[A-Za-z0-9_-]{1,128}$/

class LineError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Validates one parsed line into what the repository imports; throws LineError or AppError. */
export function parseExportLine (value: unknown, options: Pick<ImportOptions, 'owner' | 'defaultOwner' | 'now'>): ImportedConversation {
  if (!isObject(value)) throw new LineError('expected a JSON object')
  const known = new Set(['id', 'object', 'created_at', 'updated_at', 'owner', 'metadata', 'items'])
  const unknown = Object.keys(value).find((key) => !known.has(key))
  if (unknown !== undefined) throw new LineError(`unknown field '${unknown}'`)
  const { id, created_at: createdAt, updated_at: updatedAt, owner, items } = value
  if (typeof id !== 'string' || !conversationIdPattern.test(id)) throw new LineError("'id' must be a string of 1 to 128 letters, digits, '_' or '-'")
  if (!Number.isSafeInteger(createdAt) || (createdAt as number) < 0) throw new LineError("'created_at' must be a non-negative integer (Unix seconds)")
  if (updatedAt !== undefined && (!Number.isSafeInteger(updatedAt) || (updatedAt as number) < 0)) throw new LineError("'updated_at' must be a non-negative integer (Unix seconds)")
  if (owner !== undefined && (typeof owner !== 'string' || owner === '')) throw new LineError("'owner' must be a non-empty string")
  if (!Array.isArray(items)) throw new LineError("'items' must be an array")
  const metadata = validateMetadata(value.metadata)
  // The API's own validation and normalisation, without its per-request count limit.
  const normalized = parseInputItems(items, Number.MAX_SAFE_INTEGER)
  const withIds = normalized.map((item, index) => {
    if (item.id === undefined) throw new LineError(`items[${index}] has no 'id' (import needs ids to stay idempotent)`)
    return { ...item, id: item.id }
  })
  return {
    id,
    owner: options.owner ?? (owner as string | undefined) ?? options.defaultOwner,
    createdAt: createdAt as number,
    updatedAt: updatedAt === undefined ? (options.now ?? Date.now)() : (updatedAt as number) * 1000,
    metadata,
    items: withIds,
  }
}

/**
 * Imports a conversation a chunk of items per transaction. Safe because import is idempotent: if the
 * process stops half-way, running the import again adds exactly the missing items.
 */
async function importInChunks (lifecycle: LifecycleRepository, conversation: ImportedConversation, chunkSize: number): Promise<ImportOutcome> {
  let status: 'created' | 'merged' | 'unchanged' = 'unchanged'
  let itemsAdded = 0
  for (let start = 0; start === 0 || start < conversation.items.length; start += chunkSize) {
    const outcome = await lifecycle.importConversation({ ...conversation, items: conversation.items.slice(start, start + chunkSize) })
    if (outcome.status === 'conflict') return outcome
    if (start === 0) status = outcome.status
    else if (status === 'unchanged' && outcome.status === 'merged') status = 'merged'
    itemsAdded += outcome.itemsAdded
  }
  return { status, itemsAdded }
}

export async function importJsonl (lifecycle: LifecycleRepository, input: Readable, options: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = { lines: 0, created: 0, merged: 0, unchanged: 0, itemsAdded: 0, rejected: 0 }
  const reject = (line: number, reason: string): void => {
    result.rejected += 1
    options.onRejected?.(line, reason)
  }
  let lineNumber = 0
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1
    options.onLine?.(lineNumber)
    if (text.trim() === '') continue
    result.lines += 1
    let conversation: ImportedConversation
    try {
      conversation = parseExportLine(JSON.parse(text), options)
    } catch (error) {
      if (error instanceof SyntaxError) reject(lineNumber, `invalid JSON: ${error.message}`)
      else if (error instanceof LineError || error instanceof AppError) reject(lineNumber, error.message)
      else throw error
      continue
    }
    const outcome = await importInChunks(lifecycle, conversation, options.itemsPerTransaction ?? 1000)
    if (outcome.status === 'conflict') {
      reject(lineNumber, outcome.reason)
      continue
    }
    result[outcome.status] += 1
    result.itemsAdded += outcome.itemsAdded
  }
  return result
}
