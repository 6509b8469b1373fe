// The item schemas: which types exist, strictness, the per-type rules and the list envelope.
import { describe, it, expect } from 'vitest'
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import {
  ConversationItemListSchema,
  ConversationItemSchema,
  IncludeSchema,
  IncludeValues,
  InputItemSchemas,
  OutputItemSchemas,
  conversationItemTypes,
  itemTypeRules,
} from '../../src/schemas/items/index.js'

/** Every object schema with declared members, anywhere inside `schema`. */
function declaredObjects (schema: unknown, found: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(schema)) {
    for (const entry of schema) declaredObjects(entry, found)
  } else if (typeof schema === 'object' && schema !== null) {
    const record = schema as Record<string, unknown>
    if (record.type === 'object' && record.properties !== undefined) found.push(record)
    for (const value of Object.values(record)) declaredObjects(value, found)
  }
  return found
}

const typeOf = (schema: TSchema): unknown => (schema.properties as Record<string, TSchema>).type?.const

describe('item schemas', () => {
  it('accept the 28 conversation item types plus compaction_trigger and item_reference', () => {
    expect(Object.keys(InputItemSchemas).sort()).toEqual([...conversationItemTypes, 'compaction_trigger', 'item_reference'].sort())
    expect(conversationItemTypes).toHaveLength(28)
  })

  it('return one ConversationItem variant per type, each typed by a literal', () => {
    const variants = ConversationItemSchema.anyOf as TSchema[]
    expect(variants.map(typeOf)).toEqual(conversationItemTypes)
    expect(Object.keys(OutputItemSchemas)).toEqual(conversationItemTypes)
  })

  it('reject unknown members on every declared object, input and output', () => {
    const objects = declaredObjects([Object.values(InputItemSchemas), ConversationItemSchema])
    expect(objects.length).toBeGreaterThan(100)
    expect(objects.filter((o) => o.additionalProperties !== false)).toEqual([])
  })

  it('carry no $id (plain schemas the checker and Fastify can embed)', () => {
    expect(JSON.stringify(ConversationItemListSchema)).not.toContain('$id')
    expect(JSON.stringify(Object.values(InputItemSchemas))).not.toContain('$id')
  })

  it('require a client id exactly for the types the spec marks', () => {
    const required = Object.entries(itemTypeRules).filter(([, rule]) => rule.idRequired).map(([type]) => type).sort()
    expect(required).toEqual([
      'code_interpreter_call',
      'computer_call',
      'file_search_call',
      'image_generation_call',
      'item_reference',
      'local_shell_call',
      'local_shell_call_output',
      'mcp_approval_request',
      'mcp_call',
      'mcp_list_tools',
      'program',
      'program_output',
      'reasoning',
      'web_search_call',
    ])
  })

  it('default status to completed exactly for the types whose output requires one', () => {
    const withStatus = Object.entries(itemTypeRules).filter(([, rule]) => rule.defaultStatus === 'completed').map(([type]) => type).sort()
    expect(withStatus).toEqual([
      'apply_patch_call',
      'apply_patch_call_output',
      'code_interpreter_call',
      'computer_call',
      'computer_call_output',
      'file_search_call',
      'function_call',
      'function_call_output',
      'image_generation_call',
      'local_shell_call',
      'message',
      'program_output',
      'shell_call',
      'shell_call_output',
      'tool_search_call',
      'tool_search_output',
      'web_search_call',
    ])
    expect(Object.values(itemTypeRules).every((rule) => rule.defaultStatus === 'completed' || rule.defaultStatus === null)).toBe(true)
    expect(itemTypeRules.compaction_trigger).toEqual({ idRequired: false, defaultStatus: null })
    expect(itemTypeRules.reasoning).toEqual({ idRequired: true, defaultStatus: null })
  })

  it('list the 8 include values', () => {
    expect(IncludeValues).toEqual([
      'file_search_call.results',
      'web_search_call.results',
      'web_search_call.action.sources',
      'message.input_image.image_url',
      'computer_call_output.output.image_url',
      'code_interpreter_call.outputs',
      'reasoning.encrypted_content',
      'message.output_text.logprobs',
    ])
    for (const value of IncludeValues) expect(Value.Check(IncludeSchema, value)).toBe(true)
    expect(Value.Check(IncludeSchema, 'message.content')).toBe(false)
  })
})

describe('ConversationItemSchema', () => {
  it("accepts the spec's create-items example response", () => {
    expect(Value.Check(ConversationItemListSchema, {
      object: 'list',
      data: [
        { type: 'message', id: 'msg_abc', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'Hello!' }] },
        { type: 'message', id: 'msg_def', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'How are you?' }] },
      ],
      first_id: 'msg_abc',
      last_id: 'msg_def',
      has_more: false,
    })).toBe(true)
  })

  it('accepts an empty list with empty first/last ids', () => {
    expect(Value.Check(ConversationItemListSchema, { object: 'list', data: [], first_id: '', last_id: '', has_more: false })).toBe(true)
  })

  it('refuses what a client may send but we must never return', () => {
    const invalid: unknown[] = [
      // output_text without logprobs (the SDKs need both arrays)
      { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'x', annotations: [] }] },
      // no status
      { type: 'message', id: 'msg_1', role: 'user', content: [] },
      // no id
      { type: 'function_call', status: 'completed', call_id: 'c', name: 'n', arguments: '{}' },
      // an unknown member
      { type: 'compaction', id: 'cmp_1', encrypted_content: 'e', extra: 1 },
      // a type conversations do not hold
      { type: 'compaction_trigger', id: 'cmpt_1' },
      // null where the output has no null
      { type: 'function_call_output', id: 'fco_1', status: 'completed', output: 'x', call_id: null },
      // input_image without detail
      { type: 'message', id: 'msg_1', status: 'completed', role: 'user', content: [{ type: 'input_image', image_url: 'https://e.com/a.png' }] },
    ]
    for (const item of invalid) expect(Value.Check(ConversationItemSchema, item)).toBe(false)
  })
})
