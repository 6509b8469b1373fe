// Client-executed tool items: function_call(+output), custom_tool_call(+output),
// tool_search_call/output and additional_tools, each as input and as returned.
import { Type } from '@sinclair/typebox'
import {
  CallId,
  CreatedBy,
  FreeObject,
  ItemId,
  ItemStatus,
  MessageRole,
  Nullable,
  OptionalNullable,
  Str,
  StringEnum,
  Strict,
  TEN_MIB,
  ToolCallCaller,
  ToolCallCallerParam,
} from './common.js'
import { InputContent, InputContentInput } from './content.js'
import { Tool } from './tools.js'

const ToolSearchExecution = StringEnum(['server', 'client'] as const)

export const FunctionCallInput = Strict({
  id: Type.Optional(ItemId),
  type: Type.Literal('function_call'),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  arguments: Type.String(),
  status: Type.Optional(ItemStatus),
  created_by: CreatedBy,
})

export const FunctionCallItem = Strict({
  id: Type.String(),
  type: Type.Literal('function_call'),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  arguments: Type.String(),
  status: ItemStatus,
  created_by: CreatedBy,
})

export const FunctionCallOutputInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: OptionalNullable(CallId),
  type: Type.Literal('function_call_output'),
  output: Type.Union([Str(undefined, TEN_MIB), Type.Array(InputContentInput)]),
  name: OptionalNullable(Str(1, 128)),
  namespace: OptionalNullable(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9_-]+$' })),
  caller: OptionalNullable(ToolCallCallerParam),
  status: OptionalNullable(ItemStatus),
  created_by: CreatedBy,
})

export const FunctionCallOutputItem = Strict({
  id: Type.String(),
  type: Type.Literal('function_call_output'),
  call_id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  caller: OptionalNullable(ToolCallCallerParam),
  output: Type.Union([Type.String(), Type.Array(InputContent)]),
  status: ItemStatus,
  created_by: CreatedBy,
})

/** The spec uses one schema (CustomToolCall) for input and output; `id` is optional in both. */
export const CustomToolCallInput = Strict({
  type: Type.Literal('custom_tool_call'),
  id: Type.Optional(ItemId),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  input: Type.String(),
})

export const CustomToolCallItem = Strict({
  type: Type.Literal('custom_tool_call'),
  id: Type.Optional(Type.String()),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  input: Type.String(),
})

export const CustomToolCallOutputInput = Strict({
  type: Type.Literal('custom_tool_call_output'),
  id: Type.Optional(ItemId),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCallerParam),
  output: Type.Union([Type.String(), Type.Array(InputContentInput)]),
})

export const CustomToolCallOutputItem = Strict({
  type: Type.Literal('custom_tool_call_output'),
  id: Type.Optional(Type.String()),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCallerParam),
  output: Type.Union([Type.String(), Type.Array(InputContent)]),
})

export const ToolSearchCallInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: OptionalNullable(CallId),
  type: Type.Literal('tool_search_call'),
  execution: Type.Optional(ToolSearchExecution),
  arguments: FreeObject,
  status: OptionalNullable(ItemStatus),
  created_by: CreatedBy,
})

export const ToolSearchCallItem = Strict({
  type: Type.Literal('tool_search_call'),
  id: Type.String(),
  call_id: Nullable(Type.String()),
  execution: ToolSearchExecution,
  arguments: Type.Unknown(),
  status: ItemStatus,
  created_by: CreatedBy,
})

export const ToolSearchOutputInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: OptionalNullable(CallId),
  type: Type.Literal('tool_search_output'),
  execution: Type.Optional(ToolSearchExecution),
  tools: Type.Array(Tool),
  status: OptionalNullable(ItemStatus),
  created_by: CreatedBy,
})

export const ToolSearchOutputItem = Strict({
  type: Type.Literal('tool_search_output'),
  id: Type.String(),
  call_id: Nullable(Type.String()),
  execution: ToolSearchExecution,
  tools: Type.Array(Tool),
  status: ItemStatus,
  created_by: CreatedBy,
})

export const AdditionalToolsInput = Strict({
  id: OptionalNullable(ItemId),
  type: Type.Literal('additional_tools'),
  role: Type.Literal('developer'),
  tools: Type.Array(Tool),
})

export const AdditionalToolsItem = Strict({
  type: Type.Literal('additional_tools'),
  id: Type.String(),
  role: MessageRole,
  tools: Type.Array(Tool),
})
