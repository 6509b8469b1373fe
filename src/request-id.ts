// Request ids as OpenAI sends them: `req_` + 32 hex characters.
import { randomBytes } from 'node:crypto'

export const newRequestId = (): string => `req_${randomBytes(16).toString('hex')}`
