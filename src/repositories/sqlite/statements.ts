// Hot-path statements: the SQL is still built by Drizzle from the schema, but executed through
// better-sqlite3 directly. Drizzle's prepared-query wrapper (placeholder filling, result mapping,
// per-call objects) cost more than the SQLite work itself for small indexed reads.
import type Database from 'better-sqlite3'
import { Param, Placeholder, is, type SQL } from 'drizzle-orm'

export interface RawStatement<Row> {
  get (args: Record<string, unknown>): Row | undefined
  all (args: Record<string, unknown>): Row[]
  run (args: Record<string, unknown>): void
}

interface BuildsSql { toSQL (): { sql: string, params: unknown[] } }

/**
 * A LIMIT written as a bare parameter lets SQLite plan with the bound value, so SQLite marks the
 * statement to be re-prepared (parsed and planned again) on every run that rebinds it: a quarter
 * of the CPU of a list request. `(? + 0)` is the same limit, opaque to the planner.
 */
export const opaqueLimit = (parameter: string): string => `(${parameter} + 0)`

/**
 * Prepares `query` once on the raw connection. `keys` names the selected columns in order (the
 * selection object's keys), so rows come back with the same property names Drizzle would give.
 */
export function prepareRaw<Row> (client: Database.Database, query: BuildsSql | SQL, keys: readonly string[]): RawStatement<Row> {
  const { statement, bind } = compile(client, query)
  if (statement.reader) statement.raw(true)
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
    run (args) {
      statement.run(...bind(args))
    },
  }
}

export interface PluckStatement<Value> {
  get (args: Record<string, unknown>): Value | undefined
  all (args: Record<string, unknown>): Value[]
}

/**
 * Prepares a one-column `query` whose rows come back as bare values: better-sqlite3 builds no
 * array or object per row, which for a page of 20 items costs more than reading it.
 */
export function preparePluck<Value> (client: Database.Database, query: BuildsSql | SQL): PluckStatement<Value> {
  const { statement, bind } = compile(client, query)
  statement.pluck()
  return {
    get: (args) => statement.get(...bind(args)) as Value | undefined,
    all: (args) => statement.all(...bind(args)) as Value[],
  }
}

type Binder = (args: Record<string, unknown>) => unknown

/** The query's SQL prepared (a trailing bound LIMIT made opaque), and its arguments in bind order. */
function compile (client: Database.Database, query: BuildsSql | SQL): { statement: Database.Statement, bind: (args: Record<string, unknown>) => unknown[] } {
  const { sql, params } = (query as BuildsSql).toSQL()
  const statement = client.prepare(sql.replace(/ limit \?$/, ` limit ${opaqueLimit('?')}`))
  const binders = params.map(binderOf)
  return { statement, bind: (args) => binders.map((binder) => binder(args)) }
}

/** A placeholder reads its argument (through the column's driver mapping when Drizzle wrapped it); anything else is a constant. */
function binderOf (param: unknown): Binder {
  if (param instanceof Placeholder) return (args) => args[param.name]
  if (is(param, Param) && param.value instanceof Placeholder) {
    const { name } = param.value
    const encoder = param.encoder as { mapToDriverValue?: (value: unknown) => unknown } | undefined
    if (encoder?.mapToDriverValue !== undefined) return (args) => encoder.mapToDriverValue!(args[name])
    return (args) => args[name]
  }
  const value = is(param, Param) ? param.value : param
  return () => value
}
