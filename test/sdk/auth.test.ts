// The official SDKs against a listening server with API keys: each client sees only its tenant's
// conversations, a wrong key raises AuthenticationError, and the Azure client works on /openai/v1.
import { OpenAIConversationsSession } from '@openai/agents-openai'
import OpenAI, { AzureOpenAI } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiKeysAuth } from '../helpers/auth.js'
import { startServer, type ListeningServer } from '../helpers/server.js'

const keyA = 'sk-tenant-a-0123456789abcdef'
const keyB = 'sk-tenant-b-0123456789abcdef'

let server: ListeningServer
let a: OpenAI
let b: OpenAI
beforeAll(async () => {
  server = await startServer({ auth: apiKeysAuth([{ key: keyA, tenant: 'a' }, { key: keyB, tenant: 'b' }]) })
  a = server.client({ apiKey: keyA })
  b = server.client({ apiKey: keyB })
})
afterAll(async () => { await server.close() })

const notFound = async (promise: Promise<unknown>, message: string): Promise<void> => {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(OpenAI.NotFoundError)
  expect((error as Error).message).toBe(`404 ${message}`)
}

describe('two clients with different keys', () => {
  it('cannot retrieve, list items of, add to, update or delete each other\'s conversations', async () => {
    const conversation = await a.conversations.create({ metadata: { owner: 'a' }, items: [{ type: 'message', role: 'user', content: 'secret' }] })
    const items = await a.conversations.items.list(conversation.id)
    const itemId = items.data[0]!.id!
    const missing = `Conversation with id '${conversation.id}' not found.`

    await notFound(b.conversations.retrieve(conversation.id), missing)
    await notFound(b.conversations.items.list(conversation.id), missing)
    await notFound(b.conversations.items.retrieve(itemId, { conversation_id: conversation.id }), missing)
    await notFound(b.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'user', content: 'intruder' }] }), missing)
    await notFound(b.conversations.update(conversation.id, { metadata: { owner: 'b' } }), missing)
    await notFound(b.conversations.items.delete(itemId, { conversation_id: conversation.id }), missing)
    await notFound(b.conversations.delete(conversation.id), missing)

    expect(await a.conversations.retrieve(conversation.id)).toEqual(conversation)
    const after = await a.conversations.items.list(conversation.id)
    expect(after.data).toEqual(items.data)
  })

  it('each keep working on their own data', async () => {
    const mine = await b.conversations.create()
    expect(await b.conversations.update(mine.id, { metadata: { k: 'v' } })).toEqual({ ...mine, metadata: { k: 'v' } })
    await notFound(a.conversations.retrieve(mine.id), `Conversation with id '${mine.id}' not found.`)
  })
})

describe('a wrong key', () => {
  it('raises AuthenticationError with OpenAI\'s code and the key masked', async () => {
    const error = await server.client({ apiKey: 'sk-wrong-0123456789abcdef' }).conversations.create().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    const auth = error as InstanceType<typeof OpenAI.AuthenticationError>
    expect(auth.status).toBe(401)
    expect(auth.code).toBe('invalid_api_key')
    expect(auth.message).toBe('401 Incorrect API key provided: sk-wrong*************cdef. Ask the administrator of this server for a valid API key.')
    expect(auth.headers.get('www-authenticate')).toBe('Bearer realm="Conversations API"')
  })
})

describe('the Azure OpenAI client', () => {
  it('authenticates with api-key, sends api-version, and sees the same tenant\'s data under /openai/v1', async () => {
    const sent: Array<{ url: string, apiKey: string | null, authorization: string | null }> = []
    const recordingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers)
      sent.push({ url: String(input), apiKey: headers.get('api-key'), authorization: headers.get('authorization') })
      return fetch(input, init)
    }
    const azure = new AzureOpenAI({ baseURL: server.baseURL.replace(/\/v1$/, '/openai/v1'), apiKey: keyA, apiVersion: '2025-04-01-preview', maxRetries: 0, fetch: recordingFetch })
    const created = await azure.conversations.create({ metadata: { via: 'azure' } })
    expect(sent).toEqual([{ url: `${server.baseURL.replace(/\/v1$/, '/openai/v1')}/conversations?api-version=2025-04-01-preview`, apiKey: keyA, authorization: null }])
    expect(await a.conversations.retrieve(created.id)).toEqual(created)
    const isolated = new AzureOpenAI({
      baseURL: server.baseURL.replace(/\/v1$/, '/openai/v1'), apiKey: keyA, apiVersion: '2025-04-01-preview', maxRetries: 0,
      defaultHeaders: { 'x-ms-user-isolation-key': 'end-user-42' },
    })
    await notFound(isolated.conversations.retrieve(created.id), `Conversation with id '${created.id}' not found.`)
    const own = await isolated.conversations.create()
    expect(await isolated.conversations.retrieve(own.id)).toEqual(own)
    await notFound(azure.conversations.retrieve(own.id), `Conversation with id '${own.id}' not found.`)
  })
})

describe('the Agents SDK session', () => {
  it('works with a key and cannot resume another tenant\'s conversation', async () => {
    const mine = new OpenAIConversationsSession({ client: a as never })
    await mine.addItems([{ role: 'user', content: 'hello' }])
    const conversationId = await mine.getSessionId()
    expect(await mine.getItems()).toHaveLength(1)
    const theirs = new OpenAIConversationsSession({ client: b as never, conversationId })
    await expect(theirs.getItems()).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    expect(await mine.getItems()).toHaveLength(1)
  })
})
