// Hosted tool items: file_search_call, web_search_call, image_generation_call,
// code_interpreter_call and computer_call(+output), each as input and as returned.
// The spec uses one schema for input and output of most of these; `status` is optional on input
// (missing becomes 'completed', as decisions.md says), required on output.
import { Type, type TSchema } from '@sinclair/typebox'
import { CallId, CreatedBy, ItemId, ItemStatus, Nullable, OptionalNullable, StringEnum, Strict } from './common.js'

/** `{status?: …}` on input, `{status: …}` on output. */
const status = <T extends TSchema>(schema: T, input: boolean) => (input ? Type.Optional(schema) : schema)

const FileSearchStatus = StringEnum(['in_progress', 'searching', 'completed', 'incomplete', 'failed'] as const)

const VectorStoreFileAttributes = Nullable(Type.Record(
  Type.String({ maxLength: 64 }),
  Type.Union([Type.String({ maxLength: 512 }), Type.Number(), Type.Boolean()]),
  { maxProperties: 16 },
))

const FileSearchResult = Strict({
  file_id: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  filename: Type.Optional(Type.String()),
  attributes: Type.Optional(VectorStoreFileAttributes),
  score: Type.Optional(Type.Number()),
})

const fileSearchCall = (input: boolean) => Strict({
  id: input ? ItemId : Type.String(),
  type: Type.Literal('file_search_call'),
  status: status(FileSearchStatus, input),
  queries: Type.Array(Type.String()),
  results: OptionalNullable(Type.Array(FileSearchResult)),
})
export const FileSearchCallInput = fileSearchCall(true)
export const FileSearchCallItem = fileSearchCall(false)

const WebSearchAction = Type.Union([
  Strict({
    type: Type.Literal('search'),
    query: Type.Optional(Type.String()),
    queries: Type.Optional(Type.Array(Type.String())),
    sources: Type.Optional(Type.Array(Strict({ type: Type.Literal('url'), url: Type.String() }))),
  }),
  Strict({ type: Type.Literal('open_page'), url: OptionalNullable(Type.String()) }),
  Strict({ type: Type.Literal('find_in_page'), url: Type.String(), pattern: Type.String() }),
])

const webSearchCall = (input: boolean) => Strict({
  id: input ? ItemId : Type.String(),
  type: Type.Literal('web_search_call'),
  status: status(StringEnum(['in_progress', 'searching', 'completed', 'failed'] as const), input),
  action: WebSearchAction,
})
export const WebSearchCallInput = webSearchCall(true)
export const WebSearchCallItem = webSearchCall(false)

const imageGenerationCall = (input: boolean) => Strict({
  type: Type.Literal('image_generation_call'),
  id: input ? ItemId : Type.String(),
  status: status(StringEnum(['in_progress', 'completed', 'generating', 'failed'] as const), input),
  result: Nullable(Type.String()),
})
export const ImageGenerationCallInput = imageGenerationCall(true)
export const ImageGenerationCallItem = imageGenerationCall(false)

const CodeInterpreterOutput = Type.Union([
  Strict({ type: Type.Literal('logs'), logs: Type.String() }),
  Strict({ type: Type.Literal('image'), url: Type.String() }),
])

const codeInterpreterCall = (input: boolean) => Strict({
  type: Type.Literal('code_interpreter_call'),
  id: input ? ItemId : Type.String(),
  status: status(StringEnum(['in_progress', 'completed', 'incomplete', 'interpreting', 'failed'] as const), input),
  container_id: Type.String(),
  code: Nullable(Type.String()),
  outputs: Nullable(Type.Array(CodeInterpreterOutput)),
})
export const CodeInterpreterCallInput = codeInterpreterCall(true)
export const CodeInterpreterCallItem = codeInterpreterCall(false)

const Keys = OptionalNullable(Type.Array(Type.String()))

const ComputerAction = Type.Union([
  Strict({ type: Type.Literal('click'), button: StringEnum(['left', 'right', 'wheel', 'back', 'forward'] as const), x: Type.Integer(), y: Type.Integer(), keys: Keys }),
  Strict({ type: Type.Literal('double_click'), x: Type.Integer(), y: Type.Integer(), keys: Nullable(Type.Array(Type.String())) }),
  Strict({ type: Type.Literal('drag'), path: Type.Array(Strict({ x: Type.Integer(), y: Type.Integer() })), keys: Keys }),
  Strict({ type: Type.Literal('keypress'), keys: Type.Array(Type.String()) }),
  Strict({ type: Type.Literal('move'), x: Type.Integer(), y: Type.Integer(), keys: Keys }),
  Strict({ type: Type.Literal('screenshot') }),
  Strict({ type: Type.Literal('scroll'), x: Type.Integer(), y: Type.Integer(), scroll_x: Type.Integer(), scroll_y: Type.Integer(), keys: Keys }),
  Strict({ type: Type.Literal('type'), text: Type.String() }),
  Strict({ type: Type.Literal('wait') }),
])

const SafetyCheck = Strict({
  id: Type.String(),
  code: OptionalNullable(Type.String()),
  message: OptionalNullable(Type.String()),
})

const computerCall = (input: boolean) => Strict({
  type: Type.Literal('computer_call'),
  id: input ? ItemId : Type.String(),
  call_id: Type.String(),
  action: Type.Optional(ComputerAction),
  actions: Type.Optional(Type.Array(ComputerAction)),
  pending_safety_checks: Type.Array(SafetyCheck),
  status: status(ItemStatus, input),
})
export const ComputerCallInput = computerCall(true)
export const ComputerCallItem = computerCall(false)

const ComputerScreenshotImage = Strict({
  type: Type.Literal('computer_screenshot'),
  image_url: Type.Optional(Type.String()),
  file_id: Type.Optional(Type.String()),
})

export const ComputerCallOutputInput = Strict({
  id: OptionalNullable(ItemId),
  call_id: CallId,
  type: Type.Literal('computer_call_output'),
  output: ComputerScreenshotImage,
  acknowledged_safety_checks: OptionalNullable(Type.Array(SafetyCheck)),
  status: OptionalNullable(ItemStatus),
  created_by: CreatedBy,
})

/**
 * The spec's resource narrows status to completed/incomplete/failed, but its input accepts
 * in_progress; a stored in_progress is returned as sent, so the output allows it too.
 */
export const ComputerCallOutputItem = Strict({
  type: Type.Literal('computer_call_output'),
  id: Type.String(),
  call_id: Type.String(),
  acknowledged_safety_checks: Type.Optional(Type.Array(SafetyCheck)),
  output: ComputerScreenshotImage,
  status: StringEnum(['completed', 'incomplete', 'failed', 'in_progress'] as const),
  created_by: CreatedBy,
})
