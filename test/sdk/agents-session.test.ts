import type { AgentInputItem } from '@openai/agents-core'
import { OpenAIConversationsSession } from '@openai/agents-openai'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type ListeningServer } from '../helpers/server.js'

let server: ListeningServer
beforeAll(async () => { server = await startServer() })
afterAll(async () => { await server.close() })

const user = (text: string): AgentInputItem => ({ role: 'user', content: text })
const assistant = (text: string): AgentInputItem => ({
  type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }],
})
const textOf = (item: AgentInputItem | undefined): string => {
  const content = (item as { content: string | Array<{ text: string }> }).content
  return typeof content === 'string' ? content : content.map((c) => c.text).join('')
}

describe('OpenAIConversationsSession', () => {
  it('adds, gets all, gets the last n, pops and clears', async () => {
    const session = new OpenAIConversationsSession({ client: server.client() as never })
    await session.addItems([user('one'), assistant('two')])
    await session.addItems([
      { type: 'function_call', callId: 'call_1', name: 'lookup', arguments: '{}', status: 'completed' },
      { type: 'function_call_result', callId: 'call_1', name: 'lookup', status: 'completed', output: { type: 'text', text: 'found' } },
      user('three'),
    ])
    const id = await session.getSessionId()
    expect(id).toMatch(/^conv_[0-9a-f]{48}$/)

    const all = await session.getItems()
    expect(all.map((i) => (i as { type?: string }).type ?? 'message')).toEqual(['message', 'message', 'function_call', 'function_call_result', 'message'])
    expect(textOf(all[0])).toBe('one')
    expect(textOf(all[1])).toBe('two')
    expect(textOf(all[4])).toBe('three')

    const lastTwo = await session.getItems(2)
    expect(lastTwo.map((i) => (i as { type?: string }).type ?? 'message')).toEqual(['function_call_result', 'message'])

    const popped = await session.popItem()
    expect(textOf(popped)).toBe('three')
    expect(await session.getItems()).toHaveLength(4)

    await session.clearSession()
    const client = server.client()
    await expect(client.conversations.retrieve(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('reads back more than one page of history', async () => {
    const session = new OpenAIConversationsSession({ client: server.client() as never })
    for (let i = 0; i < 3; i++) await session.addItems(Array.from({ length: 15 }, (_, j) => user(`m${i * 15 + j}`)))
    const all = await session.getItems()
    expect(all.map(textOf)).toEqual(Array.from({ length: 45 }, (_, k) => `m${k}`))
    expect((await session.getItems(25)).map(textOf)).toEqual(Array.from({ length: 25 }, (_, k) => `m${k + 20}`))
  })
})
