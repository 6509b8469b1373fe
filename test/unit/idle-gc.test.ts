import { createServer } from 'node:http'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collectionOptions, collectWhenIdle, exposeCollector, type HeapSizes } from '../../src/idle-gc.js'

const MB = 2 ** 20

describe('collectWhenIdle', () => {
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(() => { vi.useRealTimers() })

  /** A server, a fake heap and a counting collector that shrinks the heap to `after`. */
  function watch (heap: HeapSizes, after: HeapSizes): { collections: () => number, requests: (n: number) => void, stop: () => void, server: ReturnType<typeof createServer> } {
    const server = createServer()
    let collections = 0
    const stop = collectWhenIdle(server, {
      intervalMs: 1000,
      heapSizes: () => ({ ...heap }),
      collect: () => { collections++; Object.assign(heap, after) },
    })
    return { collections: () => collections, requests: (n) => { for (let i = 0; i < n; i++) server.emit('request') }, stop, server }
  }

  /** One interval with `n` requests in it. */
  const interval = (requests: (n: number) => void, n = 0): void => {
    requests(n)
    vi.advanceTimersByTime(1000)
  }

  it('collects once the server is quiet and the heap has grown, never under load', () => {
    const { collections, requests, stop } = watch({ used: 60 * MB, young: 2 * MB }, { used: 30 * MB, young: 2 * MB })
    for (let i = 0; i < 10; i++) interval(requests, 100)
    expect(collections()).toBe(0)
    interval(requests)
    expect(collections()).toBe(1)
    // Quiet on, the young generation small: nothing more to win.
    for (let i = 0; i < 20; i++) interval(requests)
    expect(collections()).toBe(1)
    stop()
  })

  it('collects once more after six quiet intervals while the young generation is large', () => {
    const { collections, requests, stop } = watch({ used: 80 * MB, young: 32 * MB }, { used: 60 * MB, young: 32 * MB })
    interval(requests, 100)
    for (let i = 1; i <= 5; i++) interval(requests)
    expect(collections()).toBe(1)
    interval(requests)
    expect(collections()).toBe(2)
    for (let i = 0; i < 20; i++) interval(requests)
    expect(collections()).toBe(2)
    // Load again, then quiet: the heap has not grown by 8 MB since, so only the young generation's turn.
    interval(requests, 100)
    for (let i = 1; i <= 6; i++) interval(requests)
    expect(collections()).toBe(3)
    stop()
  })

  it('counts a few requests an interval (probes, scrapes) as quiet', () => {
    const { collections, requests, stop } = watch({ used: 60 * MB, young: 2 * MB }, { used: 30 * MB, young: 2 * MB })
    interval(requests, 100)
    interval(requests, 5)
    expect(collections()).toBe(1)
    stop()
  })

  it('leaves a heap that has grown less than 8 MB since the last collection alone', () => {
    const heap = { used: 60 * MB, young: 2 * MB }
    const { collections, requests, stop } = watch(heap, { used: 30 * MB, young: 2 * MB })
    interval(requests)
    expect(collections()).toBe(1)
    heap.used = 37 * MB
    interval(requests, 100)
    interval(requests)
    expect(collections()).toBe(1)
    heap.used = 38 * MB
    interval(requests, 100)
    interval(requests)
    expect(collections()).toBe(2)
    stop()
  })

  it('stops: no more collections, no listener left on the server', () => {
    const { collections, requests, stop, server } = watch({ used: 60 * MB, young: 32 * MB }, { used: 60 * MB, young: 32 * MB })
    expect(server.listenerCount('request')).toBe(1)
    stop()
    expect(server.listenerCount('request')).toBe(0)
    for (let i = 0; i < 10; i++) interval(requests)
    expect(collections()).toBe(0)
  })
})

describe('collectionOptions', () => {
  it('asks V8 12 and later for a memory-reducing full collection, V8 11 for a plain full one', () => {
    expect(collectionOptions('11.3.244.8-node.38')).toBeUndefined()
    expect(collectionOptions('12.4.254.21-node.33')).toEqual({ type: 'major', flavor: 'last-resort' })
    expect(collectionOptions('13.6.233.10-node.28')).toEqual({ type: 'major', flavor: 'last-resort' })
  })
})

describe('exposeCollector', () => {
  it('runs a full collection, without making gc() a global of this context', async () => {
    const before = typeof (globalThis as { gc?: unknown }).gc
    const majors: number[] = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(entry.startTime)
    })
    observer.observe({ entryTypes: ['gc'] })
    try {
      exposeCollector()()
      await vi.waitFor(() => { expect(majors.length).toBeGreaterThan(0) })
    } finally {
      observer.disconnect()
    }
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(before)
  })
})
