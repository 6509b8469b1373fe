// Optional `Idempotency-Key` on POSTs, so a retried write is applied once. The first request with a
// key claims it; its answer is stored and replayed for the same key and the same request until the
// record expires. The same key with another request is a 400 (never a 409, which the SDKs would
// retry). A duplicate arriving while the first is still running waits for its answer. A 5xx or a
// retryable 408/409/429 frees the key instead (our writes are transactions: nothing was applied).
// Each record knows the conversation it is about (the path's, or the one the request created), so
// deleting that conversation or one of its items erases the stored answer with it; the key then
// answers a 400 until it expires, never running the request a second time.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import type { IdempotencyRecord } from '../repositories/types.js'

export interface IdempotencyOptions {
  /** How long an answer is remembered; 0 turns the feature off (the header is ignored). */
  ttlMs: number
  /** How long a duplicate waits for the first request's answer before giving up with a 400. */
  waitMs: number
}

export const idempotencyHeader = 'idempotency-key'
const purgeIntervalMs = 60_000
const validKey = /^[\x21-\x7e]{1,255}$/
/** Answers the SDKs retry by themselves: replaying one would make every retry fail the same way. */
const retriedStatuses: ReadonlySet<number> = new Set([408, 409, 429])

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request claimed, until its answer is stored. */
    idempotencyClaim: string | null
  }
  interface FastifyContextConfig {
    /** true: a successful answer is a conversation the request created (its `id` is in no path). */
    createsConversation?: boolean
  }
}

export const requestHash = (request: FastifyRequest): string =>
  createHash('sha256').update(`${request.method}\n${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex')

function keyOf (request: FastifyRequest): string | undefined {
  const value = request.headers[idempotencyHeader]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !validKey.test(value)) {
    throw new AppError('invalid_request', "Invalid 'Idempotency-Key' header: expected 1 to 255 printable ASCII characters without spaces.")
  }
  return value
}

const reused = (): AppError => new AppError('idempotency_key_reused',
  'This Idempotency-Key was already used with a different request. Use a new key for a new request.')

const erased = (): AppError => new AppError('idempotency_key_erased',
  'The answer to the request sent with this Idempotency-Key was erased because content it held has been deleted. The request is not run again; use a new key for a new request.')

/** The conversation a request addresses: the `conversation_id` of its path, if it has one. */
function addressedConversation (request: FastifyRequest): string | undefined {
  const id = (request.params as { conversation_id?: unknown } | undefined)?.conversation_id
  return typeof id === 'string' ? id : undefined
}

/** The id of the conversation a successful creating request answered with. */
function createdConversation (request: FastifyRequest, status: number, text: string): string | undefined {
  if (status >= 300 || request.routeOptions.config?.createsConversation !== true) return undefined
  const id = (JSON.parse(text) as { id?: unknown }).id
  return typeof id === 'string' ? id : undefined
}

const inUse = (): AppError => new AppError('idempotency_key_in_use',
  'A request with this Idempotency-Key is still being processed, or was interrupted before it answered. Retry later with the same key to get its answer, or use a new key.')

function replay (reply: FastifyReply, record: IdempotencyRecord): FastifyReply {
  return reply.code(record.status!).header('idempotent-replayed', 'true')
    .type('application/json; charset=utf-8').send(record.body)
}

async function idempotency (app: FastifyInstance, { ttlMs, waitMs }: IdempotencyOptions): Promise<void> {
  app.decorateRequest('idempotencyClaim', null)
  if (ttlMs <= 0) return
  const store = app.repos.idempotency
  let lastPurge = 0

  const purgeNowAndThen = (request: FastifyRequest): void => {
    const at = Date.now()
    if (at - lastPurge < purgeIntervalMs) return
    lastPurge = at
    store.purgeExpired().catch((err: unknown) => { request.log.warn({ err }, 'purging expired idempotency keys failed') })
  }

  // preValidation: after the body is parsed, before anything can act on it.
  const claimKey = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const key = keyOf(request)
    if (key === undefined) return
    purgeNowAndThen(request)
    const hash = requestHash(request)
    const deadline = Date.now() + waitMs
    for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
      const claim = await store.claim(request.owner, key, hash, ttlMs, addressedConversation(request))
      if (claim.claimed) {
        request.idempotencyClaim = key
        return
      }
      if (claim.record.requestHash !== hash) throw reused()
      if (claim.record.erased) throw erased()
      if (claim.record.status !== null) return replay(reply, claim.record)
      if (Date.now() >= deadline) throw inUse()
      await sleep(pause)
    }
  }

  const storeAnswer = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const key = request.idempotencyClaim
    if (key === null) return payload
    request.idempotencyClaim = null
    try {
      if (reply.statusCode >= 500 || retriedStatuses.has(reply.statusCode)) await store.release(request.owner, key)
      else {
        const body = Buffer.isBuffer(payload) ? payload.toString('utf8') : String(payload)
        await store.complete(request.owner, key, reply.statusCode, body, createdConversation(request, reply.statusCode, body))
      }
    } catch (err) {
      // The answer still goes out. The key stays "in progress" until it expires, so a retry is
      // refused (idempotency_key_in_use) rather than applied a second time.
      request.log.error({ err }, 'storing the idempotent answer failed')
    }
    return payload
  }

  // Keys apply to POSTs only, so the hooks go on POST routes alone: reads never run them.
  app.addHook('onRoute', (route) => {
    if (!(Array.isArray(route.method) ? route.method : [route.method]).includes('POST')) return
    route.preValidation = [...asList(route.preValidation), claimKey]
    route.onSend = [storeAnswer, ...asList(route.onSend)]
  })
}

const asList = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks])

export default fp(idempotency, { name: 'idempotency', fastify: '5.x', dependencies: ['database', 'identity'] })
