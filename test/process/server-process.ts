// The real server as a child process (`node --import tsx src/server.ts`), for tests that kill,
// signal or duplicate it. It listens on 127.0.0.1 on a port picked just before start.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  child: ChildProcess
  port: number
  baseURL: string
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string
  /** Resolves with the exit code (or signal name) when the process has ended. */
  exited: Promise<number | string>
}

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export interface StartOptions {
  startTimeoutMs?: number
  /** What node runs, in `cwd`: by default the sources through tsx. */
  args?: string[]
  cwd?: string
}

/** Starts the server and resolves once it logs that it listens (rejects if it exits first). */
export async function startServerProcess (env: Record<string, string>, { startTimeoutMs = 30_000, args = ['--import', 'tsx', 'src/server.ts'], cwd = root }: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('Server listening at')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}) before listening:\n${output}`))
    })
  })
  return { child, port, baseURL: `http://127.0.0.1:${port}/v1`, output: () => output, exited }
}

/** Ends a process this test started, if it still runs. */
export async function stopServerProcess (server: ServerProcess | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill('SIGKILL')
  await server.exited
}

export const userMessage = (text: string): Record<string, unknown> => ({ type: 'message', role: 'user', content: text })

/** POST JSON; resolves with the status and parsed body, or rejects on a connection failure. */
export async function postJson (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text) }
}
