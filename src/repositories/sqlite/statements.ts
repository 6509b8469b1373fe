// Hot-path statements: the SQL is still built by Drizzle from the schema, but executed through
// better-sqlite3 directly. Drizzle's prepared-query wrapper (placeholder filling, result mapping,
// per-call objects) cost more than the SQLite work itself for small indexed reads.
import type Database from 'better-sqlite3'
import { Placeholder, type SQL } from 'drizzle-orm'

export interface RawStatement<Row> {
  get (args: Record<string, unknown>): Row | undefined
  all (args: Record<string, unknown>): Row[]
}

interface BuildsSql { toSQL (): { sql: string, params: unknown[] } }

/**
 * Prepares `query` once on the raw connection. `keys` names the selected columns in order (the
 * selection object's keys), so rows come back with the same property names Drizzle would give.
 */
export function prepareRaw<Row> (client: Database.Database, query: BuildsSql | SQL, keys: readonly string[]): RawStatement<Row> {
  const { sql, params } = (query as BuildsSql).toSQL()
  const statement = client.prepare(sql).raw(true)
  const bind = (args: Record<string, unknown>): unknown[] =>
    params.map((param) => (param instanceof Placeholder ? args[param.name] : param))
  const toRow = (values: unknown[]): Row => {
    const row: Record<string, unknown> = {}
    for (let i = 0; i < keys.length; i++) row[keys[i]!] = values[i]
    return row as Row
  }
  return {
    get (args) {
      const values = statement.get(...bind(args)) as unknown[] | undefined
      return values === undefined ? undefined : toRow(values)
    },
    all (args) {
      return (statement.all(...bind(args)) as unknown[][]).map(toRow)
    },
  }
}
