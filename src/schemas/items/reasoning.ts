// Reasoning and model-state items: reasoning, compaction, compaction_trigger, program and
// program_output, each as input and as returned (compaction_trigger has no returned form).
import { Type } from '@sinclair/typebox'
import { CallId, CreatedBy, ItemId, ItemStatus, OptionalNullable, Str, StringEnum, Strict, TEN_MIB, TWENTY_MIB } from './common.js'
import { ReasoningTextContent, SummaryTextContent } from './content.js'

/** The spec uses one schema (ReasoningItem) for input and output; `status` is optional in both. */
const reasoning = (input: boolean) => Strict({
  type: Type.Literal('reasoning'),
  id: input ? ItemId : Type.String(),
  encrypted_content: OptionalNullable(Type.String()),
  summary: Type.Array(SummaryTextContent),
  content: Type.Optional(Type.Array(ReasoningTextContent)),
  status: Type.Optional(ItemStatus),
})
export const ReasoningInput = reasoning(true)
export const ReasoningItem = reasoning(false)

export const CompactionInput = Strict({
  id: OptionalNullable(ItemId),
  type: Type.Literal('compaction'),
  encrypted_content: Str(undefined, TWENTY_MIB),
  created_by: CreatedBy,
})

export const CompactionItem = Strict({
  type: Type.Literal('compaction'),
  id: Type.String(),
  encrypted_content: Type.String(),
  created_by: CreatedBy,
})

/** An instruction to the Responses API ("compact here"), not conversation content. */
export const CompactionTriggerInput = Strict({ type: Type.Literal('compaction_trigger') })

export const ProgramInput = Strict({
  id: ItemId,
  type: Type.Literal('program'),
  call_id: CallId,
  code: Str(undefined, TEN_MIB),
  fingerprint: Str(undefined, TEN_MIB),
})

export const ProgramItem = Strict({
  type: Type.Literal('program'),
  id: Type.String(),
  call_id: Type.String(),
  code: Type.String(),
  fingerprint: Type.String(),
})

const ProgramOutputStatus = StringEnum(['completed', 'incomplete'] as const)

export const ProgramOutputInput = Strict({
  id: ItemId,
  type: Type.Literal('program_output'),
  call_id: CallId,
  result: Str(undefined, TEN_MIB),
  // Required by the spec; optional here like every status (missing becomes 'completed').
  status: Type.Optional(ProgramOutputStatus),
})

export const ProgramOutputItem = Strict({
  type: Type.Literal('program_output'),
  id: Type.String(),
  call_id: Type.String(),
  result: Type.String(),
  status: ProgramOutputStatus,
})
