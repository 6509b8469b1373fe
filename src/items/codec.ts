// Stored item texts: the default rendering is kept ready to send, so reads need no parse or
// serialise; the full form is kept only when include-gated fields make it differ.
import type { StoredItem } from '../repositories/types.js'
import { hasGatedContent, renderItem } from './include.js'

export const noInclude: ReadonlySet<string> = new Set()

export interface EncodedItem {
  body: string
  full: string | null
  /** The object `body` was serialised from (what a reader sees without `include`). */
  readable: Record<string, unknown>
}

/** The stored texts of an item, with `id` as its first key. */
export function encodeItem (id: string, item: Record<string, unknown>): EncodedItem {
  const complete = { id, ...item }
  if (!hasGatedContent(complete)) return { body: JSON.stringify(complete), full: null, readable: complete }
  const readable = renderItem(complete, noInclude)
  return { body: JSON.stringify(readable), full: JSON.stringify(complete), readable }
}

/** The JSON text of a stored item as returned for the given include set. */
export function renderStored (stored: Pick<StoredItem, 'body' | 'full'>, include: ReadonlySet<string>): string {
  if (stored.full === null || include.size === 0) return stored.body
  return JSON.stringify(renderItem(JSON.parse(stored.full) as Record<string, unknown>, include))
}

/**
 * The `id` of a stored item text, read from its head (encodeItem puts `id` first) without parsing
 * the rest: list pages send the texts as stored, so the id need not be read as a column too.
 */
export function leadingItemId (text: string): string {
  const head = '{"id":"'
  if (text.startsWith(head)) {
    // The closing quote is the first one not escaped by an odd run of backslashes.
    for (let quote = text.indexOf('"', head.length); quote !== -1; quote = text.indexOf('"', quote + 1)) {
      let backslashes = 0
      while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++
      if (backslashes % 2 === 0) {
        const raw = text.slice(head.length, quote)
        return raw.includes('\\') ? JSON.parse(`"${raw}"`) as string : raw
      }
    }
  }
  return (JSON.parse(text) as { id: string }).id
}

/** A stored item text with its `id` replaced, keeping every other byte (encodeItem puts `id` first). */
export function reassignItemId (text: string, oldId: string, newId: string): string {
  const head = `{"id":${JSON.stringify(oldId)}`
  if (text.startsWith(head)) return `{"id":${JSON.stringify(newId)}${text.slice(head.length)}`
  return JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), id: newId })
}

/** How a string (an item id) appears inside JSON text such as a stored answer: escaped, without its quotes. */
export const jsonTextOf = (text: string): string => JSON.stringify(text).slice(1, -1)
