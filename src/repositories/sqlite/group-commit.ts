// Group commit: writes requested in the same turn of the event loop share one IMMEDIATE
// transaction, so one fsync (synchronous=FULL is kept) makes a whole group durable instead of
// one fsync per request. Each write runs inside its own savepoint: a write that throws is rolled
// back alone and rejects only its caller; the others commit. Callers are answered only after
// COMMIT has returned, so a resolved promise still means "durably stored".
import type Database from 'better-sqlite3'

export interface GroupCommitter {
  /** Runs `work` inside the next group transaction; resolves with its result once committed. */
  run<T> (work: () => T): Promise<T>
}

interface Pending {
  work: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

interface Outcome { ok: boolean, value: unknown }

export interface GroupCommitOptions {
  /** Upper bound of writes per transaction, so one transaction never holds the lock for long. */
  maxGroupSize?: number
}

export function createGroupCommitter (client: Database.Database, { maxGroupSize = 256 }: GroupCommitOptions = {}): GroupCommitter {
  let queue: Pending[] = []
  let scheduled = false

  // better-sqlite3 turns a transaction function called inside another into a savepoint.
  const inSavepoint = client.transaction((work: () => unknown) => work())

  const commitGroup = client.transaction((group: Pending[]): Outcome[] => group.map(({ work }) => {
    try {
      return { ok: true, value: inSavepoint(work) }
    } catch (error) {
      // SQLite rolled the whole transaction back (disk full, I/O error): abort the group rather
      // than let the next writes run outside any transaction.
      if (!client.inTransaction) throw error
      return { ok: false, value: error }
    }
  }))

  const flush = (): void => {
    scheduled = false
    const group = queue.length > maxGroupSize ? queue.splice(0, maxGroupSize) : queue
    if (group === queue) queue = []
    if (queue.length > 0) schedule()
    let outcomes: Outcome[]
    try {
      outcomes = commitGroup.immediate(group)
    } catch (error) {
      // BEGIN or COMMIT failed (busy database, disk error): nothing of the group is stored.
      for (const pending of group) pending.reject(error)
      return
    }
    group.forEach((pending, index) => {
      const outcome = outcomes[index]!
      if (outcome.ok) pending.resolve(outcome.value)
      else pending.reject(outcome.value)
    })
  }

  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    // setImmediate, not a microtask: requests whose I/O completed in the same poll phase all
    // get to enqueue before the group is written.
    setImmediate(flush)
  }

  return {
    run<T> (work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
  }
}
