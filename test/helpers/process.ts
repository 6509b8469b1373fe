// Server processes as operators run them (`node --import tsx src/server.ts`), configured by env.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

export const projectRoot = new URL('../../', import.meta.url).pathname

export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface ServerProcess { child: ChildProcess, base: string, output: () => string, stop: () => Promise<number | null> }

/** Starts `src/server.ts` on a free port and waits (up to 60 s) until it listens. */
export async function startServerProcess (env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    return exited
  }
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`)
    if (output.includes('Server listening')) return { child, base: `http://127.0.0.1:${port}/v1`, output: () => output, stop }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start: ${output}`)
}
