// Include-gated fields: stored always, returned only when the request's `include` names them.
// Hidden fields take the value that keeps the item valid against its output schema.
type Json = Record<string, unknown>

interface Gate {
  include: string
  /** The item carries something this gate hides. */
  applies: (item: Json) => boolean
  /** A copy of the item without it (never mutates the input). */
  hide: (item: Json) => Json
}

const parts = (item: Json): Json[] =>
  item.type === 'message' && Array.isArray(item.content) ? item.content as Json[] : []

/** The item with its message parts passed through `f` (copying only the parts `f` changes). */
const mapParts = (item: Json, f: (part: Json) => Json): Json => ({ ...item, content: parts(item).map(f) })

const hasLogprobs = (part: Json): boolean => part.type === 'output_text' && Array.isArray(part.logprobs) && part.logprobs.length > 0
const hasImageUrl = (part: Json): boolean => part.type === 'input_image' && part.image_url !== undefined && part.image_url !== null

const without = (object: Json, key: string): Json => {
  const { [key]: _omitted, ...rest } = object
  return rest
}

const gates: readonly Gate[] = [
  {
    // output_text requires logprobs: hidden as [].
    include: 'message.output_text.logprobs',
    applies: (item) => parts(item).some(hasLogprobs),
    hide: (item) => mapParts(item, (part) => (hasLogprobs(part) ? { ...part, logprobs: [] } : part)),
  },
  {
    // input_image.image_url is nullable: hidden as null.
    include: 'message.input_image.image_url',
    applies: (item) => parts(item).some(hasImageUrl),
    hide: (item) => mapParts(item, (part) => (hasImageUrl(part) ? { ...part, image_url: null } : part)),
  },
  {
    // Optional (and nullable): hidden by leaving it out, as OpenAI does.
    include: 'reasoning.encrypted_content',
    applies: (item) => item.type === 'reasoning' && 'encrypted_content' in item,
    hide: (item) => without(item, 'encrypted_content'),
  },
  {
    // The screenshot's image_url is optional but not nullable: hidden by leaving it out.
    include: 'computer_call_output.output.image_url',
    applies: (item) => item.type === 'computer_call_output' && (item.output as Json | undefined)?.image_url !== undefined,
    hide: (item) => ({ ...item, output: without(item.output as Json, 'image_url') }),
  },
  {
    // Required and nullable: hidden as null.
    include: 'code_interpreter_call.outputs',
    applies: (item) => item.type === 'code_interpreter_call' && item.outputs !== undefined && item.outputs !== null,
    hide: (item) => ({ ...item, outputs: null }),
  },
  {
    // Optional and nullable: hidden as null when present.
    include: 'file_search_call.results',
    applies: (item) => item.type === 'file_search_call' && item.results !== undefined && item.results !== null,
    hide: (item) => ({ ...item, results: null }),
  },
  {
    // Only the `search` action has sources (optional, not nullable): hidden by leaving it out.
    include: 'web_search_call.action.sources',
    applies: (item) => item.type === 'web_search_call' && (item.action as Json | undefined)?.sources !== undefined,
    hide: (item) => ({ ...item, action: without(item.action as Json, 'sources') }),
  },
  // 'web_search_call.results' gates nothing: web_search_call has no `results` member in the spec.
]

/** The item as returned to a client that asked for `include`. */
export function renderItem (item: Record<string, unknown>, include: ReadonlySet<string>): Record<string, unknown> {
  let rendered = item
  for (const gate of gates) {
    if (!include.has(gate.include) && gate.applies(rendered)) rendered = gate.hide(rendered)
  }
  return rendered
}

/** True when the default rendering (no include) differs from the full item. */
export function hasGatedContent (item: Record<string, unknown>): boolean {
  return gates.some((gate) => gate.applies(item))
}
