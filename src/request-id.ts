// Request ids as OpenAI sends them: `req_` + 32 hex characters, cut from a pool of random bytes
// refilled 512 ids at a time: one random-bytes call per request was a measurable share of a small read.
import { randomFillSync } from 'node:crypto'

const idBytes = 16
const randomPool = Buffer.alloc(idBytes * 512)
let poolOffset = randomPool.length

export const newRequestId = (): string => {
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool)
    poolOffset = 0
  }
  const id = randomPool.toString('hex', poolOffset, poolOffset + idBytes)
  poolOffset += idBytes
  return `req_${id}`
}
