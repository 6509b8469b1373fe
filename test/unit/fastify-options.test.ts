// The query-string parser's fast path must agree with qs wherever it is taken, and request ids
// stay unique and well-formed across refills of their random pool.
import fc from 'fast-check'
import qs from 'qs'
import { describe, expect, it } from 'vitest'
import { newRequestId, parseQueryString } from '../../src/fastify-options.js'

const qsParse = (query: string): unknown =>
  qs.parse(query, { depth: 1, arrayLimit: 100, parameterLimit: 1000, parseArrays: true, allowPrototypes: false })

describe('query strings', () => {
  it('parses flat query strings exactly as qs does', () => {
    const token = fc.stringMatching(/^[a-z_%20+.~-]{0,8}$/)
    const pair = fc.tuple(fc.constantFrom('include', 'limit', 'order', 'after', 'x', 'toString', '__proto__', ''), token, fc.boolean())
      .map(([key, value, bare]) => (bare ? key : `${key}=${value}`))
    fc.assert(fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
      const query = pairs.join('&')
      expect({ ...parseQueryString(query) }).toEqual(qsParse(query))
    }), { numRuns: 500 })
    fc.assert(fc.property(fc.stringMatching(/^[a-z=%+&.0-9]{0,16}$/), (query) => {
      expect({ ...parseQueryString(query) }).toEqual(qsParse(query))
    }), { numRuns: 1000 })
  })

  it('keeps bracket syntax for include[] and metadata[k]', () => {
    expect(parseQueryString('include[]=a&include[]=b&limit=2')).toEqual({ include: ['a', 'b'], limit: '2' })
    expect(parseQueryString('include=a&include=b')).toEqual({ include: ['a', 'b'] })
    expect(parseQueryString('metadata%5Bk%5D=v')).toEqual({ metadata: { k: 'v' } })
    expect(parseQueryString('order=asc&after=msg_1%202')).toEqual({ order: 'asc', after: 'msg_1 2' })
    expect(parseQueryString('')).toEqual({})
  })
})

describe('request ids', () => {
  it('are req_ and 32 hex characters, unique across pool refills', () => {
    const ids = Array.from({ length: 2000 }, newRequestId)
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
