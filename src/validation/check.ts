// Schema checks that fail with OpenAI's error bodies: the first violation of a TypeBox schema
// becomes an AppError whose code, param (`items[3].content[0].type`) and message follow the
// wording of OpenAI's validators.
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { AppError } from '../errors.js'

export type Checker = (value: unknown, param: string) => void

/** Compiles a schema once; the returned function throws the AppError of the first violation. */
export function compileChecker (schema: TSchema): Checker {
  const compiled = TypeCompiler.Compile(schema)
  return (value, param) => {
    if (compiled.Check(value)) return
    const first = compiled.Errors(value).First()
    throw first === undefined
      ? new AppError('invalid_value', `Invalid value for '${param}'.`, { param })
      : toAppError(first, param)
  }
}

/** Joins a base param and a JSON pointer: ('items[3]', '/content/0/type') → 'items[3].content[0].type'. */
export function joinParam (base: string, pointer: string): string {
  let param = base
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(segment)) param += `[${segment}]`
    else param += param === '' ? segment : `.${segment}`
  }
  return param
}

/** "a string", "an integer", "null"… as OpenAI names the kind of a received value. */
export function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string': return 'a string'
    case 'boolean': return 'a boolean'
    case 'number': return Number.isInteger(value) ? 'an integer' : 'a decimal'
    case 'object': return 'an object'
    default: return 'an unsupported value'
  }
}

/** 'a', 'b', and 'c' — OpenAI's list of supported values. */
export function listValues (values: readonly unknown[]): string {
  const quoted = values.map((v) => `'${String(v)}'`)
  if (quoted.length <= 1) return quoted.join('')
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`
}

export function invalidValue (value: unknown, supported: readonly unknown[], param: string): AppError {
  return new AppError('invalid_value', `Invalid value: '${String(value ?? '')}'. Supported values are: ${listValues(supported)}.`, { param })
}

export function invalidType (param: string, expected: string, value: unknown): AppError {
  return new AppError('invalid_type', `Invalid type for '${param}': expected ${expected}, but got ${describeValue(value)} instead.`, { param })
}

export function missingParameter (param: string): AppError {
  return new AppError('missing_required_parameter', `Missing required parameter: '${param}'.`, { param })
}

export function unknownParameter (param: string): AppError {
  return new AppError('unknown_parameter', `Unknown parameter: '${param}'.`, { param })
}

function toAppError (error: ValueError, base: string): AppError {
  const param = joinParam(base, error.path)
  const { schema, value } = error
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return missingParameter(param)
    case ValueErrorType.ObjectAdditionalProperties:
      return unknownParameter(param)
    case ValueErrorType.Union:
      return fromUnion(error, base, param)
    case ValueErrorType.Literal:
      return invalidValue(value, [schema.const], param)
    case ValueErrorType.StringMaxLength:
      return new AppError('string_above_max_length', `Invalid '${param}': string too long. Expected a string with maximum length ${schema.maxLength}, but got a string with length ${(value as string).length} instead.`, { param })
    case ValueErrorType.StringMinLength:
      return new AppError('string_below_min_length', `Invalid '${param}': string too short. Expected a string with minimum length ${schema.minLength}, but got ${(value as string).length === 0 ? 'an empty string' : `a string with length ${(value as string).length}`} instead.`, { param })
    case ValueErrorType.StringPattern:
    case ValueErrorType.StringFormat:
      return new AppError('invalid_value', `Invalid '${param}': '${String(value)}' is not a valid value.`, { param })
    case ValueErrorType.ArrayMaxItems:
      return new AppError('array_above_max_length', `Invalid '${param}': array too long. Expected an array with maximum length ${schema.maxItems}, but got an array with length ${(value as unknown[]).length} instead.`, { param })
    case ValueErrorType.ArrayMinItems:
      return new AppError('array_below_min_length', `Invalid '${param}': array too short. Expected an array with minimum length ${schema.minItems}, but got an array with length ${(value as unknown[]).length} instead.`, { param })
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return new AppError('integer_above_max_value', `Invalid '${param}': integer above maximum value. Expected a value <= ${schema.maximum}, but got ${String(value)} instead.`, { param })
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return new AppError('integer_below_min_value', `Invalid '${param}': integer below minimum value. Expected a value >= ${schema.minimum}, but got ${String(value)} instead.`, { param })
    case ValueErrorType.ObjectMaxProperties:
      return new AppError('object_above_max_properties', `Invalid '${param}': too many properties. Expected an object with at most ${schema.maxProperties} properties, but got an object with ${Object.keys(value as object).length} properties instead.`, { param })
    default:
      return invalidType(param, expectedOf(schema), value)
  }
}

/**
 * A union failed. Pick the variant the client evidently meant (same JSON kind, then same literal
 * `type`), and report that variant's own first error; only when no variant fits, report the union.
 */
function fromUnion (error: ValueError, base: string, param: string): AppError {
  const variants = (error.schema.anyOf ?? []) as TSchema[]
  const { value } = error
  if (variants.every((v) => KindGuard.IsLiteral(v))) {
    return invalidValue(value, variants.map((v) => v.const), param)
  }
  const candidates = variants
    .map((variant, index) => ({ variant, errors: error.errors[index] }))
    .filter(({ variant }) => kindMatches(variant, value))
  let chosen = candidates
  if (candidates.length > 1 && isPlainObject(value)) {
    const typed = candidates.filter(({ variant }) => literalTypeOf(variant) !== undefined)
    if (typed.length > 0 && typeof value.type === 'string') {
      const byType = typed.filter(({ variant }) => literalTypeOf(variant) === value.type)
      if (byType.length === 0) {
        return invalidValue(value.type, typed.map(({ variant }) => literalTypeOf(variant)), joinParam(param, '/type'))
      }
      chosen = byType
    }
  }
  if (chosen.length === 0) return invalidType(param, expectedOf(error.schema), value)
  // Several plausible variants: the one whose first error lies deepest got furthest.
  let best: ValueError | undefined
  for (const { errors } of chosen) {
    const first = errors?.First()
    if (first !== undefined && (best === undefined || depth(first.path) > depth(best.path))) best = first
  }
  return best === undefined ? invalidType(param, expectedOf(error.schema), value) : toAppError(best, base)
}

const depth = (pointer: string): number => pointer.split('/').length

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function literalTypeOf (schema: TSchema): string | undefined {
  const type = KindGuard.IsObject(schema) ? schema.properties.type : undefined
  return type !== undefined && KindGuard.IsLiteral(type) ? String(type.const) : undefined
}

function kindMatches (schema: TSchema, value: unknown): boolean {
  if (KindGuard.IsUnion(schema)) return schema.anyOf.some((v) => kindMatches(v, value))
  if (KindGuard.IsLiteral(schema)) return typeof schema.const === typeof value
  if (KindGuard.IsUnknown(schema) || KindGuard.IsAny(schema)) return true
  switch (schema.type) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number'
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'null': return value === null
    case 'array': return Array.isArray(value)
    case 'object': return isPlainObject(value)
    default: return true
  }
}

/** "a string", "one of a string or an array of objects"… from a schema. */
function expectedOf (schema: TSchema): string {
  if (KindGuard.IsUnion(schema)) {
    const kinds = [...new Set(schema.anyOf.map(expectedOf))]
    return kinds.length === 1 ? kinds[0]! : `one of ${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`
  }
  if (KindGuard.IsLiteral(schema)) return describeValue(schema.const)
  switch (schema.type) {
    case 'string': return 'a string'
    case 'number': return 'a number'
    case 'integer': return 'an integer'
    case 'boolean': return 'a boolean'
    case 'null': return 'null'
    case 'object': return 'an object'
    case 'array': {
      const items = schema.items as TSchema | undefined
      return items !== undefined && items.type === 'object' ? 'an array of objects' : 'an array'
    }
    default: return 'a valid value'
  }
}
