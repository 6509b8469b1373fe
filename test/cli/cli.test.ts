// The conversations-server command as operators run it: a real process per command, checked by
// exit code, stdout and stderr, on real database files.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run.js'
import { migrateSqlite, openSqlite } from '../../src/repositories/sqlite/client.js'
import { createSqliteRepositories } from '../../src/repositories/sqlite/repositories.js'
import { freePort } from '../process/server-process.js'

const root = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'conversations-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Run { code: number | null, stdout: string, stderr: string }

async function cli (args: string[], { env = {}, input }: { env?: Record<string, string>, input?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  child.stdin.end(input ?? '')
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { code, stdout, stderr }
}

/**
 * The same command line in this process (fast): the entry file only hands argv to runCli and sets
 * the exit code, which the spawned runs check.
 */
async function cliInProcess (args: string[], env: Record<string, string> = {}): Promise<Run> {
  const capture = (): PassThrough & { text: string } => {
    const stream = Object.assign(new PassThrough(), { text: '' })
    stream.on('data', (chunk: Buffer) => { stream.text += chunk.toString() })
    return stream
  }
  const stdout = capture()
  const stderr = capture()
  const code = await runCli(args, { env: { LOG_LEVEL: 'silent', ...env }, stdin: Readable.from([]), stdout, stderr })
  await new Promise((resolve) => setImmediate(resolve))
  return { code, stdout: stdout.text, stderr: stderr.text }
}

const message = (text: string) => ({ type: 'message', item: { type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] } })

/** A migrated database file with conversations written at the given clock. */
async function seedDatabase (name: string, nowMs: number, count: number): Promise<{ path: string, ids: string[] }> {
  const path = join(dir, name)
  const db = openSqlite(path)
  migrateSqlite(db)
  const repos = createSqliteRepositories({ db, now: () => nowMs })
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const { conversation } = await repos.conversations.create('default', { metadata: { n: String(i) }, items: [message(`hello ${i}`), message(`again ${i}`)] })
    ids.push(conversation.id)
  }
  await repos.close()
  return { path, ids }
}

const countRows = (path: string, sql: string): number => {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare(sql).pluck().get() as number
  } finally {
    db.close()
  }
}

describe('conversations-server (no command, help, usage errors)', () => {
  it('without a command prints the usage on stderr and exits 64', async () => {
    const run = await cli([])
    expect(run.code).toBe(64)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Usage: conversations-server <command> [options]')
    for (const command of ['serve', 'migrate', 'purge', 'export', 'import', 'backup']) expect(run.stderr).toMatch(new RegExp(`\\n  ${command} +\\S`))
  })

  it('--help prints the usage on stdout and exits 0', async () => {
    const run = await cli(['--help'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toContain('Usage: conversations-server <command> [options]')
  })

  it('has --help on every command', async () => {
    for (const command of ['serve', 'migrate', 'purge', 'export', 'import', 'backup']) {
      const run = await cliInProcess([command, '--help'])
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: '' })
      expect(run.stdout).toMatch(new RegExp(`^Usage: conversations-server ${command}`))
      expect(run.stdout).toContain('-h, --help')
    }
  })

  it('rejects an unknown command, an unknown option and a bad value with exit 64', async () => {
    const unknown = await cliInProcess(['frobnicate'])
    expect(unknown.code).toBe(64)
    expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'\n/)
    const option = await cliInProcess(['export', '--colour'])
    expect(option.code).toBe(64)
    expect(option.stderr).toMatch(/^error: Unknown option '--colour'/)
    expect(option.stderr).toContain('Run `conversations-server export --help` for usage.')
    const duration = await cliInProcess(['purge', '--ttl', 'forever', '--database', join(dir, 'unused.db')])
    expect(duration.code).toBe(64)
    expect(duration.stderr).toMatch(/^error: --ttl: expected a duration such as 30d/)
    const time = await cliInProcess(['export', '--since', 'last tuesday'])
    expect(time.code).toBe(64)
    expect(time.stderr).toMatch(/^error: --since: expected an ISO 8601 date\/time or Unix seconds, got 'last tuesday'/)
  })

  it('exits 78 naming the variable when the configuration is invalid', async () => {
    const run = await cli(['purge'], { env: { CONVERSATION_TTL: 'thirty days' } })
    expect(run.code).toBe(78)
    expect(run.stderr).toContain('CONVERSATION_TTL="thirty days"')
  })
})

describe('conversations-server migrate', () => {
  it('creates and migrates the database named by --database or DATABASE_URL', async () => {
    const path = join(dir, 'migrated', 'db.sqlite')
    const run = await cli(['migrate'], { env: { DATABASE_URL: path } })
    expect(run).toEqual({ code: 0, stdout: `migrations applied to ${path}\n`, stderr: '' })
    expect(countRows(path, 'SELECT count(*) FROM conversations')).toBe(0)
  })
})

describe('conversations-server purge', () => {
  it('needs a policy', async () => {
    const run = await cliInProcess(['purge', '--database', join(dir, 'unused.db')])
    expect(run.code).toBe(64)
    expect(run.stderr).toMatch(/^error: nothing to do: set CONVERSATION_TTL and\/or PURGE_AFTER/)
  })

  it('expires idle conversations and purges old deleted ones, reporting counts', async () => {
    const { path } = await seedDatabase('purge.db', Date.now() - 40 * 86_400_000, 3)
    const expire = await cliInProcess(['purge', '--database', path], { CONVERSATION_TTL: '30d' })
    expect(expire.code).toBe(0)
    expect(expire.stdout).toBe('expired 3 conversations; purged 0 conversations, 0 of their items, 0 deleted items\n')
    expect(expire.stderr).toBe('purge: 3 rows\n')
    const purge = await cli(['purge', '--database', path, '--purge-after', '1ms', '--batch-size', '2'])
    expect(purge.code).toBe(0)
    expect(purge.stdout).toBe('expired 0 conversations; purged 3 conversations, 6 of their items, 0 deleted items\n')
    expect(countRows(path, 'SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM items)')).toBe(0)
  })
})

describe('conversations-server export and import', () => {
  it('round-trips through a file, and a second import changes nothing', async () => {
    const { path, ids } = await seedDatabase('export.db', Date.now(), 3)
    const file = join(dir, 'out.jsonl')
    const exported = await cli(['export', file, '--database', path])
    expect(exported).toEqual({ code: 0, stdout: '', stderr: 'export: 1/3 conversations\nexport: 2/3 conversations\nexport: 3/3 conversations\nexported 3 conversations, 6 items\n' })
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).id)).toEqual(ids)

    const target = join(dir, 'import.db')
    const first = await cli(['import', file, '--database', target])
    expect(first.code).toBe(0)
    expect(first.stdout).toBe('imported 3 of 3 lines: 3 conversations created, 0 merged, 0 unchanged, 6 items added, 0 rejected\n')
    const again = await cliInProcess(['import', file, '--database', target])
    expect(again.stdout).toBe('imported 3 of 3 lines: 0 conversations created, 0 merged, 3 unchanged, 0 items added, 0 rejected\n')
    expect(countRows(target, 'SELECT count(*) FROM items')).toBe(6)

    const toStdout = await cli(['export', '--database', target, '--owner', 'default'])
    expect(toStdout.code).toBe(0)
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'))
  })

  it('reads stdin, reports rejected lines on stderr and exits 65', async () => {
    const target = join(dir, 'rejects.db')
    const input = [
      JSON.stringify({ id: 'conv_ok', created_at: 1_700_000_000, metadata: {}, items: [{ id: 'msg_1', type: 'message', role: 'user', content: 'hi' }] }),
      'nonsense',
      JSON.stringify({ id: 'conv_bad', created_at: 1_700_000_000, metadata: {}, items: [{ id: 'msg_2', type: 'message', role: 'wizard', content: 'hi' }] }),
    ].join('\n')
    const run = await cli(['import', '-', '--database', target], { input })
    expect(run.code).toBe(65)
    expect(run.stdout).toBe('imported 1 of 3 lines: 1 conversations created, 0 merged, 0 unchanged, 1 items added, 2 rejected\n')
    expect(run.stderr).toMatch(/^line 2: invalid JSON: /m)
    expect(run.stderr).toContain("line 3: Invalid value: 'wizard'.")
    expect(countRows(target, 'SELECT count(*) FROM conversations')).toBe(1)
  })

  it('fails with exit 64 for a missing input file', async () => {
    const run = await cliInProcess(['import', join(dir, 'nope.jsonl'), '--database', join(dir, 'unused.db')])
    expect(run.code).toBe(64)
    expect(run.stderr).toMatch(/^error: no such file: /)
  })
})

describe('conversations-server backup', () => {
  it('copies and verifies the database; refuses to overwrite without --force; fails for a missing source', async () => {
    const { path, ids } = await seedDatabase('backup-source.db', Date.now(), 2)
    const copy = join(dir, 'backup-copy.db')
    const run = await cli(['backup', copy, '--database', path])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^backed up ${path} to ${copy} \\(\\d+ pages, integrity_check ok\\)\\n$`))
    expect(run.stderr).toMatch(/backup: \d+\/\d+ pages\n$/)
    expect(countRows(copy, 'SELECT group_concat(id) FROM (SELECT id FROM conversations ORDER BY pk)')).toBe(ids.join(','))

    const again = await cliInProcess(['backup', copy, '--database', path])
    expect(again.code).toBe(64)
    expect(again.stderr).toMatch(/exists; pass --force to overwrite it/)
    expect((await cliInProcess(['backup', copy, '--force', '--database', path])).code).toBe(0)

    const missing = await cliInProcess(['backup', join(dir, 'other.db'), '--database', join(dir, 'missing.db')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`error: database not found: ${join(dir, 'missing.db')}\n`)
    expect(existsSync(join(dir, 'other.db'))).toBe(false)
  })
})

describe('conversations-server serve', () => {
  it('serves, can be backed up while serving writes, and stops with exit 0 on SIGTERM', async () => {
    const port = await freePort()
    const database = join(dir, 'served.db')
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: String(port), DATABASE_URL: database, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const deadline = Date.now() + 30_000
      while (!output.includes('Server listening') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(output).toContain('Server listening')
      const base = `http://127.0.0.1:${port}/v1`
      const post = async (url: string, body: unknown): Promise<any> => {
        const response = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        expect(response.status).toBe(200)
        return response.json()
      }
      const conversation = await post('/conversations', { items: [{ role: 'user', content: 'hi' }] })
      let writing = true
      let writes = 0
      const writer = (async () => {
        while (writing && writes < 500) {
          await post(`/conversations/${conversation.id}/items`, { items: [{ role: 'user', content: `w${writes}` }] })
          writes += 1
        }
      })()
      const backup = await cli(['backup', join(dir, 'served-copy.db'), '--database', database])
      writing = false
      await writer
      expect(backup.code).toBe(0)
      expect(backup.stdout).toContain('integrity_check ok')
      expect(countRows(join(dir, 'served-copy.db'), `SELECT count(*) FROM conversations WHERE id = '${conversation.id}'`)).toBe(1)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })
})
