// Shell and patch tool items: local_shell_call(+output), shell_call(+output) and
// apply_patch_call(+output), each as input and as returned.
import { Type } from '@sinclair/typebox'
import {
  CallId,
  CreatedBy,
  ItemId,
  ItemStatus,
  Nullable,
  OptionalNullable,
  Str,
  StringEnum,
  Strict,
  TEN_MIB,
  ToolCallCaller,
  ToolCallCallerParam,
} from './common.js'
import { ContainerReference, LocalEnvironmentParam } from './tools.js'

const LocalShellExecAction = Strict({
  type: Type.Literal('exec'),
  command: Type.Array(Type.String()),
  timeout_ms: OptionalNullable(Type.Integer()),
  working_directory: OptionalNullable(Type.String()),
  env: Type.Record(Type.String(), Type.String()),
  user: OptionalNullable(Type.String()),
})

const localShellCall = (input: boolean) => Strict({
  type: Type.Literal('local_shell_call'),
  id: input ? ItemId : Type.String(),
  call_id: Type.String(),
  action: LocalShellExecAction,
  status: input ? Type.Optional(ItemStatus) : ItemStatus,
})
export const LocalShellCallInput = localShellCall(true)
export const LocalShellCallItem = localShellCall(false)

/**
 * The spec lists `call_id` as required without defining it, and neither SDK sends it: it is
 * accepted (optional) so that either behaviour works.
 */
const localShellCallOutput = (input: boolean) => Strict({
  type: Type.Literal('local_shell_call_output'),
  id: input ? ItemId : Type.String(),
  call_id: Type.Optional(Type.String()),
  output: Type.String(),
  status: OptionalNullable(ItemStatus),
})
export const LocalShellCallOutputInput = localShellCallOutput(true)
export const LocalShellCallOutputItem = localShellCallOutput(false)

export const ShellCallInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: CallId,
  caller: OptionalNullable(ToolCallCallerParam),
  type: Type.Literal('shell_call'),
  action: Strict({
    commands: Type.Array(Type.String()),
    timeout_ms: OptionalNullable(Type.Integer()),
    max_output_length: OptionalNullable(Type.Integer()),
  }),
  status: OptionalNullable(ItemStatus),
  environment: OptionalNullable(Type.Union([LocalEnvironmentParam, ContainerReference])),
  created_by: CreatedBy,
})

/**
 * `environment` local is `{type:'local'}` in the spec's output; `skills` sent on input are kept
 * (and returned) rather than silently dropped, since the item is replayed as input where they are valid.
 */
export const ShellCallItem = Strict({
  type: Type.Literal('shell_call'),
  id: Type.String(),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  action: Strict({
    commands: Type.Array(Type.String()),
    timeout_ms: Nullable(Type.Integer()),
    max_output_length: Nullable(Type.Integer()),
  }),
  status: ItemStatus,
  environment: Nullable(Type.Union([LocalEnvironmentParam, ContainerReference])),
  created_by: CreatedBy,
})

const ShellOutcome = Type.Union([
  Strict({ type: Type.Literal('timeout') }),
  Strict({ type: Type.Literal('exit'), exit_code: Type.Integer() }),
])

export const ShellCallOutputInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: CallId,
  caller: OptionalNullable(ToolCallCallerParam),
  type: Type.Literal('shell_call_output'),
  output: Type.Array(Strict({
    stdout: Str(undefined, TEN_MIB),
    stderr: Str(undefined, TEN_MIB),
    outcome: ShellOutcome,
    created_by: CreatedBy,
  })),
  status: OptionalNullable(ItemStatus),
  max_output_length: OptionalNullable(Type.Integer()),
  created_by: CreatedBy,
})

export const ShellCallOutputItem = Strict({
  type: Type.Literal('shell_call_output'),
  id: Type.String(),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  status: ItemStatus,
  output: Type.Array(Strict({
    stdout: Type.String(),
    stderr: Type.String(),
    outcome: ShellOutcome,
    created_by: CreatedBy,
  })),
  max_output_length: Nullable(Type.Integer()),
  created_by: CreatedBy,
})

const ApplyPatchOperationInput = Type.Union([
  Strict({ type: Type.Literal('create_file'), path: Str(1), diff: Str(undefined, TEN_MIB) }),
  Strict({ type: Type.Literal('delete_file'), path: Str(1) }),
  Strict({ type: Type.Literal('update_file'), path: Str(1), diff: Str(undefined, TEN_MIB) }),
])

const ApplyPatchOperation = Type.Union([
  Strict({ type: Type.Literal('create_file'), path: Type.String(), diff: Type.String() }),
  Strict({ type: Type.Literal('delete_file'), path: Type.String() }),
  Strict({ type: Type.Literal('update_file'), path: Type.String(), diff: Type.String() }),
])

const ApplyPatchStatus = StringEnum(['in_progress', 'completed'] as const)
const ApplyPatchOutputStatus = StringEnum(['completed', 'failed'] as const)

export const ApplyPatchCallInput = Strict({
  type: Type.Literal('apply_patch_call'),
  id: OptionalNullable(ItemId),
  call_id: CallId,
  caller: OptionalNullable(ToolCallCallerParam),
  status: Type.Optional(ApplyPatchStatus),
  operation: ApplyPatchOperationInput,
  created_by: CreatedBy,
})

export const ApplyPatchCallItem = Strict({
  type: Type.Literal('apply_patch_call'),
  id: Type.String(),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  status: ApplyPatchStatus,
  operation: ApplyPatchOperation,
  created_by: CreatedBy,
})

export const ApplyPatchCallOutputInput = Strict({
  type: Type.Literal('apply_patch_call_output'),
  id: OptionalNullable(ItemId),
  call_id: CallId,
  caller: OptionalNullable(ToolCallCallerParam),
  status: Type.Optional(ApplyPatchOutputStatus),
  output: OptionalNullable(Str(undefined, TEN_MIB)),
  created_by: CreatedBy,
})

export const ApplyPatchCallOutputItem = Strict({
  type: Type.Literal('apply_patch_call_output'),
  id: Type.String(),
  call_id: Type.String(),
  caller: OptionalNullable(ToolCallCaller),
  status: ApplyPatchOutputStatus,
  output: OptionalNullable(Type.String()),
  created_by: CreatedBy,
})
