// Durations as operators write them: `30d`, `12h`, `15m`, `45s`, `500ms`, `2w` (one unit, whole numbers).

const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/** A positive whole number and a unit: zero durations would make retention meaningless or busy-loop. */
export const durationPattern = '^0*[1-9][0-9]*(ms|s|m|h|d|w)$'

/** Milliseconds of a duration such as `30d`; undefined when the text is not one. */
export function parseDuration (text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim())
  if (match === null) return undefined
  const ms = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs]
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined
}
