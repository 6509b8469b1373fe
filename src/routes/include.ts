// The `include` query parameter: known values only, as a set.
import { IncludeValues } from '../schemas/items/index.js'
import { invalidValue } from '../validation/check.js'

const known: ReadonlySet<string> = new Set(IncludeValues)

export function parseInclude (values: readonly string[] | undefined): ReadonlySet<string> {
  if (values === undefined || values.length === 0) return new Set()
  for (const value of values) {
    if (!known.has(value)) throw invalidValue(value, IncludeValues, 'include')
  }
  return new Set(values)
}
