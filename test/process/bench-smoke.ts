// The benchmark (bench/run.mjs) as `npm run bench` runs it, in its smallest profile (--smoke), in a
// copy of the project built here: a broken runner, seeder or scenario fails the tests. It measures
// nothing worth keeping on a shared machine, so only the report's completeness is checked (every
// scenario ran, answered 2xx only, was compared with its ceiling), never whether a target is met.
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A copy of the project with its production build (`npm run build`), node_modules linked. */
export async function buildProjectCopy (): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'conversations-bench-smoke-'))
  for (const entry of ['src', 'scripts', 'bench', 'migrations', 'openapi.yaml', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true })
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: dir, timeout: 120_000 })
  return dir
}

/**
 * For a test file: the built copy (before its tests) and a reports folder (`out`, a folder that does
 * not exist yet, outside the project), both removed afterwards.
 */
export function smokeWorkspace (): { dir: () => string, out: string } {
  const reports = mkdtempSync(join(tmpdir(), 'conversations-bench-reports-'))
  let dir: string | undefined
  beforeAll(async () => { dir = await buildProjectCopy() }, 150_000)
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    rmSync(reports, { recursive: true, force: true })
  })
  return { dir: () => dir!, out: join(reports, 'smoke') }
}

export interface BenchRun {
  code: number
  stdout: string
  stderr: string
}

/** `node bench/run.mjs --smoke --out=<out> …extra` in `dir`; resolves with its exit code and output. */
export async function runSmokeBench (dir: string, out: string, extra: string[] = []): Promise<BenchRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bench/run.mjs', '--smoke', `--out=${out}`, ...extra], { cwd: dir, timeout: 170_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

const listTitles = ['list 20 asc, 100 items', 'list 20 desc, 100 items', 'list 20 asc, 1,000 items', 'list 20 desc, 1,000 items']
const scenarios = [
  { key: 'create', title: 'create conversation' },
  { key: 'retrieve', title: 'retrieve conversation' },
  { key: 'append20', title: 'append 20 items' },
  { key: 'item', title: 'retrieve item' },
  { key: 'listSmallAsc', title: listTitles[0] },
  { key: 'listSmallDesc', title: listTitles[1] },
  { key: 'listLargeAsc', title: listTitles[2] },
  { key: 'listLargeDesc', title: listTitles[3] },
  { key: 'mixed', title: 'agent turn (list 20, append 2-4, 5% creates)' },
]
/** Scenarios that write items, and so report items appended per second. */
const appending = new Set(['append20', 'mixed'])
const targets = [
  'retrieve conversation ≥ 0.8 of ceiling',
  'retrieve item ≥ 0.8 of ceiling',
  ...listTitles.map((title) => `${title} ≥ 0.6 of ceiling`),
  'list asc p50 at 1,000 items ≤ 1.2× p50 at 100 (under load, whole ms)',
  'list asc p50 at 1,000 items ≤ 1.2× p50 at 100 (one request at a time, µs)',
  'list desc p50 at 1,000 items ≤ 1.2× p50 at 100 (under load, whole ms)',
  'list desc p50 at 1,000 items ≤ 1.2× p50 at 100 (one request at a time, µs)',
  '≥ 20,000 durably committed items/s (20-item appends)',
  'cold start ≤ 300 ms',
  'RSS ≤ 100 MB with the seeded items stored',
]

interface Load { reqPerSec: number, ok: number, non2xx: number, errors: number, p50: number, p99: number, cpuMicrosPerRequest: number, seconds: number }
interface Scenario extends Load { key: string, title: string, bodyBytes: number, ceiling: Load, ratio: number, cpuRatio: number, itemsPerSec?: number }
interface Latency { p50: number, p99: number }
interface Report {
  date: string
  profile: Record<string, unknown>
  machine: { cpus: number }
  seed: { seconds: number, storedItems: number, databaseBytes: number }
  bytesPerItem: number
  coldStartMs: number
  coldStartRunsMs: number[]
  coldStartCpuMs: number
  rssAtRestBytes: number
  rssAfterBytes: number
  rssAfterIdleBytes: number
  unloadedListLatency: Record<'asc' | 'desc', { small: Latency, large: Latency }>
  databaseBytesAfter: number
  postgresVersion?: string
  scenarios: Scenario[]
  targets: Array<{ name: string, measured: string, pass: boolean }>
}

const positive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0
/** A load run that completed requests and saw no failure. */
const clean = (load: Load): Record<string, unknown> => ({ reqPerSec: positive(load.reqPerSec), ok: positive(load.ok), non2xx: load.non2xx, errors: load.errors, seconds: positive(load.seconds) })
const cleanLoad = { reqPerSec: true, ok: true, non2xx: 0, errors: 0, seconds: true }

/**
 * A finished smoke run on `backend`: exit code 0, the JSON and Markdown reports in `out` complete
 * (every scenario in order with its ceiling, every target named), and the table printed.
 */
export function expectCompleteSmokeRun (run: BenchRun, out: string, backend: 'sqlite' | 'postgres'): void {
  expect(run.code, run.stderr).toBe(0)
  const name = backend === 'sqlite' ? 'smoke' : 'smoke-postgres'
  const report = JSON.parse(readFileSync(join(out, `latest-${name}.json`), 'utf8')) as Report
  expect(report.profile).toEqual({ name, totalItems: 3_000, totalConversations: 100, small: 100, large: 1_000, duration: 1, warmup: 0, idleAfter: 0, latencyRounds: 50, coldStartRuns: 1 })

  expect(report.scenarios.map((s) => ({ key: s.key, title: s.title }))).toEqual(scenarios)
  expect(report.scenarios.map((s) => ({
    key: s.key,
    ...clean(s),
    ceiling: clean(s.ceiling),
    ratio: positive(s.ratio),
    bodyBytes: positive(s.bodyBytes),
    itemsPerSec: appending.has(s.key) ? positive(s.itemsPerSec) : s.itemsPerSec,
  }))).toEqual(scenarios.map(({ key }) => ({
    key,
    ...cleanLoad,
    ceiling: cleanLoad,
    ratio: true,
    bodyBytes: true,
    itemsPerSec: appending.has(key) ? true : undefined,
  })))

  const latency = (l: Latency): Record<string, boolean> => ({ p50: positive(l.p50), p99: positive(l.p99) })
  expect({
    storedItems: report.seed.storedItems,
    seedSeconds: positive(report.seed.seconds),
    databaseBytes: positive(report.seed.databaseBytes),
    databaseBytesAfter: positive(report.databaseBytesAfter),
    bytesPerItem: positive(report.bytesPerItem),
    coldStartMs: positive(report.coldStartMs),
    coldStartRuns: report.coldStartRunsMs.length,
    coldStartCpuMs: positive(report.coldStartCpuMs),
    rss: [report.rssAtRestBytes, report.rssAfterBytes, report.rssAfterIdleBytes].map(positive),
    unloadedListLatency: Object.fromEntries((['asc', 'desc'] as const).map((order) => {
      const { small, large } = report.unloadedListLatency[order]
      return [order, { small: latency(small), large: latency(large) }]
    })),
    cpus: positive(report.machine.cpus),
    postgresVersion: typeof report.postgresVersion,
  }).toEqual({
    storedItems: 3_000,
    seedSeconds: true,
    databaseBytes: true,
    databaseBytesAfter: true,
    bytesPerItem: true,
    coldStartMs: true,
    coldStartRuns: 1,
    coldStartCpuMs: true,
    rss: [true, true, true],
    unloadedListLatency: { asc: { small: { p50: true, p99: true }, large: { p50: true, p99: true } }, desc: { small: { p50: true, p99: true }, large: { p50: true, p99: true } } },
    cpus: true,
    postgresVersion: backend === 'sqlite' ? 'undefined' : 'string',
  })
  // Named and measured; whether each is met depends on the machine's load, not on the code.
  expect(report.targets.map((t) => t.name)).toEqual(targets)
  expect(report.targets.filter((t) => t.measured === '' || typeof t.pass !== 'boolean')).toEqual([])

  const markdown = readFileSync(join(out, `latest-${name}.md`), 'utf8')
  const rows = markdown.split('\n').filter((line) => line.startsWith('| '))
  expect(rows.map((row) => row.split(' | ')[0]!.slice(2))).toEqual(['scenario', ...scenarios.map((s) => s.title), 'target', ...targets])
  expect(markdown).toContain(`### Benchmark (${name}) — ${report.date}\n`)
  expect(markdown).toContain('Database: 3,000 items across 100 conversations, seeded in ')
  expect(markdown).toContain(backend === 'sqlite' ? 'synchronous=FULL' : `PostgreSQL ${report.postgresVersion}`)
  expect(markdown).toContain('List latency one request at a time (p50 / p99 µs): asc ')

  // The same reports under the run's own time stamp, and the table printed with where they are.
  const stamp = `${report.date.replace(/[:.]/g, '-')}-${name}`
  expect(readFileSync(join(out, `${stamp}.md`), 'utf8')).toBe(markdown)
  expect(JSON.parse(readFileSync(join(out, `${stamp}.json`), 'utf8'))).toEqual(report)
  expect(run.stdout).toBe(`${markdown}\nReports: ${out}/${stamp}.{json,md}\n`)
  expect(run.stderr).toContain('seeding 3,000 items across 100 conversations into ')
}
