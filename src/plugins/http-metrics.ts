// Request counts and latency per method, route and status, kept as plain numbers and written in
// Prometheus' text format at scrape time. prom-client validates and hashes the label set on every
// `inc` and `observe`: a measurable share of a small read, paid on every request for a page read
// once every few seconds.

/** Latency bucket upper bounds, in seconds. */
export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

interface Series {
  /** `method="…",route="…",status_code="…"`, escaped once. */
  labels: string
  count: number
  sum: number
  /** Requests per bucket (not cumulative); the last slot counts those above every bound. */
  perBucket: Float64Array
}

export interface HttpMetrics {
  record: (method: string, route: string, statusCode: number, seconds: number) => void
  /** Both metrics in the text format, with HELP and TYPE lines, a blank line between them (as prom-client writes). */
  render: () => string
}

const escapeLabel = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

/** Numbers as prom-client writes them: JavaScript's own text, `+Inf` for infinity. */
const formatNumber = (value: number): string => (value === Infinity ? '+Inf' : String(value))

export function createHttpMetrics (): HttpMetrics {
  // route → (status × method) → series; the route string is the registered pattern, so the label
  // set stays bounded, and no key string is built per request.
  const byRoute = new Map<string, Map<number, Series>>()
  const methodIndex = new Map<string, number>()
  const series: Series[] = []

  const seriesFor = (method: string, route: string, statusCode: number): Series => {
    let perRoute = byRoute.get(route)
    if (perRoute === undefined) {
      perRoute = new Map()
      byRoute.set(route, perRoute)
    }
    let index = methodIndex.get(method)
    if (index === undefined) {
      index = methodIndex.size
      methodIndex.set(method, index)
    }
    const key = statusCode * 64 + index
    let found = perRoute.get(key)
    if (found === undefined) {
      found = {
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status_code="${statusCode}"`,
        count: 0,
        sum: 0,
        perBucket: new Float64Array(durationBuckets.length + 1),
      }
      perRoute.set(key, found)
      series.push(found)
    }
    return found
  }

  return {
    record (method, route, statusCode, seconds) {
      const target = seriesFor(method, route, statusCode)
      target.count++
      target.sum += seconds
      let bucket = 0
      while (bucket < durationBuckets.length && seconds > durationBuckets[bucket]!) bucket++
      target.perBucket[bucket]!++
    },

    render () {
      const counter = [
        '# HELP http_requests_total HTTP requests answered, by route and status.',
        '# TYPE http_requests_total counter',
        ...series.map((s) => `http_requests_total{${s.labels}} ${s.count}`),
      ]
      const lines = [
        '# HELP http_request_duration_seconds Time from receiving a request to sending its response, by route and status.',
        '# TYPE http_request_duration_seconds histogram',
      ]
      for (const s of series) {
        let cumulative = 0
        durationBuckets.forEach((bound, i) => {
          cumulative += s.perBucket[i]!
          lines.push(`http_request_duration_seconds_bucket{le="${formatNumber(bound)}",${s.labels}} ${cumulative}`)
        })
        lines.push(`http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`)
        lines.push(`http_request_duration_seconds_sum{${s.labels}} ${formatNumber(s.sum)}`)
        lines.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`)
      }
      return `${counter.join('\n')}\n\n${lines.join('\n')}\n`
    },
  }
}
