// Gives memory back when the server goes quiet. Under load V8 grows its heap (the young generation to
// 32 MB, old space with the garbage of request bodies) and keeps it once the load stops: its own
// memory reducer rarely gets to run in a server process (measured on the benchmark: RSS still
// 129 MB ten seconds after a load run, 77 MB before it). So, once requests have stopped:
// - after one quiet second, if the heap holds 8 MB more than after the last collection, one full
//   collection frees the old space's garbage;
// - after six quiet seconds, if the young generation is still large, one more: V8 shrinks the young
//   generation in a full collection only once its measure of the allocation rate (the last five
//   seconds) is low.
// A collection takes a few milliseconds (tens at most) with this server's heap. Probes and scrapes
// (a few requests a second) do not count as load. From Node 22 on, the first collection already
// returns everything (see collectionOptions).
import type { Server } from 'node:http'
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface HeapSizes {
  /** Bytes of objects in the heap, garbage included until it is collected. */
  used: number
  /** Bytes V8 holds for the young generation. */
  young: number
}

export interface IdleCollectorOptions {
  /** Length of one observation interval. */
  intervalMs?: number
  /** The heap's sizes and the collector itself (tests replace them). */
  heapSizes?: () => HeapSizes
  collect?: () => void
}

/** At most this many requests in an interval: quiet. */
const quietRequests = 5
/** Heap growth since the last collection (garbage, mostly) that makes a collection worth it once quiet. */
const minGrowthBytes = 8 * 2 ** 20
/** Quiet intervals after which V8 may shrink the young generation. */
const youngShrinkIntervals = 6
/** Young generation size from which that second collection is worth it (V8 starts at 1-2 MB). */
const minYoungBytes = 4 * 2 ** 20

export function v8HeapSizes (): HeapSizes {
  return {
    used: getHeapStatistics().used_heap_size,
    young: getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  }
}

/**
 * What to ask V8's gc() for. From V8 12 (Node 22) a "last resort" collection also compacts, returns
 * the emptied pages and shrinks the young generation at once. V8 11 (Node 20) knows no options: it
 * runs a minor collection for any argument, a full one for none.
 */
export function collectionOptions (v8Version: string): object | undefined {
  return Number(v8Version.split('.')[0]) >= 12 ? { type: 'major', flavor: 'last-resort' } : undefined
}

/** V8's collector. It is a global only with --expose-gc; the flag can be turned on for one new context. */
export function exposeCollector (): () => void {
  setFlagsFromString('--expose-gc')
  let gc: (options?: object) => void
  try {
    gc = runInNewContext('gc') as typeof gc
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
  const options = collectionOptions(process.versions.v8)
  return options === undefined ? () => { gc() } : () => { gc(options) }
}

/** Starts watching `server`'s requests; returns the function that stops it. */
export function collectWhenIdle (server: Server, { intervalMs = 1000, heapSizes = v8HeapSizes, collect }: IdleCollectorOptions = {}): () => void {
  let requests = 0
  let quietIntervals = 0
  let usedAfterCollection = 0
  let collector = collect
  const onRequest = (): void => { requests++ }
  server.on('request', onRequest)

  const run = (): void => {
    collector ??= exposeCollector()
    collector()
    usedAfterCollection = heapSizes().used
  }
  const timer = setInterval(() => {
    const seen = requests
    requests = 0
    if (seen > quietRequests) {
      quietIntervals = 0
      return
    }
    quietIntervals++
    const heap = heapSizes()
    if (quietIntervals === 1 && heap.used >= usedAfterCollection + minGrowthBytes) run()
    else if (quietIntervals === youngShrinkIntervals && heap.young >= minYoungBytes) run()
  }, intervalMs)
  timer.unref()

  return () => {
    clearInterval(timer)
    server.off('request', onRequest)
  }
}
