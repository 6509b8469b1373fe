// The PostgreSQL full-text column at the storage level: every write path keeps it right, and
// only the caller's live, readable text is found.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { parseSearchQuery } from '../../src/repositories/search-query.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'
import { makeTestPgRepositories, testBackend, testPgDatabase } from '../helpers/pg.js'

const message = (text: string, id?: string): NewItem => ({
  id, type: 'message', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
})

const found = async (repos: Repositories, query: string, owner = 'o'): Promise<string[]> =>
  (await repos.search.search(owner, { terms: parseSearchQuery(query), limit: 100 })).data.map((hit) => hit.itemId).sort()

describe(`postgresql search column (${testBackend})`, () => {
  it('follows appends, item deletes, conversation deletes, forks and hard deletes', async () => {
    const repos = await makeTestPgRepositories()
    const { db } = await testPgDatabase()
    const { conversation } = await repos.conversations.create('o', { items: [message('plum one', 'msg_1'), message('plum two', 'msg_2')] })
    const other = await repos.conversations.create('o', { items: [message('plum three', 'msg_3')] })
    expect(await found(repos, 'plum')).toEqual(['msg_1', 'msg_2', 'msg_3'])
    await repos.items.delete('o', conversation.id, 'msg_1')
    expect(await found(repos, 'plum')).toEqual(['msg_2', 'msg_3'])
    const fork = await repos.conversations.fork('o', other.conversation.id, {})
    expect(await found(repos, 'three')).toHaveLength(2)
    await repos.conversations.delete('o', fork.conversation.id)
    expect(await found(repos, 'three')).toEqual(['msg_3'])
    await db.execute(sql`DELETE FROM items WHERE conversation_pk = (SELECT pk FROM conversations WHERE id = ${conversation.id})`)
    expect(await found(repos, 'plum')).toEqual(['msg_3'])
  })

  it('finds only the owner\'s items and never include-gated content', async () => {
    const repos = await makeTestPgRepositories()
    await repos.conversations.create('alice', { items: [message('secret walrus', 'msg_a')] })
    await repos.conversations.create('bob', { items: [{ id: 'rs_1', type: 'reasoning', item: { type: 'reasoning', summary: [{ type: 'summary_text', text: 'visible otter' }], encrypted_content: 'hidden walrus' } }] })
    expect(await found(repos, 'walrus', 'alice')).toEqual(['msg_a'])
    expect(await found(repos, 'walrus', 'bob')).toEqual([])
    expect(await found(repos, 'otter', 'bob')).toEqual(['rs_1'])
  })

  it('keeps text with angle brackets, stop words and NUL characters searchable or at least storable', async () => {
    const repos = await makeTestPgRepositories()
    await repos.conversations.create('o', { items: [message('Lyon <today> and tomorrow', 'msg_1'), message('nul \u0000 inside', 'msg_2')] })
    const [hit] = (await repos.search.search('o', { terms: parseSearchQuery('today'), limit: 10 })).data
    expect(hit!.snippet).toBe('Lyon &lt;<mark>today</mark>&gt; and tomorrow')
    expect(await found(repos, 'and')).toEqual(['msg_1'])
    expect(await found(repos, 'nul')).toEqual([])
  })
})
