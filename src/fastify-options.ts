// Fastify options shared by the server and the tests, so both run the same stack.
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import type { Config } from './config.js'
import { sendClientError } from './plugins/error-handler.js'
import { serializerCompiler } from './plugins/serialization.js'
import { validatorCompiler } from './plugins/validation.js'
import { newRequestId } from './request-id.js'

export { newRequestId }

// qs (and its dependency chain) is loaded on the first bracketed query string, not at boot.
const require = createRequire(import.meta.url)
let qs: typeof import('qs') | undefined

/** qs's decoding: `+` is a space, and a malformed escape leaves the text as it was. */
const decodeLikeQs = (text: string): string => {
  // Most keys and values (`limit=20`, `order=desc`) have nothing to decode.
  if (!text.includes('%') && !text.includes('+')) return text
  const spaced = text.replace(/\+/g, ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

const parameterLimit = 1000

/** What qs makes of a query string without brackets, without its general machinery. */
function parseFlatQuery (query: string): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  const parts = query.split('&', parameterLimit)
  for (const part of parts) {
    const equals = part.indexOf('=')
    const key = decodeLikeQs(equals === -1 ? part : part.slice(0, equals))
    // qs drops empty keys and, without allowPrototypes, names of Object.prototype members.
    if (key === '' || Object.prototype.hasOwnProperty.call(Object.prototype, key)) continue
    const value = equals === -1 ? '' : decodeLikeQs(part.slice(equals + 1))
    const existing = result[key]
    if (existing === undefined) result[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else result[key] = [existing, value]
  }
  return result
}

/**
 * `include[]=a&include[]=b`, `include=a&include=b` and `metadata[k]=v` all parse to plain structures.
 * Query strings without brackets (nearly all of them) take Node's flat parser, which gives the same
 * result as qs there (repeated keys become arrays) at a fraction of the cost.
 */
export const parseQueryString = (query: string): Record<string, unknown> => {
  if (query === '') return {}
  if (!query.includes('[') && !query.includes('%5B') && !query.includes('%5b')) return parseFlatQuery(query)
  qs ??= require('qs') as typeof import('qs')
  return qs.parse(query, { depth: 1, arrayLimit: 100, parameterLimit: 1000, parseArrays: true, allowPrototypes: false }) as Record<string, unknown>
}

/** Headers that carry credentials: never written to a log, wherever a log line puts headers. */
const credentialHeaders = ['authorization', 'api-key', 'xi-api-key', 'x-ms-user-isolation-key']
const redactedPaths = credentialHeaders.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`])

export interface LoggerOptions {
  /** false: no logger at all (tests). */
  logger?: boolean
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write: (line: string) => void } | undefined
}

export function fastifyOptions (config: Config, { logger = true, logStream }: LoggerOptions = {}): FastifyHttpOptions<Server> {
  return {
    logger: logger && config.logLevel !== 'silent'
      ? {
          level: config.logLevel,
          redact: { paths: redactedPaths, censor: '[redacted]' },
          ...(logStream === undefined ? {} : { stream: logStream }),
        }
      : false,
    // Our own compilers from the start: Fastify would otherwise load Ajv and fast-json-stringify
    // at construction (a large share of boot time) only for them to be replaced.
    schemaController: { compilersFactory: { buildValidator: () => validatorCompiler as never, buildSerializer: () => serializerCompiler } },
    bodyLimit: config.bodyLimit,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    // Node's own clocks for slow clients: headers must arrive within headersTimeout (never more
    // than the whole-request timeout), checked every second rather than Node's default 30 s.
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs > 0 ? Math.min(config.headersTimeoutMs, config.requestTimeoutMs) : config.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    genReqId: newRequestId,
    clientErrorHandler: sendClientError,
    requestIdHeader: false,
    // Draining requests get our own 503 envelope (plugins/draining.ts).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: {
      ignoreTrailingSlash: true,
      querystringParser: parseQueryString,
      maxParamLength: 512,
    },
  }
}
