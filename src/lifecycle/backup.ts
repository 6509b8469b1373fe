// Online backup of the SQLite database through SQLite's backup API while the server keeps
// serving, then a check that the copy opens and passes `PRAGMA integrity_check`.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'

export interface BackupOptions {
  /** Pages copied per step (4 KiB each by default). */
  pagesPerStep?: number
  onProgress?: (copiedPages: number, totalPages: number) => void
}

export interface BackupResult {
  totalPages: number
  integrity: 'ok'
}

export class BackupError extends Error {
  override name = 'BackupError'
}

export async function backupSqlite (sourcePath: string, destinationPath: string, options: BackupOptions = {}): Promise<BackupResult> {
  if (sourcePath === ':memory:') throw new BackupError('cannot back up an in-memory database')
  if (!existsSync(sourcePath)) throw new BackupError(`database not found: ${sourcePath}`)
  const source = new Database(sourcePath, { fileMustExist: true })
  let totalPages = 0
  try {
    source.pragma('busy_timeout = 5000')
    // A read transaction held for the whole copy pins one snapshot (WAL lets writers go on): the
    // backup then never restarts because of the server's writes, and the copy is consistent.
    source.exec('BEGIN')
    source.prepare('SELECT count(*) FROM sqlite_master').get()
    const pagesPerStep = options.pagesPerStep ?? 1024
    const result = await source.backup(destinationPath, {
      progress: ({ totalPages: total, remainingPages }) => {
        options.onProgress?.(total - remainingPages, total)
        return pagesPerStep
      },
    })
    totalPages = result.totalPages
    options.onProgress?.(totalPages, totalPages)
  } finally {
    if (source.inTransaction) source.exec('COMMIT')
    source.close()
  }
  // Read-write open: a WAL-mode copy cannot always be opened read-only without its -shm file.
  const copy = new Database(destinationPath, { fileMustExist: true })
  try {
    const rows = copy.pragma('integrity_check') as Array<{ integrity_check: string }>
    const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok')
    if (problems.length > 0) throw new BackupError(`integrity_check failed on the copy: ${problems.slice(0, 5).join('; ')}`)
  } finally {
    copy.close()
  }
  return { totalPages, integrity: 'ok' }
}
