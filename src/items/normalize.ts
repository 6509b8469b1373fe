// Validates the items of a create request and turns each into the form we store and return:
// `type` filled in, string content expanded, defaults filled, keys ordered id, type, status, ….
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { AppError } from '../errors.js'
import { compileChecker, invalidType, invalidValue, missingParameter, type Checker } from '../validation/check.js'
import {
  InputItemSchemas,
  MessageInputSchemas,
  OutputItemSchemas,
  conversationItemTypes,
  inputMessageRoles,
  itemTypeRules,
} from '../schemas/items/index.js'
import { InputFileContent, InputImageContent, InputTextContent } from '../schemas/items/content.js'

export interface NormalizedItem {
  /** The client-supplied id; undefined when the repository must mint one. */
  id: string | undefined
  type: string
  /** The item as stored: `id` first when supplied, then `type`, `status`, the rest. */
  item: Record<string, unknown>
}

type Json = Record<string, unknown>

/** OpenAI's limit per request ("You may add up to 20 items at a time"). */
export const DEFAULT_MAX_ITEMS = 20

/*
 * Accepted types are the 28 a conversation can hold. The two other valid InputItems are refused
 * with the same "Supported values" error as an unknown type:
 * - compaction_trigger asks the Responses API to compact the context here ("must be the final
 *   input item"). It is an instruction, not content: stored, it would come back from list and be
 *   replayed as input by the Agents SDKs, where it is only valid last. The real API stores the
 *   resulting `compaction` item instead, which clients can add directly.
 * - item_reference points at an existing item by id. Adding it to a conversation would either
 *   duplicate that item's id or need a "link" semantics OpenAI does not document; refusing keeps
 *   every listed item a real, self-contained item.
 */
const acceptedTypes: ReadonlySet<string> = new Set(conversationItemTypes)

/**
 * Checkers are compiled on first use: compiling all 28 item schemas up front cost about 100 ms of
 * every boot, and most deployments only ever see a handful of item types.
 */
function lazyChecker (schema: () => TSchema): Checker {
  let compiled: Checker | undefined
  return (value, param) => {
    compiled ??= compileChecker(schema())
    compiled(value, param)
  }
}

const checkers: Record<string, Checker> = Object.fromEntries(
  conversationItemTypes.filter((t) => t !== 'message').map((t) => [t, lazyChecker(() => InputItemSchemas[t]!)]),
)
const checkAssistantMessage = lazyChecker(() => MessageInputSchemas.assistant)
const checkRoleMessage = lazyChecker(() => MessageInputSchemas.other)

/** Validates and normalizes a create request's items; throws the AppError of the first problem. */
export function parseInputItems (raw: unknown[], maxItems: number = DEFAULT_MAX_ITEMS): NormalizedItem[] {
  if (raw.length > maxItems) {
    throw new AppError('array_above_max_length', `Invalid 'items': array too long. Expected an array with maximum length ${maxItems}, but got an array with length ${raw.length} instead.`, { param: 'items' })
  }
  const seen = new Set<string>()
  return raw.map((value, index) => {
    const parsed = parseItem(value, `items[${index}]`)
    if (parsed.id !== undefined) {
      if (seen.has(parsed.id)) {
        throw new AppError('duplicate_item', `Duplicate item found with id ${parsed.id}. Remove duplicate items from your input and try again.`, { param: 'items' })
      }
      seen.add(parsed.id)
    }
    return parsed
  })
}

function parseItem (value: unknown, param: string): NormalizedItem {
  if (!isPlainObject(value)) throw invalidType(param, 'an object', value)
  const type = discriminate(value, param)
  if (!acceptedTypes.has(type)) throw invalidValue(type, conversationItemTypes, `${param}.type`)
  // Checked before the required id, as OpenAI does: such items are refused as a whole.
  if (type === 'reasoning' && value.id == null && value.encrypted_content == null) {
    throw new AppError('invalid_item', 'Invalid item', { param: 'item' })
  }
  if (itemTypeRules[type]!.idRequired && value.id === undefined) throw missingParameter(`${param}.id`)
  if (type === 'message') checkMessage(value, param)
  else checkers[type]!(value, param)
  const id = typeof value.id === 'string' ? value.id : undefined
  return { id, type, item: toStored(type, value, id) }
}

/** The item's type: explicit, or a message when it has a role, or a reference when it is a lone id. */
function discriminate (value: Json, param: string): string {
  const { type } = value
  if (typeof type === 'string') return type
  if (type !== undefined && type !== null) throw invalidType(`${param}.type`, 'a string', type)
  if (value.role !== undefined) return 'message'
  if (value.id !== undefined && Object.keys(value).every((key) => key === 'id' || key === 'type')) return 'item_reference'
  throw invalidValue('', inputMessageRoles, param)
}

/** The allowed parts depend on the role, so the role picks the schema. */
function checkMessage (value: Json, param: string): void {
  const { role } = value
  if (role !== undefined) {
    if (typeof role !== 'string') throw invalidType(`${param}.role`, 'a string', role)
    if (!(inputMessageRoles as readonly string[]).includes(role)) throw invalidValue(role, inputMessageRoles, `${param}.role`)
  }
  if (role === 'assistant') checkAssistantMessage(value, param)
  else checkRoleMessage(value, param)
}

function toStored (type: string, value: Json, id: string | undefined): Json {
  const { id: _id, type: _type, status, ...rest } = value
  const stored: Json = {}
  if (id !== undefined) stored.id = id
  stored.type = type
  const filledStatus = status ?? itemTypeRules[type]!.defaultStatus
  if (filledStatus !== null) stored.status = filledStatus
  Object.assign(stored, rest)
  fillers[type]?.(stored)
  return dropNulls(stored, (OutputItemSchemas as Record<string, TSchema>)[type]!)
}

/** Per-type fixes that make an accepted input valid against its output schema. */
const fillers: Record<string, (item: Json) => void> = {
  message: (item) => {
    const assistant = item.role === 'assistant'
    item.content = typeof item.content === 'string'
      ? [assistant
          ? { type: 'output_text', text: item.content, annotations: [], logprobs: [] }
          : { type: 'input_text', text: item.content }]
      : (item.content as Json[]).map(normalizePart)
  },
  function_call_output: normalizeToolOutput,
  custom_tool_call_output: normalizeToolOutput,
  // The output requires call_id (nullable) and execution. Tool search runs on the server unless
  // the client says otherwise, as for the hosted tool_search tool.
  tool_search_call: fillToolSearch,
  tool_search_output: fillToolSearch,
  shell_call: (item) => {
    const action = item.action as Json
    item.action = { ...action, timeout_ms: action.timeout_ms ?? null, max_output_length: action.max_output_length ?? null }
    item.environment ??= null
  },
  shell_call_output: (item) => {
    item.max_output_length ??= null
  },
}

function normalizeToolOutput (item: Json): void {
  if (Array.isArray(item.output)) item.output = (item.output as Json[]).map(normalizePart)
}

function fillToolSearch (item: Json): void {
  item.call_id ??= null
  item.execution ??= 'server'
}

const partSchemas: Record<string, TSchema> = {
  input_text: InputTextContent,
  input_image: InputImageContent,
  input_file: InputFileContent,
}

/** A content part in its output form: required members filled, disallowed nulls removed. */
function normalizePart (part: Json): Json {
  switch (part.type) {
    case 'output_text':
      return { ...part, annotations: part.annotations ?? [], logprobs: part.logprobs ?? [] }
    case 'input_image':
      return dropNulls({ ...part, detail: part.detail ?? 'auto' }, InputImageContent)
    default: {
      const schema = partSchemas[part.type as string]
      return schema === undefined ? part : dropNulls({ ...part }, schema)
    }
  }
}

/**
 * Removes members sent as null whose output schema does not allow null (the *Param input shapes
 * allow `null` for "not given" where the returned shapes simply leave the member out).
 */
function dropNulls (object: Json, schema: TSchema): Json {
  if (!KindGuard.IsObject(schema)) return object
  for (const [key, value] of Object.entries(object)) {
    const property = schema.properties[key]
    if (value === null && property !== undefined && !Value.Check(property, null)) delete object[key]
  }
  return object
}

function isPlainObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
