// parseInputItems: one example per type round-tripped to a valid returned item, the shapes the
// SDKs send, and every error case with OpenAI's exact code, param and message.
import { describe, it, expect } from 'vitest'
import { Value } from '@sinclair/typebox/value'
import { parseInputItems, type NormalizedItem } from '../../src/items/normalize.js'
import { ConversationItemSchema, OutputItemSchemas, conversationItemTypes } from '../../src/schemas/items/index.js'
import { AppError } from '../../src/errors.js'
import { newId, type IdKind } from '../../src/repositories/ids.js'

type Json = Record<string, unknown>

/** What the repository does: a minted id (with the type's prefix) first, unless the client gave one. */
const withId = (parsed: NormalizedItem): Json =>
  parsed.id !== undefined ? parsed.item : { id: newId(parsed.type as IdKind), ...parsed.item }

const parseOne = (input: unknown): NormalizedItem => {
  const [parsed] = parseInputItems([input])
  return parsed!
}

const errorOf = (run: () => unknown): Json => {
  try {
    run()
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return { status: error.statusCode, code: error.code, param: error.param, message: error.message }
  }
  throw new Error('expected an AppError')
}

const supportedTypes = "'message', 'function_call', 'function_call_output', 'file_search_call', 'web_search_call', " +
  "'image_generation_call', 'computer_call', 'computer_call_output', 'tool_search_call', 'tool_search_output', " +
  "'additional_tools', 'reasoning', 'program', 'program_output', 'compaction', 'code_interpreter_call', " +
  "'local_shell_call', 'local_shell_call_output', 'shell_call', 'shell_call_output', 'apply_patch_call', " +
  "'apply_patch_call_output', 'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response', 'mcp_call', " +
  "'custom_tool_call', and 'custom_tool_call_output'"

/** One minimal valid input per type, and the item we store for it (before the repository's id). */
const examples: Record<string, { input: Json, stored: Json }> = {
  message: {
    input: {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'Look' },
        { type: 'input_image', image_url: 'https://example.com/a.png' },
        { type: 'input_file', file_id: 'file-1', filename: null },
      ],
    },
    stored: {
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [
        { type: 'input_text', text: 'Look' },
        { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
        { type: 'input_file', file_id: 'file-1' },
      ],
    },
  },
  function_call: {
    input: { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    stored: { type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
  },
  function_call_output: {
    input: { type: 'function_call_output', call_id: 'call_1', output: '{"temp":21}' },
    stored: { type: 'function_call_output', status: 'completed', call_id: 'call_1', output: '{"temp":21}' },
  },
  file_search_call: {
    input: {
      id: 'fs_1',
      type: 'file_search_call',
      status: 'completed',
      queries: ['q'],
      results: [{ file_id: 'file-1', text: 't', filename: 'a.txt', attributes: { k: 'v', n: 1 }, score: 0.5 }],
    },
    stored: {
      id: 'fs_1',
      type: 'file_search_call',
      status: 'completed',
      queries: ['q'],
      results: [{ file_id: 'file-1', text: 't', filename: 'a.txt', attributes: { k: 'v', n: 1 }, score: 0.5 }],
    },
  },
  web_search_call: {
    input: { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://e.com' }] } },
    stored: { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q', sources: [{ type: 'url', url: 'https://e.com' }] } },
  },
  image_generation_call: {
    input: { type: 'image_generation_call', id: 'ig_1', status: 'completed', result: 'aGk=' },
    stored: { id: 'ig_1', type: 'image_generation_call', status: 'completed', result: 'aGk=' },
  },
  computer_call: {
    input: { type: 'computer_call', id: 'cu_1', call_id: 'call_c', action: { type: 'click', button: 'left', x: 1, y: 2 }, pending_safety_checks: [], status: 'completed' },
    stored: { id: 'cu_1', type: 'computer_call', status: 'completed', call_id: 'call_c', action: { type: 'click', button: 'left', x: 1, y: 2 }, pending_safety_checks: [] },
  },
  computer_call_output: {
    input: { type: 'computer_call_output', call_id: 'call_c', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AAA' }, acknowledged_safety_checks: null },
    stored: { type: 'computer_call_output', status: 'completed', call_id: 'call_c', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AAA' } },
  },
  tool_search_call: {
    input: { type: 'tool_search_call', arguments: { query: 'weather' } },
    stored: { type: 'tool_search_call', status: 'completed', arguments: { query: 'weather' }, call_id: null, execution: 'server' },
  },
  tool_search_output: {
    input: { type: 'tool_search_output', call_id: 'call_t', execution: 'client', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }] },
    stored: { type: 'tool_search_output', status: 'completed', call_id: 'call_t', execution: 'client', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }] },
  },
  additional_tools: {
    input: { type: 'additional_tools', role: 'developer', tools: [{ type: 'web_search' }] },
    stored: { type: 'additional_tools', role: 'developer', tools: [{ type: 'web_search' }] },
  },
  reasoning: {
    input: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'enc' },
    stored: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'enc' },
  },
  program: {
    input: { type: 'program', id: 'prg_1', call_id: 'call_p', code: '1+1', fingerprint: 'fp' },
    stored: { id: 'prg_1', type: 'program', call_id: 'call_p', code: '1+1', fingerprint: 'fp' },
  },
  program_output: {
    input: { type: 'program_output', id: 'prgo_1', call_id: 'call_p', result: '2', status: 'incomplete' },
    stored: { id: 'prgo_1', type: 'program_output', status: 'incomplete', call_id: 'call_p', result: '2' },
  },
  compaction: {
    input: { type: 'compaction', encrypted_content: 'enc' },
    stored: { type: 'compaction', encrypted_content: 'enc' },
  },
  code_interpreter_call: {
    input: { type: 'code_interpreter_call', id: 'ci_1', status: 'completed', container_id: 'cntr_1', code: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
    stored: { id: 'ci_1', type: 'code_interpreter_call', status: 'completed', container_id: 'cntr_1', code: 'print(1)', outputs: [{ type: 'logs', logs: '1' }] },
  },
  local_shell_call: {
    input: { type: 'local_shell_call', id: 'lsh_1', call_id: 'call_l', action: { type: 'exec', command: ['ls'], env: {} }, status: 'completed' },
    stored: { id: 'lsh_1', type: 'local_shell_call', status: 'completed', call_id: 'call_l', action: { type: 'exec', command: ['ls'], env: {} } },
  },
  local_shell_call_output: {
    input: { type: 'local_shell_call_output', id: 'lsho_1', output: '{"stdout":""}' },
    stored: { id: 'lsho_1', type: 'local_shell_call_output', output: '{"stdout":""}' },
  },
  shell_call: {
    input: { type: 'shell_call', call_id: 'call_s', action: { commands: ['ls'] } },
    stored: { type: 'shell_call', status: 'completed', call_id: 'call_s', action: { commands: ['ls'], timeout_ms: null, max_output_length: null }, environment: null },
  },
  shell_call_output: {
    input: { type: 'shell_call_output', call_id: 'call_s', output: [{ stdout: 'a', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] },
    stored: { type: 'shell_call_output', status: 'completed', call_id: 'call_s', output: [{ stdout: 'a', stderr: '', outcome: { type: 'exit', exit_code: 0 } }], max_output_length: null },
  },
  apply_patch_call: {
    input: { type: 'apply_patch_call', call_id: 'call_a', status: 'in_progress', operation: { type: 'create_file', path: 'a.txt', diff: '+a' } },
    stored: { type: 'apply_patch_call', status: 'in_progress', call_id: 'call_a', operation: { type: 'create_file', path: 'a.txt', diff: '+a' } },
  },
  apply_patch_call_output: {
    input: { type: 'apply_patch_call_output', call_id: 'call_a', status: 'failed', output: 'conflict' },
    stored: { type: 'apply_patch_call_output', status: 'failed', call_id: 'call_a', output: 'conflict' },
  },
  mcp_list_tools: {
    input: { type: 'mcp_list_tools', id: 'mcpl_1', server_label: 'srv', tools: [{ name: 't', input_schema: { type: 'object' } }] },
    stored: { id: 'mcpl_1', type: 'mcp_list_tools', server_label: 'srv', tools: [{ name: 't', input_schema: { type: 'object' } }] },
  },
  mcp_approval_request: {
    input: { type: 'mcp_approval_request', id: 'mcpr_1', server_label: 'srv', name: 't', arguments: '{}' },
    stored: { id: 'mcpr_1', type: 'mcp_approval_request', server_label: 'srv', name: 't', arguments: '{}' },
  },
  mcp_approval_response: {
    input: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
    stored: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
  },
  mcp_call: {
    input: { type: 'mcp_call', id: 'mcp_1', server_label: 'srv', name: 't', arguments: '{}', output: 'ok' },
    stored: { id: 'mcp_1', type: 'mcp_call', server_label: 'srv', name: 't', arguments: '{}', output: 'ok' },
  },
  custom_tool_call: {
    input: { type: 'custom_tool_call', call_id: 'call_x', name: 'grep', input: 'foo' },
    stored: { type: 'custom_tool_call', call_id: 'call_x', name: 'grep', input: 'foo' },
  },
  custom_tool_call_output: {
    input: { type: 'custom_tool_call_output', call_id: 'call_x', output: 'bar' },
    stored: { type: 'custom_tool_call_output', call_id: 'call_x', output: 'bar' },
  },
}

/** Inputs that use (nearly) every optional member the spec defines, also round-tripped. */
const fullInputs: Json[] = [
  {
    type: 'message',
    id: 'msg_a1',
    role: 'assistant',
    status: 'incomplete',
    phase: 'final_answer',
    content: [
      {
        type: 'output_text',
        text: 'Paris',
        annotations: [
          { type: 'url_citation', url: 'https://e.com', start_index: 0, end_index: 5, title: 'E' },
          { type: 'file_citation', file_id: 'file-1', index: 0, filename: 'a.txt' },
          { type: 'container_file_citation', container_id: 'cntr_1', file_id: 'file-2', start_index: 0, end_index: 1, filename: 'b.txt' },
          { type: 'file_path', file_id: 'file-3', index: 2 },
        ],
        logprobs: [{ token: 'Paris', logprob: -0.1, bytes: [80], top_logprobs: [{ token: 'Paris', logprob: -0.1, bytes: [80] }] }],
      },
      { type: 'refusal', refusal: 'no' },
    ],
  },
  {
    role: 'developer',
    phase: null,
    content: [
      { type: 'input_text', text: 'rules', prompt_cache_breakpoint: { mode: 'explicit' } },
      { type: 'input_image', file_id: 'file-9', image_url: null, detail: 'original', prompt_cache_breakpoint: null },
      { type: 'input_file', file_url: 'https://e.com/f.pdf', detail: 'low', file_data: null },
    ],
  },
  {
    type: 'function_call',
    id: 'fc_1',
    call_id: 'call_9',
    name: 'lookup',
    namespace: 'crm',
    arguments: '{}',
    caller: { type: 'program', caller_id: 'call_p' },
    status: 'in_progress',
    created_by: 'user_1',
  },
  {
    type: 'function_call_output',
    id: null,
    call_id: 'call_9',
    name: 'lookup',
    namespace: 'crm',
    caller: { type: 'direct' },
    status: null,
    output: [
      { type: 'input_text', text: 'ok', prompt_cache_breakpoint: null },
      { type: 'input_image', file_id: 'file-2', detail: null },
      { type: 'input_file', filename: 'r.csv', file_data: 'YQ==', file_id: null },
    ],
  },
  {
    type: 'computer_call',
    id: 'cu_2',
    call_id: 'call_c2',
    actions: [
      { type: 'double_click', x: 1, y: 1, keys: null },
      { type: 'drag', path: [{ x: 0, y: 0 }, { x: 5, y: 5 }] },
      { type: 'keypress', keys: ['CTRL', 'C'] },
      { type: 'move', x: 3, y: 4, keys: ['SHIFT'] },
      { type: 'screenshot' },
      { type: 'scroll', x: 0, y: 0, scroll_x: 0, scroll_y: 100 },
      { type: 'type', text: 'hello' },
      { type: 'wait' },
    ],
    pending_safety_checks: [{ id: 'sc_1', code: null, message: 'careful' }],
  },
  {
    type: 'computer_call_output',
    id: 'cuo_2',
    call_id: 'call_c2',
    output: { type: 'computer_screenshot', file_id: 'file-4' },
    acknowledged_safety_checks: [{ id: 'sc_1' }],
    status: 'incomplete',
    created_by: 'user_1',
  },
  { id: 'ws_2', type: 'web_search_call', status: 'failed', action: { type: 'open_page', url: null } },
  { id: 'ws_3', type: 'web_search_call', action: { type: 'find_in_page', url: 'https://e.com', pattern: 'x' } },
  { id: 'ci_2', type: 'code_interpreter_call', status: 'failed', container_id: 'c', code: null, outputs: null },
  {
    type: 'tool_search_output',
    id: 'tso_1',
    call_id: null,
    status: 'incomplete',
    tools: [
      { type: 'function', name: 'f', description: null, parameters: null, strict: null, output_schema: { type: 'string' }, defer_loading: true, allowed_callers: ['direct'] },
      {
        type: 'file_search',
        vector_store_ids: ['vs_1'],
        max_num_results: 5,
        ranking_options: { ranker: 'auto', score_threshold: 0.2, hybrid_search: { embedding_weight: 1, text_weight: 1 } },
        filters: { type: 'and', filters: [{ type: 'eq', key: 'k', value: 'v' }, { type: 'or', filters: [{ type: 'in', key: 'n', value: [1, 'a'] }] }] },
      },
      { type: 'computer' },
      { type: 'computer_use_preview', environment: 'browser', display_width: 1024, display_height: 768 },
      { type: 'web_search_2025_08_26', external_web_access: false, filters: { allowed_domains: ['e.com'] }, user_location: { type: 'approximate', city: 'Paris' }, search_context_size: 'low' },
      {
        type: 'mcp',
        server_label: 'srv',
        server_url: 'https://mcp.example.com',
        headers: { 'X-Key': 'v' },
        allowed_tools: { tool_names: ['a'], read_only: true },
        require_approval: { never: { tool_names: ['a'] } },
        allowed_callers: ['programmatic'],
      },
      { type: 'mcp', server_label: 'srv2', connector_id: 'connector_gmail', allowed_tools: ['x'], require_approval: 'never' },
      { type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-1'], memory_limit: '4g', network_policy: { type: 'allowlist', allowed_domains: ['e.com'] } } },
      { type: 'code_interpreter', container: 'cntr_1' },
      { type: 'programmatic_tool_calling' },
      { type: 'image_generation', model: 'gpt-image-1', quality: 'high', size: '1024x1024', output_compression: 50, input_image_mask: { file_id: 'file-5' }, partial_images: 2, action: 'edit' },
      { type: 'local_shell' },
      { type: 'shell', environment: { type: 'container_auto', skills: [{ type: 'skill_reference', skill_id: 'sk_1' }, { type: 'inline', name: 'n', description: 'd', source: { type: 'base64', media_type: 'application/zip', data: 'UEs=' } }] } },
      { type: 'custom', name: 'grep', format: { type: 'grammar', syntax: 'lark', definition: 'start: "a"' } },
      { type: 'namespace', name: 'crm', description: 'CRM tools', tools: [{ type: 'function', name: 'lookup' }, { type: 'custom', name: 'c' }] },
      { type: 'tool_search', execution: 'client', description: 'find tools', parameters: { type: 'object' } },
      { type: 'web_search_preview_2025_03_11', user_location: { type: 'approximate', country: 'FR' }, search_content_types: ['text'] },
      { type: 'apply_patch', allowed_callers: null },
    ],
  },
  {
    type: 'reasoning',
    id: 'rs_2',
    summary: [],
    content: [{ type: 'reasoning_text', text: 'thinking' }],
    encrypted_content: null,
    status: 'in_progress',
  },
  { type: 'compaction', id: 'cmp_1', encrypted_content: 'enc', created_by: 'user_1' },
  {
    type: 'local_shell_call',
    id: 'lsh_2',
    call_id: 'call_l2',
    action: { type: 'exec', command: ['env'], env: { A: 'b' }, timeout_ms: 1000, working_directory: '/tmp', user: null },
  },
  { type: 'local_shell_call_output', id: 'lsho_2', call_id: 'call_l2', output: '', status: null },
  {
    type: 'shell_call',
    id: 'sh_1',
    call_id: 'call_s2',
    caller: { type: 'direct' },
    action: { commands: ['ls'], timeout_ms: 10, max_output_length: 100 },
    status: 'incomplete',
    environment: { type: 'local', skills: [{ name: 's', description: 'd', path: '/s' }] },
  },
  { type: 'shell_call', call_id: 'call_s3', action: { commands: [] }, environment: { type: 'container_reference', container_id: 'cntr_1' } },
  {
    type: 'shell_call_output',
    id: 'sho_1',
    call_id: 'call_s2',
    output: [{ stdout: '', stderr: 'slow', outcome: { type: 'timeout' } }],
    max_output_length: 100,
    status: 'incomplete',
  },
  { type: 'apply_patch_call', id: 'apc_1', call_id: 'call_a2', operation: { type: 'update_file', path: 'a', diff: '-a' }, caller: null },
  { type: 'apply_patch_call', call_id: 'call_a3', operation: { type: 'delete_file', path: 'a' } },
  { type: 'apply_patch_call_output', id: 'apco_1', call_id: 'call_a2', status: 'completed', output: null },
  { type: 'mcp_list_tools', id: 'mcpl_2', server_label: 'srv', tools: [{ name: 't', description: null, input_schema: {}, annotations: { readOnlyHint: true } }], error: 'partial' },
  { type: 'mcp_approval_response', id: 'mcpa_1', approval_request_id: 'mcpr_1', approve: false, reason: 'no' },
  {
    type: 'mcp_call',
    id: 'mcp_2',
    server_label: 'srv',
    name: 't',
    arguments: '{}',
    output: null,
    error: { type: 'mcp_tool_execution_error', content: [{ type: 'text', text: 'boom' }] },
    status: 'failed',
    approval_request_id: 'mcpr_1',
  },
  { type: 'mcp_call', id: 'mcp_3', server_label: 'srv', name: 't', arguments: '{}', error: { type: 'http_error', code: 502, message: 'bad gateway' } },
  { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_x2', name: 'grep', input: 'x', namespace: 'tools', caller: { type: 'direct' } },
  { type: 'custom_tool_call_output', id: 'ctco_1', call_id: 'call_x2', caller: null, output: [{ type: 'input_text', text: 'found' }] },
  { type: 'program', id: 'prg_2', call_id: 'call_p2', code: '', fingerprint: '' },
  { type: 'program_output', id: 'prgo_2', call_id: 'call_p2', result: '' },
  { type: 'additional_tools', id: 'at_1', role: 'developer', tools: [] },
  { type: 'tool_search_call', id: 'tsc_1', call_id: 'call_t2', execution: 'client', arguments: {}, status: 'completed', created_by: 'user_1' },
]

describe('parseInputItems: one example per type', () => {
  it('has an example for each of the 28 conversation item types', () => {
    expect(Object.keys(examples).sort()).toEqual([...conversationItemTypes].sort())
  })

  for (const [type, { input, stored }] of Object.entries(examples)) {
    it(`${type}: normalizes and returns a valid ConversationItem`, () => {
      const parsed = parseOne(input)
      expect(parsed).toEqual({ id: stored.id, type, item: stored })
      const returned = withId(parsed)
      expect(Value.Check(ConversationItemSchema, returned)).toBe(true)
      expect(Value.Check(OutputItemSchemas[type as keyof typeof OutputItemSchemas], returned)).toBe(true)
    })
  }

  it('round-trips inputs using the optional members of every type', () => {
    const parsed = parseInputItems(fullInputs.map((input) => JSON.parse(JSON.stringify(input)) as unknown), 100)
    for (const item of parsed) {
      const returned = withId(item)
      const errors = [...Value.Errors(ConversationItemSchema, returned)].map((e) => `${e.path}: ${e.message}`)
      expect({ type: item.type, errors }).toEqual({ type: item.type, errors: [] })
    }
    expect(parsed.map((p) => p.item).find((i) => i.role === 'assistant')).toEqual({
      id: 'msg_a1',
      type: 'message',
      status: 'incomplete',
      role: 'assistant',
      phase: 'final_answer',
      content: (fullInputs[0] as { content: unknown }).content,
    })
    expect(parsed.map((p) => p.item).find((i) => i.type === 'function_call_output')).toEqual({
      type: 'function_call_output',
      status: 'completed',
      call_id: 'call_9',
      name: 'lookup',
      namespace: 'crm',
      caller: { type: 'direct' },
      output: [
        { type: 'input_text', text: 'ok' },
        { type: 'input_image', file_id: 'file-2', detail: 'auto' },
        { type: 'input_file', filename: 'r.csv', file_data: 'YQ==', file_id: null },
      ],
    })
  })

  it('puts id, type and status first, then the rest in the order sent', () => {
    const parsed = parseOne({ content: 'Hi', role: 'user', id: 'msg_1' })
    expect(Object.keys(parsed.item)).toEqual(['id', 'type', 'status', 'content', 'role'])
    expect(Object.keys(parseOne({ role: 'user', content: 'Hi' }).item)).toEqual(['type', 'status', 'role', 'content'])
  })

  it('keeps a client-supplied status and does not mutate its input', () => {
    const input = Object.freeze({ type: 'function_call', call_id: 'c', name: 'n', arguments: '{}', status: 'incomplete' })
    expect(parseOne(input).item).toEqual({ type: 'function_call', status: 'incomplete', call_id: 'c', name: 'n', arguments: '{}' })
    const message = { role: 'assistant', content: [Object.freeze({ type: 'output_text', text: 'x' })] }
    parseOne(message)
    expect(message.content[0]).toEqual({ type: 'output_text', text: 'x' })
  })

  it('returns the items in request order with their ids', () => {
    const parsed = parseInputItems([
      { role: 'user', content: 'a' },
      { type: 'reasoning', id: 'rs_9', summary: [] },
      { type: 'function_call', id: 'fc_9', call_id: 'c', name: 'n', arguments: '{}' },
    ])
    expect(parsed.map((p) => [p.id, p.type])).toEqual([[undefined, 'message'], ['rs_9', 'reasoning'], ['fc_9', 'function_call']])
  })
})

describe('parseInputItems: what the SDKs send (reference §3.1)', () => {
  it('accepts a type-less user message with string content', () => {
    expect(parseOne({ content: 'Hello', role: 'user' })).toEqual({
      id: undefined,
      type: 'message',
      item: { type: 'message', status: 'completed', content: [{ type: 'input_text', text: 'Hello' }], role: 'user' },
    })
  })

  it('accepts type-less system and developer messages with part arrays', () => {
    expect(parseOne({ role: 'system', content: [{ type: 'input_text', text: 'Be brief' }] }).item).toEqual({
      type: 'message',
      status: 'completed',
      role: 'system',
      content: [{ type: 'input_text', text: 'Be brief' }],
    })
  })

  it('accepts an assistant output_text message without id or status (Agents SDK for JS)', () => {
    expect(parseOne({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Hi!', annotations: [] }],
      phase: 'final_answer',
    })).toEqual({
      id: undefined,
      type: 'message',
      item: {
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hi!', annotations: [], logprobs: [] }],
        phase: 'final_answer',
      },
    })
  })

  it('accepts an assistant message as the Agents SDK for Python replays it', () => {
    const input = {
      id: 'msg_abc',
      content: [{ annotations: [], text: 'Sure', type: 'output_text', logprobs: [] }],
      role: 'assistant',
      status: 'completed',
      type: 'message',
    }
    expect(parseOne(input)).toEqual({
      id: 'msg_abc',
      type: 'message',
      item: { id: 'msg_abc', type: 'message', status: 'completed', content: input.content, role: 'assistant' },
    })
  })

  it('stores assistant string content as output_text', () => {
    expect(parseOne({ role: 'assistant', content: 'Done.' }).item).toEqual({
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'Done.', annotations: [], logprobs: [] }],
    })
  })

  it('accepts reasoning with an id and an empty summary', () => {
    expect(parseOne({ id: 'rs_123', summary: [], type: 'reasoning' })).toEqual({
      id: 'rs_123',
      type: 'reasoning',
      item: { id: 'rs_123', type: 'reasoning', summary: [] },
    })
  })

  it('accepts a function_call and its output without ids', () => {
    const parsed = parseInputItems([
      { type: 'function_call', call_id: 'call_1', name: 'add', arguments: '{"a":1}', status: 'completed' },
      { type: 'function_call_output', call_id: 'call_1', output: '2' },
    ])
    expect(parsed).toEqual([
      { id: undefined, type: 'function_call', item: { type: 'function_call', status: 'completed', call_id: 'call_1', name: 'add', arguments: '{"a":1}' } },
      { id: undefined, type: 'function_call_output', item: { type: 'function_call_output', status: 'completed', call_id: 'call_1', output: '2' } },
    ])
  })

  it('accepts an empty list', () => {
    expect(parseInputItems([])).toEqual([])
  })
})

describe('parseInputItems: errors', () => {
  it('refuses an item with neither type nor role', () => {
    expect(errorOf(() => parseInputItems([{}]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[0]',
      message: "Invalid value: ''. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
    })
    expect(errorOf(() => parseInputItems([{ role: 'user', content: 'a' }, { content: 'b' }]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[1]',
      message: "Invalid value: ''. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
    })
  })

  it('refuses an unknown type, listing the supported ones', () => {
    expect(errorOf(() => parseInputItems([{ role: 'user', content: 'a' }, { type: 'bogus_call' }]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[1].type',
      message: `Invalid value: 'bogus_call'. Supported values are: ${supportedTypes}.`,
    })
  })

  it('refuses item_reference (typed or a lone id) and compaction_trigger', () => {
    for (const [input, type] of [
      [{ type: 'item_reference', id: 'msg_1' }, 'item_reference'],
      [{ id: 'msg_1' }, 'item_reference'],
      [{ type: null, id: 'msg_1' }, 'item_reference'],
      [{ type: 'compaction_trigger' }, 'compaction_trigger'],
    ] as const) {
      expect(errorOf(() => parseInputItems([input]))).toEqual({
        status: 400,
        code: 'invalid_value',
        param: 'items[0].type',
        message: `Invalid value: '${type}'. Supported values are: ${supportedTypes}.`,
      })
    }
  })

  it('refuses an unknown field', () => {
    expect(errorOf(() => parseInputItems([{ role: 'user', content: 'Hi', bogus: 1 }]))).toEqual({
      status: 400,
      code: 'unknown_parameter',
      param: 'items[0].bogus',
      message: "Unknown parameter: 'items[0].bogus'.",
    })
    expect(errorOf(() => parseInputItems([{ role: 'user', content: [{ type: 'input_text', text: 'x', extra: true }] }]))).toEqual({
      status: 400,
      code: 'unknown_parameter',
      param: 'items[0].content[0].extra',
      message: "Unknown parameter: 'items[0].content[0].extra'.",
    })
  })

  it('refuses a missing required id', () => {
    for (const input of [
      { type: 'file_search_call', status: 'completed', queries: [] },
      { type: 'web_search_call', status: 'completed', action: { type: 'search' } },
      { type: 'mcp_call', server_label: 's', name: 'n', arguments: '{}' },
      { type: 'program', call_id: 'c', code: '', fingerprint: '' },
    ]) {
      expect(errorOf(() => parseInputItems([{ role: 'user', content: 'a' }, input]))).toEqual({
        status: 400,
        code: 'missing_required_parameter',
        param: 'items[1].id',
        message: "Missing required parameter: 'items[1].id'.",
      })
    }
  })

  it('refuses reasoning with neither id nor encrypted_content as an invalid item', () => {
    for (const input of [{ type: 'reasoning', summary: [] }, { type: 'reasoning', summary: [], id: null, encrypted_content: null }]) {
      expect(errorOf(() => parseInputItems([input]))).toEqual({
        status: 400,
        code: 'invalid_item',
        param: 'item',
        message: 'Invalid item',
      })
    }
  })

  it('refuses reasoning with encrypted_content but no id (the spec requires the id)', () => {
    expect(errorOf(() => parseInputItems([{ type: 'reasoning', summary: [], encrypted_content: 'enc' }]))).toEqual({
      status: 400,
      code: 'missing_required_parameter',
      param: 'items[0].id',
      message: "Missing required parameter: 'items[0].id'.",
    })
  })

  it('refuses the same id twice in one request', () => {
    const run = (): unknown => parseInputItems([
      { id: 'msg_1', role: 'user', content: 'a' },
      { id: 'msg_1', role: 'user', content: 'b' },
    ])
    expect(errorOf(run)).toEqual({
      status: 400,
      code: 'duplicate_item',
      param: 'items',
      message: 'Duplicate item found with id msg_1. Remove duplicate items from your input and try again.',
    })
    try {
      run()
    } catch (error) {
      expect((error as AppError).toBody()).toEqual({
        error: {
          message: 'Duplicate item found with id msg_1. Remove duplicate items from your input and try again.',
          type: 'invalid_request_error',
          param: 'items',
          code: null,
        },
      })
    }
  })

  it('refuses more items than allowed', () => {
    const items = Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' }))
    expect(errorOf(() => parseInputItems(items))).toEqual({
      status: 400,
      code: 'array_above_max_length',
      param: 'items',
      message: "Invalid 'items': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.",
    })
    expect(parseInputItems(items.slice(0, 20))).toHaveLength(20)
    expect(errorOf(() => parseInputItems(items.slice(0, 3), 2))).toEqual({
      status: 400,
      code: 'array_above_max_length',
      param: 'items',
      message: "Invalid 'items': array too long. Expected an array with maximum length 2, but got an array with length 3 instead.",
    })
  })

  it('refuses a bad role, listing the four input roles', () => {
    expect(errorOf(() => parseInputItems([{ role: 'tool', content: 'x' }]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[0].role',
      message: "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
    })
  })

  it('refuses a typed message without a role', () => {
    expect(errorOf(() => parseInputItems([{ type: 'message', content: 'x' }]))).toEqual({
      status: 400,
      code: 'missing_required_parameter',
      param: 'items[0].role',
      message: "Missing required parameter: 'items[0].role'.",
    })
  })

  it('refuses input parts in assistant messages and output parts in user messages', () => {
    expect(errorOf(() => parseInputItems([{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[0].content[0].type',
      message: "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
    })
    expect(errorOf(() => parseInputItems([{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }]))).toEqual({
      status: 400,
      code: 'invalid_value',
      param: 'items[0].content[0].type',
      message: "Invalid value: 'output_text'. Supported values are: 'input_text', 'input_image', and 'input_file'.",
    })
  })

  it('refuses items that are not objects and types that are not strings', () => {
    expect(errorOf(() => parseInputItems(['hello']))).toEqual({
      status: 400,
      code: 'invalid_type',
      param: 'items[0]',
      message: "Invalid type for 'items[0]': expected an object, but got a string instead.",
    })
    expect(errorOf(() => parseInputItems([{ type: 5 }]))).toEqual({
      status: 400,
      code: 'invalid_type',
      param: 'items[0].type',
      message: "Invalid type for 'items[0].type': expected a string, but got an integer instead.",
    })
  })

  it('refuses an empty id', () => {
    expect(errorOf(() => parseInputItems([{ type: 'function_call', id: '', call_id: 'c', name: 'n', arguments: '{}' }]))).toEqual({
      status: 400,
      code: 'string_below_min_length',
      param: 'items[0].id',
      message: "Invalid 'items[0].id': string too short. Expected a string with minimum length 1, but got an empty string instead.",
    })
  })

  it('reports a missing required member of a typed item', () => {
    expect(errorOf(() => parseInputItems([{ type: 'function_call', call_id: 'c', arguments: '{}' }]))).toEqual({
      status: 400,
      code: 'missing_required_parameter',
      param: 'items[0].name',
      message: "Missing required parameter: 'items[0].name'.",
    })
  })
})
