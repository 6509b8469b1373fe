// Group commit: concurrent writes share one IMMEDIATE transaction, so one fsync (synchronous=FULL
// is kept) makes a whole group durable instead of one fsync per request. Each write runs inside
// its own savepoint: a write that throws is rolled back alone and rejects only its caller; the
// others commit. Callers are answered only after COMMIT has returned, so a resolved promise still
// means "durably stored".
//
// A lone write is committed at the end of the event-loop turn it arrived in. When several arrive
// in that turn, the server is under concurrent load: better-sqlite3 commits synchronously, so the
// event loop cannot take new requests during an fsync, and writes still being received and parsed
// would each pay their own fsync. The group then lingers while writes keep arriving (a quiet period
// of `quietMs` without a new one ends it), bounded by `maxWaitMs` and `maxGroupSize`.
//
// A write may defer part of its statements to the end of the group (`defer`): they run after every
// savepoint, still inside the transaction, and only for writes that succeeded. The full-text index
// uses it: FTS5 flushes its pending terms to a new segment at every savepoint, so indexing inside
// each write's savepoint wrote one small segment per request.
import type Database from 'better-sqlite3'

/** Queues statements to run once every write of the group has run, before COMMIT. */
export type Defer = (statements: () => void) => void

export interface GroupCommitter {
  /** Runs `work` inside the next group transaction; resolves with its result once committed. */
  run<T> (work: (defer: Defer) => T): Promise<T>
}

interface Pending {
  work: (defer: Defer) => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

interface Outcome { ok: boolean, value: unknown }

export interface GroupCommitOptions {
  /** Upper bound of writes per transaction, so one transaction never holds the lock for long. */
  maxGroupSize?: number
  /** The group is written once no new write arrived for this long (ms). */
  quietMs?: number
  /** …or once its first write has waited this long (ms). */
  maxWaitMs?: number
  /** Called after each group's COMMIT. */
  afterCommit?: () => void
}

export function createGroupCommitter (client: Database.Database, { maxGroupSize = 256, quietMs = 1, maxWaitMs = 20, afterCommit }: GroupCommitOptions = {}): GroupCommitter {
  let queue: Pending[] = []
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined
  let firstQueuedAt = 0
  let sizeAtLastCheck = 0

  // better-sqlite3 turns a transaction function called inside another into a savepoint.
  const inSavepoint = client.transaction((work: (defer: Defer) => unknown, defer: Defer) => work(defer))

  const commitGroup = client.transaction((group: Pending[]): Outcome[] => {
    const deferred: Array<() => void> = []
    const outcomes = group.map(({ work }): Outcome => {
      const own: Array<() => void> = []
      try {
        const value = inSavepoint(work, (statements: () => void) => { own.push(statements) })
        deferred.push(...own)
        return { ok: true, value }
      } catch (error) {
        // SQLite rolled the whole transaction back (disk full, I/O error): abort the group rather
        // than let the next writes run outside any transaction.
        if (!client.inTransaction) throw error
        return { ok: false, value: error }
      }
    })
    // A failure here fails the whole group, as a failed COMMIT would: nothing of it is stored.
    for (const statements of deferred) statements()
    return outcomes
  })

  const flush = (): void => {
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
    afterCommit?.()
    group.forEach((pending, index) => {
      const outcome = outcomes[index]!
      if (outcome.ok) pending.resolve(outcome.value)
      else pending.reject(outcome.value)
    })
  }

  const check = (): void => {
    timer = undefined
    const stillArriving = queue.length > sizeAtLastCheck
    if (stillArriving && queue.length < maxGroupSize && performance.now() - firstQueuedAt < maxWaitMs) {
      sizeAtLastCheck = queue.length
      timer = setTimeout(check, quietMs)
      return
    }
    flush()
  }

  const schedule = (): void => {
    if (timer !== undefined) return
    firstQueuedAt = performance.now()
    sizeAtLastCheck = queue.length
    timer = setImmediate(check)
  }

  return {
    run<T> (work: (defer: Defer) => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
  }
}
