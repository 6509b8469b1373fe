// How OpenAI quotes a rejected key back: the first 8 and last 4 characters, the middle starred
// (`sk-5f6ce***********************acdb`). Keys too short for that are starred entirely rather
// than echoed.
export function maskKey (key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length)
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`
}
