// Metadata rules (16 pairs, keys ≤ 64, values ≤ 512, strings only), enforced for every writer.
import { AppError } from '../errors.js'
import { describeValue } from '../validation/check.js'
import type { Metadata } from './types.js'

export const metadataLimits = { maxPairs: 16, maxKeyLength: 64, maxValueLength: 512 } as const

/** Returns the metadata as a plain map, or throws OpenAI's error for the first broken rule. */
export function validateMetadata (value: unknown, param = 'metadata'): Metadata {
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('invalid_type', `Invalid type for '${param}': expected an object, but got ${describeValue(value)} instead.`, { param })
  }
  const entries = Object.entries(value)
  if (entries.length > metadataLimits.maxPairs) {
    throw new AppError('object_above_max_properties', `Invalid '${param}': too many properties. Expected an object with at most ${metadataLimits.maxPairs} properties, but got an object with ${entries.length} properties instead.`, { param })
  }
  const result: Metadata = {}
  for (const [key, v] of entries) {
    const keyParam = `${param}.${key}`
    if (key.length > metadataLimits.maxKeyLength) {
      throw new AppError('string_above_max_length', `Invalid property name in '${param}': '${key}' is too long. Expected a string with maximum length ${metadataLimits.maxKeyLength}, but got a string with length ${key.length} instead.`, { param: keyParam })
    }
    if (typeof v !== 'string') {
      throw new AppError('invalid_type', `Invalid type for '${keyParam}': expected a string, but got ${describeValue(v)} instead.`, { param: keyParam })
    }
    if (v.length > metadataLimits.maxValueLength) {
      throw new AppError('string_above_max_length', `Invalid '${keyParam}': string too long. Expected a string with maximum length ${metadataLimits.maxValueLength}, but got a string with length ${v.length} instead.`, { param: keyParam })
    }
    // defineProperty: a key named "__proto__" must stay plain data.
    Object.defineProperty(result, key, { value: v, enumerable: true, writable: true, configurable: true })
  }
  return result
}
