// PostgreSQL errors the repositories translate. PostgreSQL text cannot hold NUL characters, which
// SQLite stores: an id containing one can never match a row, and any other NUL that reaches the
// server is a client error (400), never a 500. Transient conditions (statement timeout, lock or
// serialization conflicts, a server restarting or unreachable) are a retryable 503, as SQLITE_BUSY is.
import { AppError } from '../../errors.js'

/** The PostgreSQL error behind a (possibly Drizzle-wrapped) driver error, if any. */
export function pgErrorOf (error: unknown): { code?: string, constraint?: string, detail?: string } | undefined {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as { code: string }).code)) return e as { code: string }
  }
  return undefined
}

/** False for strings PostgreSQL cannot store or compare (they contain NUL). */
export const storable = (text: string): boolean => !text.includes('\u0000')

// 22021 character_not_in_repertoire (a NUL in a bound parameter), 22P05 untranslatable_character
// (a \u0000 escape cast to jsonb).
const nulErrorCodes = new Set(['22021', '22P05'])

// 57014 query_canceled (statement_timeout), 55P03 lock_not_available, 40001 serialization_failure,
// 40P01 deadlock_detected, 53300 too_many_connections, 57P0x server shutting down or restarting,
// class 08 connection exceptions.
const transientCodes = new Set(['57014', '55P03', '40001', '40P01', '53300', '57P01', '57P02', '57P03'])
const transientNodeCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'])

function isTransient (error: unknown): boolean {
  const code = pgErrorOf(error)?.code
  if (code !== undefined) return transientCodes.has(code) || code.startsWith('08')
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const nodeCode = (e as { code?: unknown }).code
    if (typeof nodeCode === 'string' && transientNodeCodes.has(nodeCode)) return true
    // node-postgres: a pool that could not hand out a connection in time, or a dropped connection.
    if (/timeout exceeded when trying to connect|Connection terminated/i.test(e.message)) return true
  }
  return false
}

const databaseBusy = (): AppError =>
  new AppError('service_unavailable', 'The database is busy. Please retry your request.', { headers: { 'retry-after': '1' } })

const nulNotAllowed = (): AppError =>
  new AppError('invalid_value', 'Invalid value: text containing NUL characters (\\u0000) is not supported by this server\'s database.', { param: null })

/** Wraps every method of a repository object so NUL-related database errors become a 400, transient ones a 503. */
export function withPgErrors<T extends object> (repository: T): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(repository)) {
    wrapped[name] = typeof value !== 'function'
      ? value
      : async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(repository, args)
        } catch (error) {
          const code = pgErrorOf(error)?.code
          if (code !== undefined && nulErrorCodes.has(code)) throw nulNotAllowed()
          if (!(error instanceof AppError) && isTransient(error)) throw databaseBusy()
          throw error
        }
      }
  }
  return wrapped as T
}
