// MCP items: mcp_list_tools, mcp_approval_request, mcp_approval_response and mcp_call, each as
// input and as returned. The spec's bogus required `request_id` (an undefined member) is ignored.
import { Type } from '@sinclair/typebox'
import { FreeObject, ItemId, Nullable, OptionalNullable, StringEnum, Strict } from './common.js'

const McpListedTool = Strict({
  name: Type.String(),
  description: OptionalNullable(Type.String()),
  input_schema: FreeObject,
  annotations: OptionalNullable(FreeObject),
})

const mcpListTools = (input: boolean) => Strict({
  type: Type.Literal('mcp_list_tools'),
  id: input ? ItemId : Type.String(),
  server_label: Type.String(),
  tools: Type.Array(McpListedTool),
  error: OptionalNullable(Type.String()),
})
export const McpListToolsInput = mcpListTools(true)
export const McpListToolsItem = mcpListTools(false)

const mcpApprovalRequest = (input: boolean) => Strict({
  type: Type.Literal('mcp_approval_request'),
  id: input ? ItemId : Type.String(),
  server_label: Type.String(),
  name: Type.String(),
  arguments: Type.String(),
})
export const McpApprovalRequestInput = mcpApprovalRequest(true)
export const McpApprovalRequestItem = mcpApprovalRequest(false)

export const McpApprovalResponseInput = Strict({
  type: Type.Literal('mcp_approval_response'),
  id: OptionalNullable(ItemId),
  approval_request_id: Type.String(),
  approve: Type.Boolean(),
  reason: OptionalNullable(Type.String()),
})

export const McpApprovalResponseItem = Strict({
  type: Type.Literal('mcp_approval_response'),
  id: Type.String(),
  approval_request_id: Type.String(),
  approve: Type.Boolean(),
  reason: OptionalNullable(Type.String()),
})

const McpCallError = Type.Union([
  Strict({ type: Type.Literal('mcp_protocol_error'), code: Type.Integer(), message: Type.String() }),
  Strict({ type: Type.Literal('mcp_tool_execution_error'), content: Type.Unknown() }),
  Strict({ type: Type.Literal('http_error'), code: Type.Integer(), message: Type.String() }),
])

const mcpCall = (input: boolean) => Strict({
  type: Type.Literal('mcp_call'),
  id: input ? ItemId : Type.String(),
  server_label: Type.String(),
  name: Type.String(),
  arguments: Type.String(),
  output: OptionalNullable(Type.String()),
  error: Type.Optional(Nullable(McpCallError)),
  status: Type.Optional(StringEnum(['in_progress', 'completed', 'incomplete', 'calling', 'failed'] as const)),
  approval_request_id: OptionalNullable(Type.String()),
})
export const McpCallInput = mcpCall(true)
export const McpCallItem = mcpCall(false)
