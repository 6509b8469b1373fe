// Fastify options shared by the server and the tests, so both run the same stack.
import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import qs from 'qs'
import type { Config } from './config.js'
import { sendClientError } from './plugins/error-handler.js'
import { newRequestId } from './request-id.js'

export { newRequestId }

/** `include[]=a&include[]=b`, `include=a&include=b` and `metadata[k]=v` all parse to plain structures. */
export const parseQueryString = (query: string): Record<string, unknown> =>
  qs.parse(query, { depth: 1, arrayLimit: 100, parameterLimit: 1000, parseArrays: true, allowPrototypes: false }) as Record<string, unknown>

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
