// 50 concurrent writers on one conversation while a reader pages through it with `after`.
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type ListeningServer } from '../helpers/server.js'

const writers = 50
const batchesPerWriter = 6

describe('concurrent writers and a paging reader on one conversation', () => {
  let server: ListeningServer
  afterEach(async () => { await server?.close() })

  it('lands every item once, in a strict total order, and the reader sees each item at most once and all in the end', async () => {
    server = await startServer()
    const client = server.client()
    const conversation = await client.conversations.create()
    /** Each acknowledged batch's ids, in request order. */
    const batches: string[][] = []
    /** Per writer, the ids it was answered, in acknowledgement order. */
    const perWriter: string[][] = Array.from({ length: writers }, () => [])
    let writing = true

    const writer = async (w: number): Promise<void> => {
      for (let b = 0; b < batchesPerWriter; b++) {
        const created = await client.conversations.items.create(conversation.id, {
          items: [{ type: 'message', role: 'user', content: `w${w}-b${b}-0` }, { type: 'message', role: 'user', content: `w${w}-b${b}-1` }],
        })
        const ids = created.data.map((item) => item.id!)
        batches.push(ids)
        perWriter[w]!.push(...ids)
      }
    }

    const seen: string[] = []
    const readerPass = async (): Promise<void> => {
      let after: string | undefined = seen.at(-1)
      for (;;) {
        const page = await client.conversations.items.list(conversation.id, { order: 'asc', limit: 7, ...(after === undefined ? {} : { after }) })
        seen.push(...page.data.map((item) => item.id!))
        if (!page.has_more) return
        after = page.last_id
      }
    }
    const reader = async (): Promise<void> => {
      while (writing) await readerPass()
      await readerPass()
    }

    const readerDone = reader()
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)))
    writing = false
    await readerDone

    const all: string[] = []
    for await (const item of client.conversations.items.list(conversation.id, { order: 'asc', limit: 100 })) all.push(item.id!)
    const allDesc: string[] = []
    for await (const item of client.conversations.items.list(conversation.id, { order: 'desc', limit: 100 })) allDesc.push(item.id!)

    expect(all).toHaveLength(writers * batchesPerWriter * 2)
    expect(new Set(all).size).toBe(all.length)
    expect(allDesc).toEqual([...all].reverse())
    expect(new Set(all)).toEqual(new Set(batches.flat()))
    const position = new Map(all.map((id, i) => [id, i]))
    for (const [first, second] of batches) expect(position.get(second!)).toBe(position.get(first!)! + 1)
    for (const ids of perWriter) {
      const positions = ids.map((id) => position.get(id)!)
      expect(positions).toEqual([...positions].sort((x, y) => x - y))
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(all)
  }, 60_000)
})
