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
 * Query strings carry text: numbers become numbers when written as numbers, and array keys accept one value (`include=a`).
 */
function convertQuery (schema: TSchema, query: Record<string, unknown>): void {
  if (!KindGuard.IsObject(schema)) return
  for (const [key, property] of Object.entries(schema.properties)) {
    const value = query[key]
    if (value === undefined) continue
    if (KindGuard.IsArray(property) && !Array.isArray(value)) query[key] = [value]
    else if (typeof value === 'string' && (KindGuard.IsInteger(property) || KindGuard.IsNumber(property)) && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)) query[key] = Number(value)
  }
}

const compiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = compileChecker(schema)
  if (httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers') {
    return (data: unknown) => {
      const input = { ...(data as Record<string, unknown>) }
      convertQuery(schema, input)
      const value = Value.Default(schema, input)
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
  app.setValidatorCompiler(compiler)
}

export default fp(validation, { name: 'validation', fastify: '5.x' })
