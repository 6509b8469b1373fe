// Stored item texts: the default rendering is kept ready to send, so reads need no parse or
// serialise; the full form is kept only when include-gated fields make it differ.
import type { StoredItem } from '../repositories/types.js'
import { hasGatedContent, renderItem } from './include.js'

const noInclude: ReadonlySet<string> = new Set()

/** The stored texts of an item, with `id` as its first key. */
export function encodeItem (id: string, item: Record<string, unknown>): { body: string, full: string | null } {
  const complete = { id, ...item }
  if (!hasGatedContent(complete)) return { body: JSON.stringify(complete), full: null }
  return { body: JSON.stringify(renderItem(complete, noInclude)), full: JSON.stringify(complete) }
}

/** The JSON text of a stored item as returned for the given include set. */
export function renderStored (stored: StoredItem, include: ReadonlySet<string>): string {
  if (stored.full === null || include.size === 0) return stored.body
  return JSON.stringify(renderItem(JSON.parse(stored.full) as Record<string, unknown>, include))
}

/** A stored item text with its `id` replaced, keeping every other byte (encodeItem puts `id` first). */
export function reassignItemId (text: string, oldId: string, newId: string): string {
  const head = `{"id":${JSON.stringify(oldId)}`
  if (text.startsWith(head)) return `{"id":${JSON.stringify(newId)}${text.slice(head.length)}`
  return JSON.stringify({ ...(JSON.parse(text) as Record<string, unknown>), id: newId })
}

/** How a string (an item id) appears inside JSON text such as a stored answer: escaped, without its quotes. */
export const jsonTextOf = (text: string): string => JSON.stringify(text).slice(1, -1)
