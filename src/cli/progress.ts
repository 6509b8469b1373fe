// Progress for long CLI runs: a bar on a terminal, otherwise plain lines at most every 10% (or
// every second when the total is unknown), so logs of non-interactive runs stay short.
import cliProgress from 'cli-progress'

export interface ProgressStream {
  write: (text: string) => unknown
  isTTY?: boolean | undefined
}

export interface Progress {
  update (done: number, detail?: string): void
  stop (): void
}

export function createProgress (stream: ProgressStream, label: string, total: number | null, unit: string): Progress {
  if (stream.isTTY === true && total !== null) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`,
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic)
    bar.start(total, 0)
    return { update: (done) => { bar.update(done) }, stop: () => { bar.stop() } }
  }
  let lastShown = -1
  let lastAt = 0
  let last = 0
  let lastDetail: string | undefined
  let printed: number | undefined
  const line = (done: number, detail: string | undefined): string =>
    `${label}: ${done}${total === null ? '' : `/${total}`} ${unit}${detail === undefined ? '' : ` (${detail})`}\n`
  return {
    update (done, detail) {
      last = done
      lastDetail = detail
      const step = total === null || total === 0 ? null : Math.floor((done / total) * 10)
      const due = step === null ? Date.now() - lastAt >= 1000 : step > lastShown
      if (!due) return
      if (step !== null) lastShown = step
      lastAt = Date.now()
      printed = done
      stream.write(line(done, detail))
    },
    stop () {
      if (printed !== last || (total !== null && lastShown < 10)) stream.write(line(last, lastDetail))
    },
  }
}
