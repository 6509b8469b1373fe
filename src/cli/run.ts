// The `conversations-server` command line: serve, migrate, purge, export, import, backup.
// Exit codes: 0 success, 1 failure, 64 bad usage, 65 import finished but rejected some lines,
// 78 bad configuration.
import { createReadStream, createWriteStream, existsSync, openSync, statSync } from 'node:fs'
import { finished } from 'node:stream/promises'
import type { Readable, Writable } from 'node:stream'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { backupSqlite } from '../lifecycle/backup.js'
import { parseDuration } from '../lifecycle/duration.js'
import { exportJsonl } from '../lifecycle/export.js'
import { importJsonl } from '../lifecycle/import.js'
import { createRetention, type RetentionCounts } from '../lifecycle/retention.js'
import { openRepositories } from '../plugins/database.js'
import { defaultOwner } from '../plugins/identity.js'
import type { LifecycleRepository } from '../repositories/lifecycle.js'
import { isPostgresUrl } from '../repositories/pg/url.js'
import type { Repositories } from '../repositories/types.js'
import { migrateSqlite, openSqlite, sqlitePathFromUrl } from '../repositories/sqlite/client.js'
import { serve } from '../serve.js'
import { createProgress, type ProgressStream } from './progress.js'

export const exitCodes = { ok: 0, failure: 1, usage: 64, rejected: 65, config: 78 } as const

export interface CliIo {
  env: Record<string, string | undefined>
  stdin: Readable
  stdout: Writable & ProgressStream
  stderr: Writable & ProgressStream
}

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>

interface Command {
  summary: string
  usage: string
  options: Options
  help: string
  run: (args: { values: Record<string, string | boolean | undefined>, positionals: string[] }, io: CliIo) => Promise<number>
}

const databaseOption: Options = { database: { type: 'string' } }
const databaseHelp = '  --database <url>          SQLite file or URL, or postgres:// URL (default: DATABASE_URL, else ./data/conversations.db)'

const config = (io: CliIo, values: Record<string, unknown>): Config => {
  const loaded = loadConfig(io.env)
  return typeof values.database === 'string' ? { ...loaded, databaseUrl: values.database } : loaded
}

const say = (stream: Writable, text: string): void => { stream.write(`${text}\n`) }

const withLifecycle = async <T>(cfg: Config, use: (lifecycle: LifecycleRepository) => Promise<T>): Promise<T> => {
  const repos: Repositories = await openRepositories(cfg)
  try {
    if (repos.lifecycle === undefined) throw new Error('this database does not support lifecycle operations')
    return await use(repos.lifecycle)
  } finally {
    await repos.close()
  }
}

const durationOption = (values: Record<string, unknown>, name: string, fallback: number | null): number | null => {
  const text = values[name]
  if (typeof text !== 'string') return fallback
  const ms = parseDuration(text)
  if (ms === undefined) throw new UsageError(`--${name}: expected a duration such as 30d, 12h, 15m, 45s or 500ms, got '${text}'`)
  return ms
}

/** `2026-01-31`, `2026-01-31T12:00:00Z` or Unix seconds → Unix seconds. */
const timeOption = (values: Record<string, unknown>, name: string): number | undefined => {
  const text = values[name]
  if (typeof text !== 'string') return undefined
  if (/^\d+$/.test(text)) return Number(text)
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) throw new UsageError(`--${name}: expected an ISO 8601 date/time or Unix seconds, got '${text}'`)
  return Math.floor(ms / 1000)
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'Serve the HTTP API (what `node dist/server.js` does)',
    usage: 'serve',
    options: {},
    help: 'Configuration comes from the environment (PORT, HOST, DATABASE_URL, …; see the README).',
    async run (_args, io) {
      await serve(loadConfig(io.env))
      return exitCodes.ok
    },
  },

  migrate: {
    summary: 'Apply pending database migrations',
    usage: 'migrate [--database <url>]',
    options: databaseOption,
    help: databaseHelp,
    async run ({ values }, io) {
      const cfg = config(io, values)
      if (isPostgresUrl(cfg.databaseUrl)) {
        const { migratePg, openPg } = await import('../repositories/pg/client.js')
        const connection = openPg(cfg.databaseUrl, { poolSize: 1, statementTimeoutMs: 0 })
        try {
          await migratePg(connection)
        } finally {
          await connection.pool.end()
        }
        say(io.stdout, 'migrations applied to the PostgreSQL database')
        return exitCodes.ok
      }
      const db = openSqlite(cfg.databaseUrl, { synchronous: cfg.sqliteSynchronous, busyTimeoutMs: cfg.sqliteBusyTimeoutMs })
      try {
        migrateSqlite(db)
      } finally {
        db.$client.close()
      }
      say(io.stdout, `migrations applied to ${sqlitePathFromUrl(cfg.databaseUrl)}`)
      return exitCodes.ok
    },
  },

  purge: {
    summary: 'Apply retention now: expire idle conversations, purge deleted data',
    usage: 'purge [--ttl <duration>] [--purge-after <duration>] [--batch-size <n>] [--database <url>]',
    options: { ...databaseOption, ttl: { type: 'string' }, 'purge-after': { type: 'string' }, 'batch-size': { type: 'string' } },
    help: [
      '  --ttl <duration>          Soft-delete conversations idle this long (default: CONVERSATION_TTL)',
      '  --purge-after <duration>  Hard-delete what was deleted this long ago (default: PURGE_AFTER)',
      '  --batch-size <n>          Rows per transaction (default: RETENTION_BATCH_SIZE)',
      databaseHelp,
      'Durations: 30d, 12h, 15m, 45s, 500ms, 2w. At least one of the two policies must be set.',
    ].join('\n'),
    async run ({ values }, io) {
      const cfg = config(io, values)
      const ttlMs = durationOption(values, 'ttl', cfg.conversationTtlMs)
      const purgeAfterMs = durationOption(values, 'purge-after', cfg.purgeAfterMs)
      let batchSize = cfg.retentionBatchSize
      if (typeof values['batch-size'] === 'string') {
        batchSize = Number(values['batch-size'])
        if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size: expected a positive integer, got '${values['batch-size']}'`)
      }
      if (ttlMs === null && purgeAfterMs === null) {
        throw new UsageError('nothing to do: set CONVERSATION_TTL and/or PURGE_AFTER, or pass --ttl and/or --purge-after')
      }
      const counts = await withLifecycle(cfg, async (lifecycle) => {
        const progress = createProgress(io.stderr, 'purge', null, 'rows')
        const total = (c: RetentionCounts): number => Object.values(c).reduce((a, b) => a + b, 0)
        const result = await createRetention(lifecycle, { ttlMs, purgeAfterMs, batchSize }).runOnce((c) => { progress.update(total(c)) })
        progress.stop()
        return result
      })
      say(io.stdout, `expired ${counts.expiredConversations} conversations; purged ${counts.purgedConversations} conversations, ${counts.purgedItems} of their items, ${counts.purgedTombstones} deleted items`)
      return exitCodes.ok
    },
  },

  export: {
    summary: 'Write conversations as JSONL (one conversation per line)',
    usage: 'export [file] [--owner <owner>] [--since <time>] [--until <time>] [--database <url>]',
    options: { ...databaseOption, owner: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
    help: [
      '  [file]                    Output file; stdout when absent or "-"',
      '  --owner <owner>           Only this owner\'s conversations',
      '  --since <time>            Only conversations created at or after <time> (ISO 8601 or Unix seconds)',
      '  --until <time>            Only conversations created before <time>',
      databaseHelp,
      'Deleted conversations and deleted items are not exported. Progress and the summary go to stderr.',
    ].join('\n'),
    async run ({ values, positionals }, io) {
      if (positionals.length > 1) throw new UsageError('export takes at most one file')
      const cfg = config(io, values)
      const filter = {
        owner: typeof values.owner === 'string' ? values.owner : undefined,
        createdFrom: timeOption(values, 'since'),
        createdBefore: timeOption(values, 'until'),
      }
      const target = positionals[0]
      const toFile = target !== undefined && target !== '-'
      const result = await withLifecycle(cfg, async (lifecycle) => {
        // Opened now so that a bad path fails before any work, with the system's message.
        const out = toFile ? createWriteStream('', { fd: openSync(target, 'w') }) : io.stdout
        out.on('error', () => { /* surfaced by the next write (see exportJsonl) */ })
        const progress = createProgress(io.stderr, 'export', await lifecycle.countConversations(filter), 'conversations')
        const exported = await exportJsonl(lifecycle, out, filter, { onConversation: (done) => { progress.update(done) } })
        progress.stop()
        if (toFile) {
          out.end()
          await finished(out)
        }
        return exported
      })
      say(io.stderr, `exported ${result.conversations} conversations, ${result.items} items`)
      return exitCodes.ok
    },
  },

  import: {
    summary: 'Read conversations from JSONL, idempotently',
    usage: 'import <file> [--owner <owner>] [--database <url>]',
    options: { ...databaseOption, owner: { type: 'string' } },
    help: [
      '  <file>                    JSONL as written by export; "-" reads stdin',
      '  --owner <owner>           Import every conversation under this owner (default: each line\'s owner, else "default")',
      databaseHelp,
      'A conversation that already exists gets only the items it lacks; nothing is duplicated.',
      'Rejected lines are reported on stderr ("line N: reason") and the import goes on;',
      'the exit code is then 65.',
    ].join('\n'),
    async run ({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('import needs exactly one file ("-" for stdin)')
      const source = positionals[0]!
      if (source !== '-' && !existsSync(source)) throw new UsageError(`no such file: ${source}`)
      if (source !== '-' && !statSync(source).isFile()) throw new UsageError(`not a file: ${source}`)
      const cfg = config(io, values)
      const result = await withLifecycle(cfg, async (lifecycle) => {
        const input = source === '-' ? io.stdin : createReadStream(source)
        const progress = createProgress(io.stderr, 'import', null, 'lines')
        const imported = await importJsonl(lifecycle, input, {
          owner: typeof values.owner === 'string' ? values.owner : undefined,
          defaultOwner,
          onRejected: (line, reason) => { say(io.stderr, `line ${line}: ${reason}`) },
          onLine: (line) => { progress.update(line) },
        })
        progress.stop()
        return imported
      })
      say(io.stdout, `imported ${result.lines - result.rejected} of ${result.lines} lines: ${result.created} conversations created, ${result.merged} merged, ${result.unchanged} unchanged, ${result.itemsAdded} items added, ${result.rejected} rejected`)
      return result.rejected > 0 ? exitCodes.rejected : exitCodes.ok
    },
  },

  backup: {
    summary: 'Copy the database while the server runs, and verify the copy',
    usage: 'backup <file> [--force] [--database <url>]',
    options: { ...databaseOption, force: { type: 'boolean' } },
    help: [
      '  <file>                    Where to write the copy (must not exist unless --force)',
      '  --force                   Overwrite an existing file',
      databaseHelp,
      'The copy is one consistent snapshot; it is checked with PRAGMA integrity_check.',
    ].join('\n'),
    async run ({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('backup needs exactly one destination file')
      const destination = positionals[0]!
      if (existsSync(destination) && values.force !== true) throw new UsageError(`${destination} exists; pass --force to overwrite it`)
      const cfg = config(io, values)
      if (/^postgres(ql)?:/.test(cfg.databaseUrl)) throw new UsageError('backup copies SQLite databases; back PostgreSQL up with pg_dump')
      const source = sqlitePathFromUrl(cfg.databaseUrl)
      let progress: ReturnType<typeof createProgress> | undefined
      const result = await backupSqlite(source, destination, {
        onProgress: (copied, total) => {
          progress ??= createProgress(io.stderr, 'backup', total, 'pages')
          progress.update(copied)
        },
      })
      progress?.stop()
      say(io.stdout, `backed up ${source} to ${destination} (${result.totalPages} pages, integrity_check ok)`)
      return exitCodes.ok
    },
  },
}

function mainHelp (): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length))
  return [
    'Usage: conversations-server <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `conversations-server <command> --help` for a command\'s options.',
    'Configuration comes from the environment (see the README).',
    'Exit codes: 0 ok, 1 failure, 64 bad usage, 65 import rejected lines, 78 bad configuration.',
  ].join('\n')
}

const commandHelp = (command: Command): string =>
  [`Usage: conversations-server ${command.usage}`, '', command.summary + '.', '', 'Options:', command.help, '  -h, --help                Show this help'].join('\n')

/** Runs one command line; returns the exit code. Never throws for expected failures. */
export async function runCli (argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    say(name === undefined ? io.stderr : io.stdout, mainHelp())
    return name === undefined ? exitCodes.usage : exitCodes.ok
  }
  const command = commands[name]
  if (command === undefined) {
    say(io.stderr, `error: unknown command '${name}'\n\n${mainHelp()}`)
    return exitCodes.usage
  }
  try {
    const parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
    if (parsed.values.help === true) {
      say(io.stdout, commandHelp(command))
      return exitCodes.ok
    }
    return await command.run(parsed as { values: Record<string, string | boolean | undefined>, positionals: string[] }, io)
  } catch (error) {
    if (error instanceof ConfigError) {
      say(io.stderr, error.message)
      return exitCodes.config
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      say(io.stderr, `error: ${(error as Error).message}\nRun \`conversations-server ${name} --help\` for usage.`)
      return exitCodes.usage
    }
    say(io.stderr, `error: ${error instanceof Error ? error.message : String(error)}`)
    return exitCodes.failure
  }
}
