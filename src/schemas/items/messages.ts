// Message items: the input forms (EasyInputMessage / InputMessage / OutputMessage merged per role)
// and the Message output schema.
import { Type } from '@sinclair/typebox'
import { ItemId, ItemStatus, MessagePhase, MessageRole, OptionalNullable, StringEnum, Strict } from './common.js'
import {
  ComputerScreenshotContent,
  InputContentInput,
  InputFileContent,
  InputImageContent,
  InputTextContent,
  OutputTextContent,
  OutputTextInput,
  ReasoningTextContent,
  RefusalContent,
  SummaryTextContent,
  TextContent,
} from './content.js'

/** Roles a client may send, in the order OpenAI lists them in its "Supported values" errors. */
export const inputMessageRoles = ['assistant', 'system', 'developer', 'user'] as const

/**
 * A user, system or developer message. `id` is not in the spec's input shapes for these roles,
 * but clients replay listed items (which carry ids), so it is accepted and kept.
 */
export const RoleMessageInput = Strict({
  id: Type.Optional(ItemId),
  type: Type.Optional(Type.Literal('message')),
  role: StringEnum(['system', 'developer', 'user'] as const),
  content: Type.Union([Type.String(), Type.Array(InputContentInput)]),
  status: Type.Optional(ItemStatus),
  phase: OptionalNullable(MessagePhase),
})

/**
 * An assistant message: OutputMessage with `id`/`status` optional (the Agents SDK for JS sends
 * neither). Parts are output_text and refusal only: OpenAI's validator refuses input_text here.
 */
export const AssistantMessageInput = Strict({
  id: Type.Optional(ItemId),
  type: Type.Optional(Type.Literal('message')),
  role: Type.Literal('assistant'),
  content: Type.Union([Type.String(), Type.Array(Type.Union([OutputTextInput, RefusalContent]))]),
  status: Type.Optional(ItemStatus),
  phase: OptionalNullable(MessagePhase),
})

/**
 * Every message a client may send. Both variants share `type: 'message'`, so the checker cannot
 * tell them apart by type: parseInputItems picks the variant by `role` instead.
 */
export const MessageInput = Type.Union([AssistantMessageInput, RoleMessageInput])

export const MessageItem = Strict({
  type: Type.Literal('message'),
  id: Type.String(),
  status: ItemStatus,
  role: MessageRole,
  content: Type.Array(Type.Union([
    InputTextContent,
    OutputTextContent,
    TextContent,
    SummaryTextContent,
    ReasoningTextContent,
    RefusalContent,
    InputImageContent,
    ComputerScreenshotContent,
    InputFileContent,
  ])),
  phase: OptionalNullable(MessagePhase),
})
