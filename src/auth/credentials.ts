// Where callers put their credential, and the 401 answers when it is missing or wrong. One
// credential per request, taken from the first header present: `Authorization: Bearer` (OpenAI,
// Jan Server, Azure with tokens), `Authorization: Basic` with a blank user name (OpenAI accepts
// the key as a browser password), `api-key` (Azure), `xi-api-key` (ElevenLabs).
import type { IncomingHttpHeaders } from 'node:http'
import { AppError } from '../errors.js'
import { maskKey } from './mask.js'

export const authenticateHeader = 'Bearer realm="Conversations API"'

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value

function fromAuthorization (value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const bearer = /^Bearer[ \t]+(.+)$/i.exec(value.trim())
  if (bearer !== null) return bearer[1]!.trim()
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)$/i.exec(value.trim())
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
    if (decoded.startsWith(':') && decoded.length > 1) return decoded.slice(1)
  }
  return undefined
}

/** The credential the caller presented, or undefined when there is none. */
export function presentedCredential (headers: IncomingHttpHeaders): string | undefined {
  const candidates = [fromAuthorization(single(headers.authorization)), single(headers['api-key']), single(headers['xi-api-key'])]
  for (const candidate of candidates) {
    const value = candidate?.trim()
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

/** Azure's end-user isolation key, exactly as sent (an empty value is a key of its own). */
export const isolationKey = (headers: IncomingHttpHeaders): string | undefined => single(headers['x-ms-user-isolation-key'])

const challenge = { 'www-authenticate': authenticateHeader }

export const missingApiKey = (): AppError => new AppError('missing_api_key',
  'You didn\'t provide an API key. You need to provide your API key in an Authorization header using Bearer auth ' +
  '(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you\'re accessing the API ' +
  'from your browser and are prompted for a username. Ask the administrator of this server for an API key.',
  { headers: challenge })

/** `reason` explains a rejected token; a plain unknown key gets OpenAI's advice instead. */
export const invalidApiKey = (presented: string, reason?: string): AppError => new AppError('invalid_api_key',
  `Incorrect API key provided: ${maskKey(presented)}. ${reason ?? 'Ask the administrator of this server for a valid API key.'}`,
  { headers: challenge })
