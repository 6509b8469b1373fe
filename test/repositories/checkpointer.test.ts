// WAL checkpoints on a worker thread: the database file receives the committed pages without any
// commit on the server's connection reaching SQLite's own checkpoint threshold.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { openRepositories } from '../../src/plugins/database.js'
import type { NewItem, Repositories } from '../../src/repositories/types.js'

const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const message = (n: number): NewItem => ({
  type: 'message',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: `${n} ${'words to fill pages '.repeat(40)}` }] },
})

/** Opens a fresh file with the given interval and writes about 200 WAL pages (SQLite's own threshold is 1,000). */
async function writeSome (name: string, interval: string): Promise<{ repos: Repositories, path: string, fileBytesBeforeWrites: number }> {
  const path = join(dir, name)
  const repos = await openRepositories(loadConfig({ DATABASE_URL: path, SQLITE_CHECKPOINT_INTERVAL_MS: interval }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const fileBytesBeforeWrites = statSync(path).size
  const { conversation } = await repos.conversations.create('o', {})
  for (let batch = 0; batch < 20; batch++) await repos.items.append('o', conversation.id, Array.from({ length: 10 }, (_, i) => message(batch * 10 + i)))
  return { repos, path, fileBytesBeforeWrites }
}

const waitFor = async (condition: () => boolean, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return condition()
}

describe('background WAL checkpoints', () => {
  it('copy committed pages into the database file while the server connection never checkpoints', async () => {
    const { repos, path, fileBytesBeforeWrites } = await writeSome('worker.db', '20')
    expect(await waitFor(() => statSync(path).size > fileBytesBeforeWrites + 400_000, 5000)).toBe(true)
    await repos.close()
  })

  it('start with the first write: until then what the migrations wrote stays in the WAL', async () => {
    const path = join(dir, 'lazy.db')
    const repos = await openRepositories(loadConfig({ DATABASE_URL: path, SQLITE_CHECKPOINT_INTERVAL_MS: '20' }))
    const opened = statSync(path).size
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0)
    expect(await waitFor(() => statSync(path).size > opened, 300)).toBe(false)
    await repos.conversations.create('o', {})
    expect(await waitFor(() => statSync(path).size > opened, 5000)).toBe(true)
    await repos.close()
  })

  it('leave checkpoints to SQLite inside commits with SQLITE_CHECKPOINT_INTERVAL_MS=0', async () => {
    const { repos, path, fileBytesBeforeWrites } = await writeSome('inline.db', '0')
    expect(await waitFor(() => statSync(path).size > fileBytesBeforeWrites, 300)).toBe(false)
    await repos.close()
  })
})
