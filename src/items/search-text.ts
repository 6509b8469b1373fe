// The readable text of an item, as the full-text index holds it: every string value of a field
// named text, refusal, arguments, output, input or code, at any depth, in document order, one per
// line. Taken from the rendering without `include` (the stored `body`), so include-gated content
// such as encrypted reasoning or logprobs is never searchable. PostgreSQL's `item_search_text`
// function (migrations/pg) extracts the same fields in SQL.
const readableFields: ReadonlySet<string> = new Set(['text', 'refusal', 'arguments', 'output', 'input', 'code'])

function collect (value: unknown, field: string | undefined, into: string[]): void {
  if (typeof value === 'string') {
    if (field !== undefined && readableFields.has(field)) into.push(value)
  } else if (Array.isArray(value)) {
    // Elements of an array are not fields: `"input": ["a"]` holds no readable text itself.
    for (const element of value) collect(element, undefined, into)
  } else if (typeof value === 'object' && value !== null) {
    for (const key in value) collect((value as Record<string, unknown>)[key], key, into)
  }
}

/** The item's readable text ('' when it has none). */
export function searchableText (item: unknown): string {
  const parts: string[] = []
  collect(item, undefined, parts)
  return parts.join('\n')
}
