// Content parts (input_text, input_image, input_file, output_text, refusal, …), output_text
// annotations and logprobs. Each part has an input form (what a client may send: the looser of
// the spec's two variants) and an output form (what we return: the spec's output schema).
import { Type } from '@sinclair/typebox'
import { Nullable, OptionalNullable, Str, StringEnum, Strict, TEN_MIB, TWENTY_MIB } from './common.js'

export const PromptCacheBreakpoint = Strict({ mode: Type.Literal('explicit') })

export const ImageDetail = StringEnum(['low', 'high', 'auto', 'original'] as const)
export const FileDetail = StringEnum(['auto', 'low', 'high'] as const)

// Input forms. The spec has two shapes per part: the message one (InputTextContent…) and the
// *Param one used by tool outputs (nullable members, length limits, `detail` optional). Both are
// accepted everywhere; normalization turns either into the output form.

export const InputTextInput = Strict({
  type: Type.Literal('input_text'),
  text: Str(undefined, TEN_MIB),
  prompt_cache_breakpoint: OptionalNullable(PromptCacheBreakpoint),
})

export const InputImageInput = Strict({
  type: Type.Literal('input_image'),
  image_url: OptionalNullable(Str(undefined, TWENTY_MIB)),
  file_id: OptionalNullable(Type.String()),
  // Required in the message form, optional in the *Param form: missing becomes 'auto' (the documented default).
  detail: OptionalNullable(ImageDetail),
  prompt_cache_breakpoint: OptionalNullable(PromptCacheBreakpoint),
})

export const InputFileInput = Strict({
  type: Type.Literal('input_file'),
  file_id: OptionalNullable(Type.String()),
  filename: OptionalNullable(Type.String()),
  file_data: OptionalNullable(Str(undefined, 73400320)),
  file_url: OptionalNullable(Type.String()),
  detail: Type.Optional(FileDetail),
  prompt_cache_breakpoint: OptionalNullable(PromptCacheBreakpoint),
})

/** input_text / input_image / input_file, as a user message or a tool output may carry them. */
export const InputContentInput = Type.Union([InputTextInput, InputImageInput, InputFileInput])

// Output forms.

export const InputTextContent = Strict({
  type: Type.Literal('input_text'),
  text: Type.String(),
  prompt_cache_breakpoint: Type.Optional(PromptCacheBreakpoint),
})

export const InputImageContent = Strict({
  type: Type.Literal('input_image'),
  image_url: Type.Optional(Nullable(Type.String())),
  file_id: Type.Optional(Nullable(Type.String())),
  detail: ImageDetail,
  prompt_cache_breakpoint: Type.Optional(PromptCacheBreakpoint),
})

export const InputFileContent = Strict({
  type: Type.Literal('input_file'),
  file_id: Type.Optional(Nullable(Type.String())),
  filename: Type.Optional(Type.String()),
  file_data: Type.Optional(Type.String()),
  prompt_cache_breakpoint: Type.Optional(PromptCacheBreakpoint),
  file_url: Type.Optional(Type.String()),
  detail: Type.Optional(FileDetail),
})

/** The spec's FunctionAndCustomToolCallOutput: parts of a function/custom tool output as returned. */
export const InputContent = Type.Union([InputTextContent, InputImageContent, InputFileContent])

export const Annotation = Type.Union([
  Strict({ type: Type.Literal('file_citation'), file_id: Type.String(), index: Type.Integer(), filename: Type.String() }),
  Strict({ type: Type.Literal('url_citation'), url: Type.String(), start_index: Type.Integer(), end_index: Type.Integer(), title: Type.String() }),
  Strict({
    type: Type.Literal('container_file_citation'),
    container_id: Type.String(),
    file_id: Type.String(),
    start_index: Type.Integer(),
    end_index: Type.Integer(),
    filename: Type.String(),
  }),
  Strict({ type: Type.Literal('file_path'), file_id: Type.String(), index: Type.Integer() }),
])

export const TopLogProb = Strict({ token: Type.String(), logprob: Type.Number(), bytes: Type.Array(Type.Integer()) })

export const LogProb = Strict({
  token: Type.String(),
  logprob: Type.Number(),
  bytes: Type.Array(Type.Integer()),
  top_logprobs: Type.Array(TopLogProb),
})

/** output_text as sent: annotations and logprobs may be left out (the Agents SDKs omit logprobs). */
export const OutputTextInput = Strict({
  type: Type.Literal('output_text'),
  text: Type.String(),
  annotations: Type.Optional(Type.Array(Annotation)),
  logprobs: Type.Optional(Type.Array(LogProb)),
})

export const OutputTextContent = Strict({
  type: Type.Literal('output_text'),
  text: Type.String(),
  annotations: Type.Array(Annotation),
  logprobs: Type.Array(LogProb),
})

export const RefusalContent = Strict({ type: Type.Literal('refusal'), refusal: Type.String() })

export const TextContent = Strict({ type: Type.Literal('text'), text: Type.String() })
export const SummaryTextContent = Strict({ type: Type.Literal('summary_text'), text: Type.String() })
export const ReasoningTextContent = Strict({ type: Type.Literal('reasoning_text'), text: Type.String() })

export const ComputerScreenshotContent = Strict({
  type: Type.Literal('computer_screenshot'),
  image_url: Nullable(Type.String()),
  file_id: Nullable(Type.String()),
  detail: ImageDetail,
  prompt_cache_breakpoint: Type.Optional(PromptCacheBreakpoint),
})
