// Route validation with TypeBox instead of Fastify's default Ajv: OpenAI's error bodies need the
// exact param path and code of the first violation, which the shared checker produces. Query
// strings are converted (limit=20 → 20) and defaulted before the check; bodies are not coerced.
import { type TSchema, KindGuard } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { compileChecker, describeValue } from '../validation/check.js'

/**
 * Query strings carry text: numbers become numbers when written as numbers, and array keys accept
 * one value (`include=a`). What each property needs is worked out once per schema, not per request.
 */
function queryConverter (schema: TSchema): (query: Record<string, unknown>) => void {
  if (!KindGuard.IsObject(schema)) return () => {}
  const arrays: string[] = []
  const numbers: string[] = []
  for (const [key, property] of Object.entries(schema.properties)) {
    if (KindGuard.IsArray(property)) arrays.push(key)
    else if (KindGuard.IsInteger(property) || KindGuard.IsNumber(property)) numbers.push(key)
  }
  return (query) => {
    for (const key of arrays) {
      const value = query[key]
      if (value !== undefined && !Array.isArray(value)) query[key] = [value]
    }
    for (const key of numbers) {
      const value = query[key]
      if (typeof value === 'string' && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) query[key] = Number(value)
    }
  }
}

/** Top-level defaults of an object schema (all our query and path schemas are flat). */
function defaulter (schema: TSchema): (input: Record<string, unknown>) => Record<string, unknown> {
  if (!KindGuard.IsObject(schema)) return (input) => Value.Default(schema, input) as Record<string, unknown>
  const defaults = Object.entries(schema.properties).filter(([, property]) => property.default !== undefined)
  return (input) => {
    for (const [key, property] of defaults) {
      if (input[key] === undefined) input[key] = typeof property.default === 'object' ? structuredClone(property.default) : property.default
    }
    return input
  }
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = compileChecker(schema)
  if (httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers') {
    const convert = queryConverter(schema)
    const fillDefaults = defaulter(schema)
    return (data: unknown) => {
      const input = { ...(data as Record<string, unknown>) }
      convert(input)
      const value = fillDefaults(input)
      try {
        check(value, '')
        return { value }
      } catch (error) {
        return { error: error as Error }
      }
    }
  }
  return (data: unknown) => {
    // An absent body is an empty object: `POST /conversations` with no body creates one.
    const value = data === undefined || data === null ? {} : data
    if (typeof value !== 'object' || Array.isArray(value)) {
      return { error: new AppError('invalid_type', `Invalid type for request body: expected an object, but got ${describeValue(value)} instead.`) }
    }
    try {
      check(value, '')
      return { value }
    } catch (error) {
      return { error: error as Error }
    }
  }
}

async function validation (app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)
}

export default fp(validation, { name: 'validation', fastify: '5.x' })
