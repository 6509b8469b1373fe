// Id minting: `<prefix>_` + 48 lowercase hex characters, the first 8 the creation time in Unix
// seconds (as OpenAI's ids), the other 40 random. One prefix table for every object we mint.
import { customAlphabet } from 'nanoid'

export const idPrefixes = {
  conversation: 'conv',
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  file_search_call: 'fs',
  web_search_call: 'ws',
  image_generation_call: 'ig',
  computer_call: 'cu',
  computer_call_output: 'cuo',
  tool_search_call: 'tsc',
  tool_search_output: 'tso',
  additional_tools: 'at',
  reasoning: 'rs',
  program: 'prg',
  program_output: 'prgo',
  compaction: 'cmp',
  code_interpreter_call: 'ci',
  local_shell_call: 'lsh',
  local_shell_call_output: 'lsho',
  shell_call: 'sh',
  shell_call_output: 'sho',
  apply_patch_call: 'apc',
  apply_patch_call_output: 'apco',
  mcp_list_tools: 'mcpl',
  mcp_approval_request: 'mcpr',
  mcp_approval_response: 'mcpa',
  mcp_call: 'mcp',
  custom_tool_call: 'ctc',
  custom_tool_call_output: 'ctco',
  compaction_trigger: 'cmpt',
  request: 'req',
} as const

export type IdKind = keyof typeof idPrefixes

// nanoid draws from a pooled CSPRNG buffer, so a 20-item append costs a few microseconds of ids.
const randomHex = customAlphabet('0123456789abcdef', 40)

/** Mints ids; injectable so tests can get deterministic ones. */
export type IdGenerator = (kind: IdKind, nowSeconds?: number) => string

export const newId: IdGenerator = (kind, nowSeconds = Math.floor(Date.now() / 1000)) =>
  `${idPrefixes[kind]}_${(nowSeconds >>> 0).toString(16).padStart(8, '0')}${randomHex()}`

export const prefixForItemType = (type: string): string | undefined =>
  (idPrefixes as Record<string, string>)[type]

/** A new id for an item of this type; types without a prefix of their own get message ids. */
export const mintItemId = (ids: IdGenerator, type: string, nowSeconds: number): string =>
  ids((type in idPrefixes ? type : 'message') as IdKind, nowSeconds)
