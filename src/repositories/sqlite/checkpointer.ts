// WAL checkpoints off the event loop. By default SQLite checkpoints inside the COMMIT that pushes
// the WAL past 1,000 pages: on the event loop, so no request is read or answered while pages are
// copied into the database file and it is fsynced (about a fifth of an append's time under write
// load). Here a worker thread with its own connection runs PASSIVE checkpoints (they never block
// readers or writers) every `intervalMs`, and the server's connection keeps SQLite's automatic
// checkpoint only as a backstop, at a WAL ten times larger, should the worker fall behind or stop.
// Durability is unchanged: a commit is durable once its WAL frames are synced, checkpoint or not.
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type { SqliteDb } from './client.js'

export interface BackgroundCheckpoints {
  /** Runs a last checkpoint and ends the worker. */
  stop (): Promise<void>
}

/** The WAL size (pages) past which the server's own connection still checkpoints. */
export const backstopPages = 10_000

// Plain CommonJS evaluated in the worker, so it runs the same from the build and from the sources.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { fileMustExist: true })
db.pragma('busy_timeout = 0')
db.pragma('synchronous = ' + workerData.synchronous)
const checkpoint = () => {
  // Another connection holding the write lock makes a PASSIVE checkpoint stop early, never wait.
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
}
const timer = setInterval(checkpoint, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export function startBackgroundCheckpoints (db: SqliteDb, { intervalMs, synchronous }: { intervalMs: number, synchronous: string }): BackgroundCheckpoints {
  db.$client.pragma(`wal_autocheckpoint = ${backstopPages}`)
  const worker = new Worker(workerSource, {
    eval: true,
    // The worker holds one connection and a timer: a small heap keeps its memory small.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, stackSizeMb: 1 },
    workerData: { path: db.$client.name, intervalMs, synchronous, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  })
  // A worker that fails leaves the backstop in charge; it must not take the server down.
  worker.on('error', () => { if (db.$client.open) db.$client.pragma('wal_autocheckpoint = 1000') })
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    async stop () {
      // Referenced again, or a process with nothing else to do would exit before the worker does.
      worker.ref()
      worker.postMessage('stop')
      await exited
    },
  }
}
