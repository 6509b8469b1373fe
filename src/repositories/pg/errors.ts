// PostgreSQL errors the repositories translate. PostgreSQL text cannot hold NUL characters, which
// SQLite stores: an id containing one can never match a row, and any other NUL that reaches the
// server is a client error (400), never a 500.
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

const nulNotAllowed = (): AppError =>
  new AppError('invalid_value', 'Invalid value: text containing NUL characters (\\u0000) is not supported by this server\'s database.', { param: null })

/** Wraps every method of a repository object so NUL-related database errors become a 400. */
export function withTextErrors<T extends object> (repository: T): T {
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
          throw error
        }
      }
  }
  return wrapped as T
}
