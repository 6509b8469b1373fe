// What the container image runs, outside a container: the compiled build with production
// dependencies only (`npm ci --omit=dev`), started as `npm run start:prod` and the image's CMD
// start it (`node <flags> dist/server.js`), probed over HTTP.
// CI cannot build the image, so this is the test of its contents and start command.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = new URL('..', import.meta.url).pathname
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
const runtimeStage = dockerfile.slice(dockerfile.indexOf(' AS runtime'))
/** How users start the server (`npm run start:prod`): node, its flags, the entry point. */
const startProd = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod']!.split(' ')

/** What the runtime stage copies: node_modules (pruned) and dist from the build stage, the rest from the context. */
function runtimeCopies (): string[] {
  return [...runtimeStage.matchAll(/^COPY (?:--\S+ )*(.+) \S+$/gm)]
    .flatMap((match) => match[1]!.split(/\s+/))
    .map((source) => source.replace(/^\/app\//, ''))
    .sort()
}

/** Starts the server and resolves with its port once it logs that it listens. */
function boot (dir: string, env: Record<string, string>): Promise<{ child: ChildProcess, port: number, log: string[] }> {
  const child = spawn(process.execPath, startProd.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const log: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line in 20 s:\n${log.join('\n')}`)), 20_000)
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        log.push(line)
        const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
        if (match !== null) {
          clearTimeout(timer)
          resolve({ child, port: Number(match[1]), log })
        }
      }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log.join('\n')}`)) })
  })
}

const apiKey = 'sk-production-start-0123456789'

describe('the production start command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conversations-prod-'))
  let server: ChildProcess | undefined
  afterAll(() => {
    if (server?.exitCode === null) server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })

  it('copies into the image exactly what this test installs, and runs it as the node user', () => {
    expect(runtimeCopies()).toEqual(['dist', 'migrations', 'node_modules', 'openapi.yaml', 'package-lock.json', 'package.json'])
    expect(runtimeStage).toMatch(/^USER node$/m)
    // The image starts the server exactly as `npm run start:prod` does, node's flags included.
    expect(startProd[0]).toBe('node')
    expect(startProd.at(-1)).toBe('dist/server.js')
    expect(JSON.parse(/^CMD (\[.*\])$/m.exec(runtimeStage)![1]!)).toEqual(startProd)
    expect(dockerfile).toMatch(/npm prune --omit=dev/)
    expect(runtimeStage).toMatch(/HOST=0\.0\.0\.0/)
    expect(runtimeStage).toMatch(/^EXPOSE 8080$/m)
    expect(runtimeStage).toMatch(/^VOLUME \["\/data"\]$/m)
    expect(runtimeStage).toMatch(/DATABASE_URL=\/data\//)
    expect(runtimeStage).toMatch(/^HEALTHCHECK /m)
  })

  it('boots from the build with production dependencies only and answers probes and the API', async () => {
    await run('npm', ['run', 'build', '--silent'], { cwd: root })
    for (const entry of ['dist', 'migrations', 'openapi.yaml', 'package.json', 'package-lock.json']) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true })
    }
    // One install, as in the image's build stage after `npm prune --omit=dev`; better-sqlite3
    // may compile from source here, hence the long timeout.
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 420_000, env: { ...process.env, NODE_ENV: 'production' } })

    // Nothing the lockfile marks dev-only is installed (a devDependency's name may still be
    // present as another package's production dependency, e.g. ajv under fastify).
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev === true).map(([path]) => path)
    expect(devOnly.length).toBeGreaterThan(50)
    expect(devOnly.filter((path) => existsSync(join(dir, path)))).toEqual([])
    for (const tool of ['typescript', 'vitest', 'drizzle-kit', 'tsx', 'openai']) expect(existsSync(join(dir, 'node_modules', tool)), tool).toBe(false)
    const tree = JSON.parse(readFileSync(join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
    expect(Object.entries(tree.packages).filter(([, entry]) => entry.dev === true).map(([path]) => path)).toEqual([])

    const started = Date.now()
    const booted = await boot(dir, {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: join(dir, 'data', 'conversations.db'),
      LOG_LEVEL: 'info',
      API_KEYS: `${apiKey}:ci`,
    })
    server = booted.child
    const base = `http://127.0.0.1:${booted.port}`

    const health = await fetch(`${base}/healthz`)
    const startupMs = Date.now() - started
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    // "About a second" to the first 200; generous for a loaded CI machine.
    expect(startupMs).toBeLessThan(10_000)

    const ready = await fetch(`${base}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ok' })

    // Probes answered without credentials above; the API needs the key.
    expect((await fetch(`${base}/v1/conversations`, { method: 'POST' })).status).toBe(401)
    const created = await fetch(`${base}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ metadata: { topic: 'prod' } }) })
    expect(created.status).toBe(200)
    expect(created.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/)
    const conversation = await created.json() as { id: string }
    expect(conversation).toEqual({ id: expect.stringMatching(/^conv_[0-9a-f]{48}$/), object: 'conversation', created_at: expect.any(Number), metadata: { topic: 'prod' } })
    const fetched = await fetch(`${base}/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${apiKey}` } })
    expect(await fetched.json()).toEqual(conversation)

    // The document ships with the build.
    const document = await fetch(`${base}/openapi.json`)
    expect(document.status).toBe(200)
    expect((await document.json() as { openapi: string }).openapi).toBe('3.1.0')
    expect((await fetch(`${base}/docs`)).status).toBe(200)

    // Probes stay out of the info-level access log; API requests are in it.
    const accessLog = booted.log.join('\n')
    expect(accessLog).not.toContain('"url":"/healthz"')
    expect(accessLog).not.toContain('"url":"/readyz"')
    expect(accessLog).toContain('"url":"/v1/conversations"')

    // SIGTERM reaches the server (exec form in the image) and it exits cleanly.
    const exited = new Promise<number | null>((resolve) => server!.on('exit', resolve))
    server.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 600_000)
})
