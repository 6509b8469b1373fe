// Realistic conversation items, as an agent turn produces them: a user message, an assistant
// message of about 1 KB, a function call and its output.
const words = 'the quick model reads the history appends the turn and answers with care while tools run in order'.split(' ')
const prose = (bytes, seed) => {
  let text = ''
  for (let i = seed; text.length < bytes; i++) text += `${words[(i * 7) % words.length]} `
  return text.slice(0, bytes)
}

export const userMessage = (n) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text: `Question ${n}: ${prose(160, n)}` }] })
export const assistantMessage = (n) => ({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: prose(1000, n), annotations: [] }] })
export const functionCall = (n) => ({ type: 'function_call', call_id: `call_${n.toString(36).padStart(8, '0')}`, name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', unit: 'celsius', day: n % 7 }), status: 'completed' })
export const functionCallOutput = (n) => ({ type: 'function_call_output', call_id: `call_${n.toString(36).padStart(8, '0')}`, output: JSON.stringify({ temperature: 12 + (n % 9), conditions: 'partly cloudy', humidity: 0.6, wind_kmh: 14 }) })

const cycle = [userMessage, functionCall, functionCallOutput, assistantMessage]

/** The n-th item of an endless realistic turn sequence. */
export const turnItem = (n) => cycle[n % cycle.length](n)

/** `count` items starting at sequence number `from`. */
export const turnItems = (count, from = 0) => Array.from({ length: count }, (_, i) => turnItem(from + i))

/** Items per seeded conversation: the two fixed ones (`small`, `large`) first, the rest sharing the remainder evenly. */
export function conversationSizes ({ totalItems, totalConversations, small, large }) {
  const rest = totalConversations - 2
  const restItems = totalItems - small - large
  return [small, large, ...Array.from({ length: rest }, (_, i) => Math.floor(restItems / rest) + (i < restItems % rest ? 1 : 0))]
}
