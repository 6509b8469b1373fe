// Building blocks shared by the item schema modules: strict objects, nullable fields, string
// enums, free-form maps, ids, statuses and the tool-call `caller` objects.
import { Type, type TLiteral, type TProperties, type TSchema, type TUnion, type TNull, type TOptional, type TObject, type TString } from '@sinclair/typebox'

/** An object that rejects unknown members, as OpenAI's validators do. */
export const Strict = <T extends TProperties>(properties: T): TObject<T> =>
  Type.Object(properties, { additionalProperties: false })

export const Nullable = <T extends TSchema>(schema: T): TUnion<[T, TNull]> => Type.Union([schema, Type.Null()])

/** An optional member that may also be sent as `null` (the spec's `anyOf: [X, null]`). */
export const OptionalNullable = <T extends TSchema>(schema: T): TOptional<TUnion<[T, TNull]>> =>
  Type.Optional(Nullable(schema))

/** A union of string literals; the checker reports it as "Supported values are: …" in this order. */
export const StringEnum = <const T extends readonly string[]>(values: T): TUnion<Array<TLiteral<T[number]>>> =>
  Type.Union(values.map((v) => Type.Literal(v))) as TUnion<Array<TLiteral<T[number]>>>

/**
 * A client-defined JSON object (JSON Schemas, tool arguments, annotations): the spec leaves its
 * members open, so this is the one kind of object that accepts any member.
 */
export const FreeObject = Type.Record(Type.String(), Type.Unknown())

/** A string limited to the spec's bounds. */
export const Str = (min?: number, max?: number): TString =>
  Type.String({ ...(min !== undefined && { minLength: min }), ...(max !== undefined && { maxLength: max }) })

/** Max lengths the spec puts on client-supplied payloads. */
export const TEN_MIB = 10485760
export const TWENTY_MIB = 20971520

/** A client-supplied item id. Empty ids are refused: they could not be addressed in a URL path. */
export const ItemId = Type.String({ minLength: 1 })

/** The `call_id` of the *ItemParam input schemas. */
export const CallId = Type.String({ minLength: 1, maxLength: 64 })

export const ItemStatus = StringEnum(['in_progress', 'completed', 'incomplete'] as const)

/** `caller` on tool calls as the spec's output schemas (and FunctionToolCall input) define it. */
export const ToolCallCaller = Type.Union([
  Strict({ type: Type.Literal('direct') }),
  Strict({ type: Type.Literal('program'), caller_id: Type.String() }),
])

/** `caller` as the *ItemParam input schemas define it (caller_id limited to 64 characters). */
export const ToolCallCallerParam = Type.Union([
  Strict({ type: Type.Literal('direct') }),
  Strict({ type: Type.Literal('program'), caller_id: CallId }),
])

/** `created_by` is output-only in the spec; accepted on input so items replayed from OpenAI round-trip. */
export const CreatedBy = Type.Optional(Type.String())

export const MessageRole = StringEnum(['unknown', 'user', 'assistant', 'system', 'critic', 'discriminator', 'developer', 'tool'] as const)

export const MessagePhase = StringEnum(['commentary', 'final_answer'] as const)
