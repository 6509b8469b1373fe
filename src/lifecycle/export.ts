// JSONL export: one conversation per line, `{"id","created_at","updated_at","owner","metadata","items":[…]}`,
// items in conversation order in their complete stored form. Streams with constant memory:
// conversations are read by keyset pages, items in chunks, and each chunk is written as soon as it
// is read, waiting for the output to drain (a conversation's line is never held whole in memory).
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { ExportFilter, LifecycleRepository } from '../repositories/lifecycle.js'

export interface ExportOptions {
  conversationsPerPage?: number
  itemsPerChunk?: number
  /** Called after each conversation is written. */
  onConversation?: (done: number) => void
}

export interface ExportResult {
  conversations: number
  items: number
}

/** Writes with backpressure; a failed output (closed pipe, full disk) stops the export with its error. */
async function write (out: Writable, text: string): Promise<void> {
  if (out.destroyed) throw out.errored ?? new Error('the output was closed')
  if (!out.write(text)) await once(out, 'drain')
}

export async function exportJsonl (lifecycle: LifecycleRepository, out: Writable, filter: ExportFilter, options: ExportOptions = {}): Promise<ExportResult> {
  const pageSize = options.conversationsPerPage ?? 100
  const chunkSize = options.itemsPerChunk ?? 500
  const result: ExportResult = { conversations: 0, items: 0 }
  let after: string | undefined
  for (;;) {
    const page = await lifecycle.listConversations(filter, after, pageSize)
    for (const conversation of page) {
      const head = JSON.stringify({
        id: conversation.id,
        created_at: conversation.createdAt,
        updated_at: Math.floor(conversation.updatedAt / 1000),
        owner: conversation.owner,
        metadata: conversation.metadata,
      })
      await write(out, `${head.slice(0, -1)},"items":[`)
      let position = -1
      let first = true
      for (;;) {
        const chunk = await lifecycle.listItems(conversation.id, position, chunkSize)
        if (chunk.length === 0) break
        await write(out, (first ? '' : ',') + chunk.map((item) => item.json).join(','))
        first = false
        result.items += chunk.length
        position = chunk[chunk.length - 1]!.position
        if (chunk.length < chunkSize) break
      }
      await write(out, ']}\n')
      result.conversations += 1
      options.onConversation?.(result.conversations)
    }
    if (page.length < pageSize) return result
    after = page[page.length - 1]!.cursor
  }
}
