// Item schemas by type: what a client may send (InputItemSchemas), what we return
// (ConversationItemSchema, one variant per type), the include values and per-type rules.
import { KindGuard, Type, type Static, type TSchema } from '@sinclair/typebox'
import { StringEnum } from './common.js'
import {
  AdditionalToolsInput,
  AdditionalToolsItem,
  CustomToolCallInput,
  CustomToolCallItem,
  CustomToolCallOutputInput,
  CustomToolCallOutputItem,
  FunctionCallInput,
  FunctionCallItem,
  FunctionCallOutputInput,
  FunctionCallOutputItem,
  ToolSearchCallInput,
  ToolSearchCallItem,
  ToolSearchOutputInput,
  ToolSearchOutputItem,
} from './function-tools.js'
import {
  CodeInterpreterCallInput,
  CodeInterpreterCallItem,
  ComputerCallInput,
  ComputerCallItem,
  ComputerCallOutputInput,
  ComputerCallOutputItem,
  FileSearchCallInput,
  FileSearchCallItem,
  ImageGenerationCallInput,
  ImageGenerationCallItem,
  WebSearchCallInput,
  WebSearchCallItem,
} from './hosted-tools.js'
import {
  McpApprovalRequestInput,
  McpApprovalRequestItem,
  McpApprovalResponseInput,
  McpApprovalResponseItem,
  McpCallInput,
  McpCallItem,
  McpListToolsInput,
  McpListToolsItem,
} from './mcp.js'
import { AssistantMessageInput, MessageInput, MessageItem, RoleMessageInput } from './messages.js'
import {
  CompactionInput,
  CompactionItem,
  CompactionTriggerInput,
  ProgramInput,
  ProgramItem,
  ProgramOutputInput,
  ProgramOutputItem,
  ReasoningInput,
  ReasoningItem,
} from './reasoning.js'
import { ItemReferenceInput } from './references.js'
import {
  ApplyPatchCallInput,
  ApplyPatchCallItem,
  ApplyPatchCallOutputInput,
  ApplyPatchCallOutputItem,
  LocalShellCallInput,
  LocalShellCallItem,
  LocalShellCallOutputInput,
  LocalShellCallOutputItem,
  ShellCallInput,
  ShellCallItem,
  ShellCallOutputInput,
  ShellCallOutputItem,
} from './shell-tools.js'

export { inputMessageRoles } from './messages.js'

/** The returned form of each of the 28 ConversationItem types, in the spec's order. */
export const OutputItemSchemas = {
  message: MessageItem,
  function_call: FunctionCallItem,
  function_call_output: FunctionCallOutputItem,
  file_search_call: FileSearchCallItem,
  web_search_call: WebSearchCallItem,
  image_generation_call: ImageGenerationCallItem,
  computer_call: ComputerCallItem,
  computer_call_output: ComputerCallOutputItem,
  tool_search_call: ToolSearchCallItem,
  tool_search_output: ToolSearchOutputItem,
  additional_tools: AdditionalToolsItem,
  reasoning: ReasoningItem,
  program: ProgramItem,
  program_output: ProgramOutputItem,
  compaction: CompactionItem,
  code_interpreter_call: CodeInterpreterCallItem,
  local_shell_call: LocalShellCallItem,
  local_shell_call_output: LocalShellCallOutputItem,
  shell_call: ShellCallItem,
  shell_call_output: ShellCallOutputItem,
  apply_patch_call: ApplyPatchCallItem,
  apply_patch_call_output: ApplyPatchCallOutputItem,
  mcp_list_tools: McpListToolsItem,
  mcp_approval_request: McpApprovalRequestItem,
  mcp_approval_response: McpApprovalResponseItem,
  mcp_call: McpCallItem,
  custom_tool_call: CustomToolCallItem,
  custom_tool_call_output: CustomToolCallOutputItem,
} as const

export type ConversationItemType = keyof typeof OutputItemSchemas

/** The 28 types a conversation can hold, in the spec's order (used in "Supported values" errors). */
export const conversationItemTypes = Object.keys(OutputItemSchemas) as ConversationItemType[]

/**
 * What a client may send, per input `type`: the 28 conversation item types plus
 * compaction_trigger and item_reference (valid InputItems with no stored form; see normalize.ts).
 * `message` is the union of its two role-dependent shapes (MessageInputSchemas).
 */
export const InputItemSchemas: Record<string, TSchema> = {
  message: MessageInput,
  function_call: FunctionCallInput,
  function_call_output: FunctionCallOutputInput,
  file_search_call: FileSearchCallInput,
  web_search_call: WebSearchCallInput,
  image_generation_call: ImageGenerationCallInput,
  computer_call: ComputerCallInput,
  computer_call_output: ComputerCallOutputInput,
  tool_search_call: ToolSearchCallInput,
  tool_search_output: ToolSearchOutputInput,
  additional_tools: AdditionalToolsInput,
  reasoning: ReasoningInput,
  program: ProgramInput,
  program_output: ProgramOutputInput,
  compaction: CompactionInput,
  code_interpreter_call: CodeInterpreterCallInput,
  local_shell_call: LocalShellCallInput,
  local_shell_call_output: LocalShellCallOutputInput,
  shell_call: ShellCallInput,
  shell_call_output: ShellCallOutputInput,
  apply_patch_call: ApplyPatchCallInput,
  apply_patch_call_output: ApplyPatchCallOutputInput,
  mcp_list_tools: McpListToolsInput,
  mcp_approval_request: McpApprovalRequestInput,
  mcp_approval_response: McpApprovalResponseInput,
  mcp_call: McpCallInput,
  custom_tool_call: CustomToolCallInput,
  custom_tool_call_output: CustomToolCallOutputInput,
  compaction_trigger: CompactionTriggerInput,
  item_reference: ItemReferenceInput,
}

/** The two message shapes, chosen by role: OpenAI allows different content parts per role. */
export const MessageInputSchemas = { assistant: AssistantMessageInput, other: RoleMessageInput } as const

export const ConversationItemSchema = Type.Union(Object.values(OutputItemSchemas))
export type ConversationItem = Static<typeof ConversationItemSchema>

export const ConversationItemListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(ConversationItemSchema),
  first_id: Type.String(),
  last_id: Type.String(),
  has_more: Type.Boolean(),
}, { additionalProperties: false })

export const IncludeValues = [
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
] as const
export type IncludeValue = typeof IncludeValues[number]

/** One `include` value (the spec's IncludeEnum); the query parameter is an array of these. */
export const IncludeSchema = StringEnum(IncludeValues)

export interface ItemTypeRule {
  /** The spec marks `id` required on input: the client must supply it. */
  idRequired: boolean
  /**
   * Filled in when the client leaves `status` out: 'completed' where the output schema requires a
   * status. Null where it is optional (reasoning, mcp_call, local_shell_call_output: OpenAI's own
   * reasoning items come back without one) or absent.
   */
  defaultStatus: string | null
}

/** Derived from the schemas above, so the rules cannot drift from them. */
export const itemTypeRules: Record<string, ItemTypeRule> = Object.fromEntries(
  Object.entries(InputItemSchemas).map(([type, input]) => {
    const output = (OutputItemSchemas as Record<string, TSchema>)[type]
    return [type, {
      idRequired: KindGuard.IsObject(input) && (input.required ?? []).includes('id'),
      defaultStatus: output !== undefined && KindGuard.IsObject(output) && (output.required ?? []).includes('status') ? 'completed' : null,
    }]
  }),
)
