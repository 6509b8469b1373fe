// The request metrics are kept by hand and written at scrape time; what they write must be exactly
// what prom-client writes for the same observations, so dashboards and alerts see no difference.
import { Counter, Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { createHttpMetrics, durationBuckets } from '../../src/plugins/http-metrics.js'

const observations: Array<[string, string, number, number]> = [
  ['POST', '/v1/conversations', 200, 0.0004],
  ['POST', '/v1/conversations', 200, 0.0031],
  ['GET', '/v1/conversations/:conversation_id', 200, 0.001],
  ['GET', '/v1/conversations/:conversation_id', 404, 0.0125],
  ['POST', '/v1/conversations', 400, 11],
  ['GET', '__unmatched__', 404, 0.25],
  ['PROPFIND', '__unmatched__', 404, 2.5000001],
  ['DELETE', '/v1/conversations/:conversation_id', 200, 0.0999],
  ['GET', '/v1/conversations/:conversation_id', 200, 0.0000123],
  ['GET', '/odd"route\\with\nescapes', 200, 0.5],
]

async function promClientText (): Promise<string> {
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames, registers: [registry] })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route and status.',
    labelNames,
    buckets: [...durationBuckets],
    registers: [registry],
  })
  for (const [method, route, status, seconds] of observations) {
    requests.inc({ method, route, status_code: status })
    duration.observe({ method, route, status_code: status }, seconds)
  }
  return registry.metrics()
}

describe('request metrics', () => {
  it('write what prom-client writes for the same requests, line for line', async () => {
    const metrics = createHttpMetrics()
    for (const [method, route, status, seconds] of observations) metrics.record(method, route, status, seconds)
    expect(metrics.render()).toBe(await promClientText())
  })

  it('write the HELP and TYPE lines alone before the first request', () => {
    expect(createHttpMetrics().render()).toBe([
      '# HELP http_requests_total HTTP requests answered, by route and status.',
      '# TYPE http_requests_total counter',
      '',
      '# HELP http_request_duration_seconds Time from receiving a request to sending its response, by route and status.',
      '# TYPE http_request_duration_seconds histogram',
      '',
    ].join('\n'))
  })
})
