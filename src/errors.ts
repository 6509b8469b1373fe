// Domain errors and the single code → HTTP status table. Everything that answers an error goes
// through AppError, so every error body on the wire has OpenAI's envelope and wording.

export const ErrorType = {
  invalidRequest: 'invalid_request_error',
  authentication: 'invalid_request_error',
  // What api.openai.com sends on a requests-per-minute 429 (`tokens` is its per-token twin).
  rateLimit: 'requests',
  server: 'server_error',
} as const

/** Error codes we emit, each with its HTTP status. `null` codes are expressed by `code: null`. */
export const errorStatus = {
  not_found: 404,
  route_not_found: 404,
  invalid_json: 400,
  invalid_value: 400,
  invalid_type: 400,
  invalid_item: 400,
  invalid_request: 400,
  missing_required_parameter: 400,
  unknown_parameter: 400,
  string_above_max_length: 400,
  string_below_min_length: 400,
  array_above_max_length: 400,
  array_below_min_length: 400,
  integer_above_max_value: 400,
  integer_below_min_value: 400,
  object_above_max_properties: 400,
  duplicate_item: 400,
  idempotency_key_reused: 400,
  idempotency_key_in_use: 400,
  idempotency_key_erased: 400,
  invalid_api_key: 401,
  missing_api_key: 401,
  request_too_large: 413,
  request_headers_too_large: 431,
  unsupported_media_type: 415,
  expectation_failed: 417,
  rate_limit_exceeded: 429,
  request_timeout: 408,
  service_unavailable: 503,
  internal_error: 500,
} as const

export type ErrorCode = keyof typeof errorStatus

/** Codes that OpenAI sends as `code: null` on the wire (the status and message carry the meaning). */
const nullWireCodes: ReadonlySet<ErrorCode> = new Set([
  'not_found',
  'route_not_found',
  'invalid_request',
  'duplicate_item',
  'missing_api_key',
  'request_too_large',
  'request_headers_too_large',
  'unsupported_media_type',
  'expectation_failed',
  'request_timeout',
  'service_unavailable',
  'internal_error',
])

export interface AppErrorOptions {
  param?: string | null
  type?: string
  headers?: Record<string, string>
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly param: string | null
  readonly type: string
  readonly headers: Record<string, string> | undefined

  constructor (code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.statusCode = errorStatus[code]
    this.param = options.param ?? null
    this.type = options.type ?? (this.statusCode >= 500 ? ErrorType.server : ErrorType.invalidRequest)
    this.headers = options.headers
  }

  /** The OpenAI error envelope for this error. */
  toBody (): ErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: nullWireCodes.has(this.code) ? null : this.code,
      },
    }
  }
}

export interface ErrorBody {
  error: { message: string, type: string, param: string | null, code: string | null }
}

export const conversationNotFound = (id: string): AppError =>
  new AppError('not_found', `Conversation with id '${id}' not found.`)

export const itemNotFound = (id: string): AppError =>
  new AppError('not_found', `Item with id '${id}' not found in conversation.`)
