// The one place errors become HTTP answers: every error, 404 and framework failure leaves as
// OpenAI's envelope with the right status and an x-request-id header.
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { newRequestId } from '../request-id.js'

/** Fastify's own errors, by code, mapped to ours. */
function fromFrameworkError (error: FastifyError, bodyLimit?: number): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidJson()
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('request_too_large', bodyLimit === undefined ? 'Request body too large.' : `Request body too large. The maximum size is ${bodyLimit} bytes.`)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Unsupported Content-Type. Send the request body as application/json.')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_request', 'Request body size did not match Content-Length.')
    case 'FST_ERR_BAD_URL':
      return new AppError('invalid_request', 'Invalid URL: the path could not be decoded.')
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_request', 'Invalid URL: a path parameter is too long.')
    case 'FST_ERR_REQ_TIMEOUT':
      return new AppError('request_timeout', 'Request timed out.')
    default:
      return undefined
  }
}

export const invalidJson = (): AppError => new AppError('invalid_json',
  'Invalid body: failed to parse JSON value. Please check the value to ensure it is valid JSON. (Common errors include trailing commas, missing closing brackets, missing quotation marks, etc.)')

export function toAppError (error: unknown, request?: FastifyRequest): AppError {
  if (error instanceof AppError) return error
  const fastifyError = error as FastifyError
  const mapped = fromFrameworkError(fastifyError, request?.routeOptions.bodyLimit)
  if (mapped !== undefined) return mapped
  const status = fastifyError.statusCode
  if (status !== undefined && status >= 400 && status < 500) {
    return new AppError('invalid_request', fastifyError.message)
  }
  if ((fastifyError as { code?: string }).code === 'SQLITE_BUSY') {
    return new AppError('service_unavailable', 'The database is busy. Please retry your request.', { headers: { 'retry-after': '1' } })
  }
  return new AppError('internal_error', 'The server had an error while processing your request. Sorry about that!')
}

/**
 * Requests Node rejects before Fastify sees them (unparseable request line or headers, headers
 * too large, header/request timeouts) still get the envelope and a request id, then the
 * connection is closed, as Node itself does.
 */
export function sendClientError (error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const appError = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? new AppError('request_timeout', 'Request timed out.')
    : error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('request_headers_too_large', 'Request headers too large.')
      : new AppError('invalid_request', 'Malformed HTTP request.')
  const body = JSON.stringify(appError.toBody())
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${appError.statusCode} ${STATUS_CODES[appError.statusCode] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${newRequestId()}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

/** What the log says about a client error: 401 messages quote part of the rejected key, so they stay out. */
export const logMessage = (error: AppError): string => error.statusCode === 401 ? `authentication failed (${error.code})` : error.message

export function sendError (error: AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.headers !== undefined) reply.headers(error.headers)
  return reply.code(error.statusCode).header('x-request-id', request.id).type('application/json; charset=utf-8').send(error.toBody())
}

async function errorHandler (app: FastifyInstance): Promise<void> {
  // Node answers an unknown `Expect` header itself with a bare 417; give it the envelope too.
  app.server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(new AppError('expectation_failed', 'Unsupported Expect header: only 100-continue is supported.').toBody())
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': newRequestId(), connection: 'close' })
    res.end(body)
  })

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request)
    if (appError.statusCode >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: appError.code, param: appError.param }, logMessage(appError))
    return sendError(appError, request, reply)
  })

  app.setNotFoundHandler((request, reply) => {
    const route = `${request.method} ${request.url.split('?')[0] ?? ''}`
    return sendError(new AppError('route_not_found', `Invalid URL (${route})`), request, reply)
  })
}

export default fp(errorHandler, { name: 'error-handler', fastify: '5.x' })
