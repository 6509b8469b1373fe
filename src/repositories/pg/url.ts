// PostgreSQL URLs without loading node-postgres: deciding which store DATABASE_URL names must not
// pull the driver into a SQLite server's start-up.

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url)

/** The URL without its password, for messages and logs. */
export function redactPostgresUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparsable URL)'
  }
}
