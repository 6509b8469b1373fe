// Progress output: a bar on a terminal, a few plain lines otherwise.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgress } from '../../src/cli/progress.js'

function stream (isTTY: boolean): PassThrough & { isTTY: boolean, columns: number, text: () => string, cursorTo: (x: number) => boolean, clearLine: () => boolean, moveCursor: () => boolean } {
  const s = new PassThrough()
  let text = ''
  s.on('data', (chunk: Buffer) => { text += chunk.toString() })
  return Object.assign(s, { isTTY, columns: 100, text: () => text, cursorTo: () => true, clearLine: () => true, moveCursor: () => true })
}

const flush = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

describe('createProgress', () => {
  it('prints a plain line at most every 10% when not on a terminal', async () => {
    const out = stream(false)
    const progress = createProgress(out, 'export', 100, 'conversations')
    for (let done = 1; done <= 100; done++) progress.update(done)
    progress.stop()
    await flush()
    const lines = out.text().trimEnd().split('\n')
    expect(lines).toEqual([1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((n) => `export: ${n}/100 conversations`))
  })

  it('prints the final count once for an unknown total', async () => {
    const out = stream(false)
    const progress = createProgress(out, 'purge', null, 'rows')
    progress.update(5)
    progress.update(9)
    progress.stop()
    await flush()
    expect(out.text()).toBe('purge: 5 rows\npurge: 9 rows\n')
  })

  it('draws a bar with percentage and counts on a terminal', async () => {
    const out = stream(true)
    const progress = createProgress(out, 'backup', 200, 'pages')
    progress.update(100)
    progress.stop()
    await flush()
    expect(out.text()).toContain('backup [')
    expect(out.text()).toMatch(/\] 100% \| 200\/200 pages|\] 50% \| 100\/200 pages/)
    expect(out.text()).not.toContain('backup: ')
  })
})
