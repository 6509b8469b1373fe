// Optional per-credential rate limiting (off unless RATE_LIMIT_MAX > 0). Callers are told apart by
// a hash of the credential they send (so keys never sit in memory in clear), falling back to the
// client address; open routes (`config: { auth: false }`: probes, metrics, docs) are never limited.
// A 429 carries OpenAI's envelope, `retry-after` (which the SDKs honour) and `x-ratelimit-*`.
import { createHash } from 'node:crypto'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, ErrorType } from '../errors.js'

export interface RateLimitOptions {
  /** Requests allowed per window and caller; 0 turns rate limiting off. */
  max: number
  windowMs: number
}

const credentialHeaders = ['authorization', 'api-key', 'xi-api-key'] as const

export function rateLimitKey (request: FastifyRequest): string {
  for (const name of credentialHeaders) {
    const value = request.headers[name]
    if (typeof value === 'string' && value !== '') return `key:${createHash('sha256').update(value).digest('hex')}`
  }
  return `ip:${request.ip}`
}

async function rateLimiting (app: FastifyInstance, { max, windowMs }: RateLimitOptions): Promise<void> {
  if (max <= 0) return
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    keyGenerator: rateLimitKey,
    allowList: (request) => (request.routeOptions.config as { auth?: unknown }).auth === false,
    errorResponseBuilder: (_request, context) => new AppError('rate_limit_exceeded',
      `Rate limit reached: limit ${context.max} requests per ${context.after}. Please try again in ${Math.max(1, Math.ceil(context.ttl / 1000))}s.`,
      { type: ErrorType.rateLimit }),
  })
}

export default fp(rateLimiting, { name: 'rate-limit', fastify: '5.x' })
