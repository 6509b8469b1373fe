// The benchmark: seeds a fresh database, starts the production build on it as a child process,
// drives each scenario with autocannon (50 connections, fixed duration) and, right after each,
// the same requests against a bare Fastify server answering a same-sized static JSON body: the
// ceiling. Prints the table and writes JSON + Markdown reports under bench/results/ (or --out).
//   node bench/run.mjs [--quick | --smoke] [--duration=<seconds>] [--out=<dir>] [--keep] [--database=postgres://…]
// --quick: 200,000 items, 3 s per scenario (under two minutes). --smoke: 3,000 items, 1 s per
// scenario, no warm-up: too small to measure anything, it checks that the benchmark still runs
// end to end (the test suite runs it). --out: where the reports go (created if missing).
// With --database, the same run on PostgreSQL: a fresh database is created on that server for the
// run (the role needs CREATEDB), seeded by bench/seed-pg.mjs, and dropped afterwards unless --keep.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { seedDatabase } from './seed.mjs'
import { createDatabase, databaseBytes, dropDatabase, seedPostgres, serverVersion } from './seed-pg.mjs'
import { turnItems } from './items.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const usage = (problem) => {
  process.stderr.write(`${problem}\nusage: node bench/run.mjs [--quick | --smoke] [--duration=<seconds>] [--out=<dir>] [--keep] [--database=postgres://…]\n`)
  process.exit(64)
}
const unknown = args.filter((a) => !['--quick', '--smoke', '--keep'].includes(a) && !/^--(duration|out|database)=./.test(a))
if (unknown.length > 0) usage(`unknown argument: ${unknown.join(' ')}`)
if (args.includes('--quick') && args.includes('--smoke')) usage('--quick and --smoke are two profiles: pick one')
const keep = args.includes('--keep')
const durationArg = option('duration')
const postgresServer = option('database')
const out = option('out') === undefined ? join(root, 'bench/results') : resolve(option('out'))
/**
 * Sizes and times of a run: `small` and `large` are the two conversations the list scenarios read;
 * `warmup` seconds of load before each measured run (0: none); `idleAfter` seconds before the last
 * RSS reading; `coldStartRuns` starts whose median is the cold start.
 */
const profiles = {
  smoke: { name: 'smoke', totalItems: 3_000, totalConversations: 100, small: 100, large: 1_000, duration: 1, warmup: 0, idleAfter: 0, latencyRounds: 50, coldStartRuns: 1 },
  quick: { name: 'quick', totalItems: 200_000, totalConversations: 10_000, small: 100, large: 100_000, duration: 3, warmup: 1, idleAfter: 3, latencyRounds: 500, coldStartRuns: 3 },
  full: { name: 'full', totalItems: 1_000_000, totalConversations: 50_000, small: 100, large: 100_000, duration: 10, warmup: 2, idleAfter: 10, latencyRounds: 2000, coldStartRuns: 3 },
}
const profile = { ...profiles[args.includes('--smoke') ? 'smoke' : args.includes('--quick') ? 'quick' : 'full'] }
if (durationArg !== undefined) profile.duration = Number(durationArg)
if (postgresServer !== undefined) profile.name = `${profile.name}-postgres`
const connections = 50

const log = (line) => process.stderr.write(`${line}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const pick = (list) => list[Math.floor(Math.random() * list.length)]
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)) })
})

/** One request on a fresh connection: { status, body }; status 0 when nothing listens yet. */
const request = (port, { method = 'GET', path, body, headers = {} }) => new Promise((resolve) => {
  const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
  })
  req.on('error', () => resolve({ status: 0, body: Buffer.alloc(0) }))
  req.end(body)
})

const rssBytes = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024
}
/** CPU time (user + system) the process has used, in ms (Linux clock ticks are 1/100 s). */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}
const fileBytes = (path) => [path, `${path}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0)

const stopChild = (child) => new Promise((resolve) => {
  if (child.exitCode !== null) return resolve()
  child.once('exit', () => resolve())
  child.kill('SIGTERM')
})

/**
 * Node's arguments in the command users start the server with: package.json's start:prod (the
 * Docker image's CMD is the same), node flags included.
 */
function serverArguments () {
  const [command, ...args] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['start:prod'].trim().split(/\s+/)
  if (command !== 'node') throw new Error(`package.json's start:prod must run node, not ${command}`)
  return args
}

/** Starts the production server; resolves once `probePath` answers 200, with the elapsed time. */
async function startServer (databasePath, probePath) {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, serverArguments(), {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: databasePath, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`)
    const { status } = await request(port, { path: probePath })
    if (status === 200) return { child, port, coldStartMs: performance.now() - started, coldStartCpuMs: cpuMs(child.pid) }
    await sleep(2)
  }
}

async function startCeiling () {
  const child = spawn(process.execPath, [join(root, 'bench/ceiling.mjs')], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d))))
  return { child, port: JSON.parse(line).port, pid: child.pid }
}

const json = { 'content-type': 'application/json' }

/** Scenarios: each a list of autocannon requests (setupRequest may pick ids per request). */
function scenarios (seeded) {
  const { sampleConversations: convs, sampleItems, smallConversation, largeConversation } = seeded
  const append20 = JSON.stringify({ items: turnItems(20) })
  const appendSmall = [2, 3, 4].map((n) => JSON.stringify({ items: turnItems(n, n * 5) }))
  const list = (conversation, order) => [{ method: 'GET', path: `/v1/conversations/${conversation}/items?limit=20&order=${order}` }]
  const small = `${fmt(profile.small)} items`
  const large = `${fmt(profile.large)} items`
  return [
    { key: 'create', title: 'create conversation', requests: [{ method: 'POST', path: '/v1/conversations', headers: json, body: '{"metadata":{"user":"bench"}}' }] },
    { key: 'retrieve', title: 'retrieve conversation', requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/conversations/${pick(convs)}` }) }] },
    { key: 'append20', title: 'append 20 items', itemsPerRequest: 20, requests: [{ method: 'POST', headers: json, body: append20, setupRequest: (req) => ({ ...req, path: `/v1/conversations/${pick(convs)}/items` }) }] },
    { key: 'item', title: 'retrieve item', requests: [{ method: 'GET', setupRequest: (req) => { const s = pick(sampleItems); return { ...req, path: `/v1/conversations/${s.conversation}/items/${s.item}` } } }] },
    { key: 'listSmallAsc', title: `list 20 asc, ${small}`, requests: list(smallConversation, 'asc') },
    { key: 'listSmallDesc', title: `list 20 desc, ${small}`, requests: list(smallConversation, 'desc') },
    { key: 'listLargeAsc', title: `list 20 asc, ${large}`, requests: list(largeConversation, 'asc') },
    { key: 'listLargeDesc', title: `list 20 desc, ${large}`, requests: list(largeConversation, 'desc') },
    {
      key: 'mixed',
      title: 'agent turn (list 20, append 2-4, 5% creates)',
      requests: [
        {
          method: 'GET',
          setupRequest: (req, context) => {
            context.creating = Math.random() < 0.05
            if (context.creating) return { ...req, method: 'POST', path: '/v1/conversations', headers: json, body: '{}' }
            context.conversation = pick(convs)
            return { ...req, method: 'GET', path: `/v1/conversations/${context.conversation}/items?limit=20&order=desc`, headers: {}, body: undefined }
          },
          onResponse: (status, body, context) => {
            if (context.creating) context.conversation = status === 200 ? JSON.parse(body).id : pick(convs)
          },
        },
        {
          method: 'POST',
          headers: json,
          setupRequest: (req, context) => {
            const n = Math.floor(Math.random() * 3)
            context.appended = (context.appended ?? 0) + n + 2
            return { ...req, path: `/v1/conversations/${context.conversation}/items`, body: appendSmall[n] }
          },
        },
      ],
      // 2-4 items per append, one append per two requests.
      itemsPerRequest: 1.5,
    },
  ]
}

/** Mean response body size of a scenario, from a few real requests against our server. */
async function meanBodyBytes (port, requests, rounds = 10) {
  let bytes = 0
  let count = 0
  for (let r = 0; r < rounds; r++) {
    const context = {}
    for (const spec of requests) {
      const base = { method: spec.method, path: spec.path, headers: spec.headers ?? {}, body: spec.body }
      const req = spec.setupRequest ? spec.setupRequest(base, context) : base
      const { status, body } = await request(port, req)
      if (status !== 200) throw new Error(`sample ${req.method} ${req.path} answered ${status}: ${body}`)
      spec.onResponse?.(status, String(body), context)
      bytes += body.length
      count++
    }
  }
  return Math.round(bytes / count)
}

/**
 * Latency of one request at a time over a kept-alive connection, in µs: the cost of the request
 * itself, without queueing behind 49 others (autocannon reports whole milliseconds). The paths take
 * turns, request by request, so that a change in the machine's load falls on all of them alike.
 */
async function unloadedLatency (port, paths, rounds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const once = (path) => new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(Number(process.hrtime.bigint() - started) / 1000))
    }).on('error', reject)
  })
  for (let i = 0; i < 50; i++) for (const path of paths) await once(path)
  const samples = paths.map(() => [])
  for (let i = 0; i < rounds; i++) for (const [index, path] of paths.entries()) samples[index].push(await once(path))
  agent.destroy()
  return samples.map((taken) => {
    taken.sort((a, b) => a - b)
    return { p50: taken[Math.floor(taken.length / 2)], p99: taken[Math.floor(taken.length * 0.99)] }
  })
}

async function load ({ port, pid }, requests, duration) {
  const cpuBefore = cpuMs(pid)
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: requests.map((r) => ({ ...r })),
  })
  const cpuUsedMs = cpuMs(pid) - cpuBefore
  return {
    reqPerSec: result.requests.average,
    cpuMicrosPerRequest: result.requests.total > 0 ? (cpuUsedMs * 1000) / result.requests.total : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
  }
}

function machine () {
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  }
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1)
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

function evaluateTargets (report) {
  const s = Object.fromEntries(report.scenarios.map((x) => [x.key, x]))
  const targets = []
  const add = (name, measured, pass) => targets.push({ name, measured, pass })
  add('retrieve conversation ≥ 0.8 of ceiling', s.retrieve.ratio.toFixed(2), s.retrieve.ratio >= 0.8)
  add('retrieve item ≥ 0.8 of ceiling', s.item.ratio.toFixed(2), s.item.ratio >= 0.8)
  for (const key of ['listSmallAsc', 'listSmallDesc', 'listLargeAsc', 'listLargeDesc']) add(`${s[key].title} ≥ 0.6 of ceiling`, s[key].ratio.toFixed(2), s[key].ratio >= 0.6)
  const sizes = `p50 at ${fmt(profile.large)} items ≤ 1.2× p50 at ${fmt(profile.small)}`
  for (const order of ['asc', 'desc']) {
    const Order = order[0].toUpperCase() + order.slice(1)
    const small = s[`listSmall${Order}`].p50
    const large = s[`listLarge${Order}`].p50
    add(`list ${order} ${sizes} (under load, whole ms)`, `${large} ms vs ${small} ms (${(large / small).toFixed(2)}×)`, large <= 1.2 * small)
    const quiet = report.unloadedListLatency[order]
    add(`list ${order} ${sizes} (one request at a time, µs)`, `${fmt(quiet.large.p50)} µs vs ${fmt(quiet.small.p50)} µs (${(quiet.large.p50 / quiet.small.p50).toFixed(2)}×)`, quiet.large.p50 <= 1.2 * quiet.small.p50)
  }
  add('≥ 20,000 durably committed items/s (20-item appends)', fmt(s.append20.itemsPerSec), s.append20.itemsPerSec >= 20_000)
  add('cold start ≤ 300 ms', `${fmt(report.coldStartMs)} ms`, report.coldStartMs <= 300)
  add('RSS ≤ 100 MB with the seeded items stored', `${mb(report.rssAtRestBytes)} MB at rest, ${mb(report.rssAfterBytes)} MB after, ${mb(report.rssAfterIdleBytes)} MB after idle`, report.rssAfterBytes <= 100 * 2 ** 20)
  return targets
}

function markdown (report) {
  const m = report.machine
  const lines = [
    `### Benchmark (${report.profile.name}) — ${report.date}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.platform}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `Database: ${fmt(report.seed.storedItems)} items across ${fmt(report.profile.totalConversations)} conversations, seeded in ${fmt(report.seed.seconds, 1)} s; ${connections} connections, ${report.profile.duration} s per scenario after ${report.profile.warmup} s warm-up; ${postgresServer === undefined ? 'synchronous=FULL' : `PostgreSQL ${report.postgresVersion}, PG_POOL_SIZE=${process.env.PG_POOL_SIZE ?? 10}`}, LOG_LEVEL=warn.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | ceiling req/s | ratio | CPU µs/req (ceiling) | CPU ratio | body bytes | items/s | non-2xx |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.scenarios.map((s) => `| ${s.title} | ${fmt(s.reqPerSec)} | ${s.p50} | ${s.p99} | ${fmt(s.ceiling.reqPerSec)} | **${s.ratio.toFixed(2)}** | ${fmt(s.cpuMicrosPerRequest)} (${fmt(s.ceiling.cpuMicrosPerRequest)}) | ${s.cpuRatio.toFixed(2)} | ${fmt(s.bodyBytes)} | ${s.itemsPerSec === undefined ? '' : fmt(s.itemsPerSec)} | ${s.non2xx + s.errors} |`),
    '',
    'ratio = req/s ÷ ceiling req/s in the same run. CPU µs/req = server CPU time (user + system) per request during the measured run; CPU ratio = ceiling CPU per request ÷ ours, the ratio the server would reach if the load generator and the neighbours left it a whole core.',
    '',
    `Cold start to first 200: ${fmt(report.coldStartMs)} ms (median of ${report.coldStartRunsMs.length}: ${report.coldStartRunsMs.map((x) => fmt(x)).join(', ')}), CPU time used meanwhile (all threads) ${fmt(report.coldStartCpuMs)} ms. ` +
      `RSS: ${mb(report.rssAtRestBytes)} MB at rest, ${mb(report.rssAfterBytes)} MB right after the run, ${mb(report.rssAfterIdleBytes)} MB after ${report.profile.idleAfter} s idle. ` +
      `Database: ${fmt(report.bytesPerItem)} bytes per item (${mb(report.seed.databaseBytes)} MB for ${fmt(report.seed.storedItems)} items).`,
    '',
    `List latency one request at a time (p50 / p99 µs): ${['asc', 'desc'].map((o) => { const l = report.unloadedListLatency[o]; return `${o} ${fmt(l.small.p50)} / ${fmt(l.small.p99)} at ${fmt(report.profile.small)} items, ${fmt(l.large.p50)} / ${fmt(l.large.p99)} at ${fmt(report.profile.large)}`}).join('; ')}.`,
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.name} | ${t.measured} | ${t.pass ? 'yes' : '**no**'} |`),
    '',
  ]
  return lines.join('\n')
}

async function main () {
  const startedAt = new Date()
  const dir = mkdtempSync(join(os.tmpdir(), 'conversations-bench-'))
  const databaseName = `conversations_bench_${startedAt.getTime()}`
  const databasePath = postgresServer === undefined ? join(dir, 'bench.db') : await createDatabase(postgresServer, databaseName)
  const storeBytes = async () => postgresServer === undefined ? fileBytes(databasePath) : databaseBytes(databasePath)
  const children = []
  const cleanup = async () => {
    for (const child of children) await stopChild(child)
    if (!keep) rmSync(dir, { recursive: true, force: true })
    if (!keep && postgresServer !== undefined) await dropDatabase(postgresServer, databaseName)
  }
  // Interrupted (Ctrl-C, or a test's time limit): stop the servers, drop the database, then exit.
  process.once('SIGINT', () => { cleanup().then(() => process.exit(130)) })
  process.once('SIGTERM', () => { cleanup().then(() => process.exit(143)) })
  try {
    log(`seeding ${fmt(profile.totalItems)} items across ${fmt(profile.totalConversations)} conversations into ${databasePath}`)
    const seedStart = performance.now()
    let lastPercent = -10
    const seeded = await (postgresServer === undefined ? seedDatabase : seedPostgres)(databasePath, {
      totalItems: profile.totalItems,
      totalConversations: profile.totalConversations,
      small: profile.small,
      large: profile.large,
      onProgress: (done, total) => {
        const percent = Math.floor((done / total) * 100)
        if (percent >= lastPercent + 10) { lastPercent = percent; log(`  ${percent}%`) }
      },
    })
    const seed = { seconds: (performance.now() - seedStart) / 1000, storedItems: seeded.storedItems, databaseBytes: await storeBytes() }
    log(`seeded in ${seed.seconds.toFixed(1)} s, ${mb(seed.databaseBytes)} MB`)

    // Cold start: spawn to the first 200 of a real read, `coldStartRuns` times on the seeded file.
    const probe = `/v1/conversations/${seeded.smallConversation}`
    const coldStartRunsMs = []
    const coldStartCpuRunsMs = []
    let server
    for (let run = 0; run < profile.coldStartRuns; run++) {
      if (server !== undefined) await stopChild(server.child)
      server = await startServer(databasePath, probe)
      coldStartRunsMs.push(server.coldStartMs)
      coldStartCpuRunsMs.push(server.coldStartCpuMs)
    }
    server.pid = server.child.pid
    children.push(server.child)
    log(`cold start ${coldStartRunsMs.map((x) => x.toFixed(0)).join(' / ')} ms`)
    await sleep(1000)
    const rssAtRestBytes = rssBytes(server.child.pid)

    const ceiling = await startCeiling()
    children.push(ceiling.child)

    const results = []
    for (const scenario of scenarios(seeded)) {
      const bodyBytes = await meanBodyBytes(server.port, scenario.requests)
      await request(ceiling.port, { method: 'PUT', path: `/__ceiling/size/${bodyBytes}` })
      // No warm-up means no call: autocannon given a duration of 0 still loads for about a second.
      log(`${scenario.title}${profile.warmup > 0 ? ': warm-up' : ''}`)
      if (profile.warmup > 0) await load(server, scenario.requests, profile.warmup)
      const ours = await load(server, scenario.requests, profile.duration)
      if (profile.warmup > 0) await load(ceiling, scenario.requests, profile.warmup)
      const top = await load(ceiling, scenario.requests, profile.duration)
      const row = {
        key: scenario.key,
        title: scenario.title,
        ...ours,
        bodyBytes,
        ceiling: top,
        ratio: ours.reqPerSec / top.reqPerSec,
        cpuRatio: top.cpuMicrosPerRequest / ours.cpuMicrosPerRequest,
        itemsPerSec: scenario.itemsPerRequest === undefined ? undefined : (ours.ok / ours.seconds) * scenario.itemsPerRequest,
      }
      results.push(row)
      log(`  ${fmt(row.reqPerSec)} req/s (ceiling ${fmt(top.reqPerSec)}, ratio ${row.ratio.toFixed(2)}), p50 ${row.p50} ms, p99 ${row.p99} ms${ours.non2xx + ours.errors > 0 ? `, ${ours.non2xx} non-2xx, ${ours.errors} errors` : ''}`)
    }
    const rssAfterBytes = rssBytes(server.child.pid)
    const unloadedListLatency = {}
    for (const order of ['asc', 'desc']) {
      const path = (conversation) => `/v1/conversations/${conversation}/items?limit=20&order=${order}`
      const [small, large] = await unloadedLatency(server.port, [path(seeded.smallConversation), path(seeded.largeConversation)], profile.latencyRounds)
      unloadedListLatency[order] = { small, large }
    }
    await sleep(profile.idleAfter * 1000)
    const rssAfterIdleBytes = rssBytes(server.child.pid)

    const report = {
      date: startedAt.toISOString(),
      profile,
      machine: machine(),
      connections,
      seed,
      bytesPerItem: seed.databaseBytes / seed.storedItems,
      coldStartMs: median(coldStartRunsMs),
      coldStartRunsMs,
      coldStartCpuMs: median(coldStartCpuRunsMs),
      rssAtRestBytes,
      rssAfterBytes,
      rssAfterIdleBytes,
      unloadedListLatency,
      databaseBytesAfter: await storeBytes(),
      postgresVersion: postgresServer === undefined ? undefined : await serverVersion(databasePath),
      scenarios: results,
    }
    report.targets = evaluateTargets(report)
    const text = markdown(report)
    mkdirSync(out, { recursive: true })
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
    writeFileSync(join(out, `${stamp}-${profile.name}.json`), `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(join(out, `${stamp}-${profile.name}.md`), text)
    writeFileSync(join(out, `latest-${profile.name}.json`), `${JSON.stringify(report, null, 2)}\n`)
    writeFileSync(join(out, `latest-${profile.name}.md`), text)
    const shownOut = out.startsWith(`${root}/`) ? relative(root, out) : out
    process.stdout.write(`${text}\nReports: ${shownOut}/${stamp}-${profile.name}.{json,md}\n`)
  } finally {
    await cleanup()
  }
}

await main()
