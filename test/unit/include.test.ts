// Include gating: each of the 8 values hides or shows its field, without mutating the item, and
// the hidden form stays a valid ConversationItem.
import { describe, it, expect } from 'vitest'
import { Value } from '@sinclair/typebox/value'
import { hasGatedContent, renderItem } from '../../src/items/include.js'
import { ConversationItemSchema, IncludeValues } from '../../src/schemas/items/index.js'

type Json = Record<string, unknown>

const none: ReadonlySet<string> = new Set()
const all: ReadonlySet<string> = new Set(IncludeValues)

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

const logprob = { token: 'Hi', logprob: -0.5, bytes: [72, 105], top_logprobs: [] }

/** For each include value: a stored item carrying its field, and that item's default rendering. */
const cases: Array<{ include: string, full: Json, hidden: Json }> = [
  {
    include: 'message.output_text.logprobs',
    full: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'Hi', annotations: [], logprobs: [logprob] },
        { type: 'refusal', refusal: 'no' },
      ],
    },
    hidden: {
      id: 'msg_1',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'Hi', annotations: [], logprobs: [] },
        { type: 'refusal', refusal: 'no' },
      ],
    },
  },
  {
    include: 'message.input_image.image_url',
    full: {
      id: 'msg_2',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [
        { type: 'input_text', text: 'Look' },
        { type: 'input_image', image_url: 'https://e.com/a.png', detail: 'auto' },
        { type: 'input_image', file_id: 'file-1', detail: 'low' },
      ],
    },
    hidden: {
      id: 'msg_2',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [
        { type: 'input_text', text: 'Look' },
        { type: 'input_image', image_url: null, detail: 'auto' },
        { type: 'input_image', file_id: 'file-1', detail: 'low' },
      ],
    },
  },
  {
    include: 'reasoning.encrypted_content',
    full: { id: 'rs_1', type: 'reasoning', status: 'completed', summary: [], encrypted_content: 'gAAA' },
    hidden: { id: 'rs_1', type: 'reasoning', status: 'completed', summary: [] },
  },
  {
    include: 'computer_call_output.output.image_url',
    full: { id: 'cuo_1', type: 'computer_call_output', status: 'completed', call_id: 'c', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AA', file_id: 'file-1' } },
    hidden: { id: 'cuo_1', type: 'computer_call_output', status: 'completed', call_id: 'c', output: { type: 'computer_screenshot', file_id: 'file-1' } },
  },
  {
    include: 'code_interpreter_call.outputs',
    full: { id: 'ci_1', type: 'code_interpreter_call', status: 'completed', container_id: 'c', code: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
    hidden: { id: 'ci_1', type: 'code_interpreter_call', status: 'completed', container_id: 'c', code: 'print(1)', outputs: null },
  },
  {
    include: 'file_search_call.results',
    full: { id: 'fs_1', type: 'file_search_call', status: 'completed', queries: ['q'], results: [{ file_id: 'file-1', text: 't', score: 0.9 }] },
    hidden: { id: 'fs_1', type: 'file_search_call', status: 'completed', queries: ['q'], results: null },
  },
  {
    include: 'web_search_call.action.sources',
    full: { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://e.com' }] } },
    hidden: { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } },
  },
]

describe('renderItem', () => {
  for (const { include, full, hidden } of cases) {
    describe(include, () => {
      it('is hidden by default and the hidden form is still a valid item', () => {
        const item = deepFreeze(structuredClone(full))
        expect(renderItem(item, none)).toEqual(hidden)
        expect(item).toEqual(full)
        expect(Value.Check(ConversationItemSchema, full)).toBe(true)
        expect(Value.Check(ConversationItemSchema, hidden)).toBe(true)
      })

      it('is returned when included', () => {
        expect(renderItem(deepFreeze(structuredClone(full)), new Set([include]))).toEqual(full)
        expect(renderItem(full, all)).toEqual(full)
      })

      it('is not shown by the other include values', () => {
        const others = new Set(IncludeValues.filter((value) => value !== include))
        expect(renderItem(full, others)).toEqual(hidden)
      })

      it('marks the item as gated, and its hidden form as not', () => {
        expect(hasGatedContent(full)).toBe(true)
        expect(hasGatedContent(hidden)).toBe(false)
      })
    })
  }

  it('web_search_call.results gates nothing (the spec has no such member)', () => {
    const item = { id: 'ws_2', type: 'web_search_call', status: 'completed', action: { type: 'open_page', url: 'https://e.com' } }
    expect(renderItem(item, none)).toEqual(item)
    expect(renderItem(item, new Set(['web_search_call.results']))).toEqual(item)
    expect(hasGatedContent(item)).toBe(false)
  })

  it('hides encrypted_content even when it is null', () => {
    const item = { id: 'rs_2', type: 'reasoning', summary: [], encrypted_content: null }
    expect(renderItem(item, none)).toEqual({ id: 'rs_2', type: 'reasoning', summary: [] })
    expect(renderItem(item, new Set(['reasoning.encrypted_content']))).toEqual(item)
  })

  it('hides several fields of one message at once', () => {
    const item = deepFreeze({
      id: 'msg_3',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [
        { type: 'input_image', image_url: 'https://e.com/b.png', detail: 'high' },
        { type: 'output_text', text: 'x', annotations: [], logprobs: [logprob] },
      ],
    })
    expect(renderItem(item, none)).toEqual({
      id: 'msg_3',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [
        { type: 'input_image', image_url: null, detail: 'high' },
        { type: 'output_text', text: 'x', annotations: [], logprobs: [] },
      ],
    })
    expect(renderItem(item, new Set(['message.output_text.logprobs']))).toEqual({
      ...item,
      content: [{ type: 'input_image', image_url: null, detail: 'high' }, item.content[1]],
    })
  })

  it('leaves items without gated content as they are', () => {
    const items: Json[] = [
      { id: 'msg_4', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { id: 'msg_5', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'hi', annotations: [], logprobs: [] }] },
      { id: 'fs_2', type: 'file_search_call', status: 'completed', queries: [] },
      { id: 'fs_3', type: 'file_search_call', status: 'completed', queries: [], results: null },
      { id: 'ci_2', type: 'code_interpreter_call', status: 'completed', container_id: 'c', code: null, outputs: null },
      { id: 'cuo_2', type: 'computer_call_output', status: 'completed', call_id: 'c', output: { type: 'computer_screenshot', file_id: 'f' } },
      { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'c', name: 'n', arguments: '{}' },
    ]
    for (const item of items) {
      expect(hasGatedContent(item)).toBe(false)
      expect(renderItem(item, none)).toEqual(item)
    }
  })
})
