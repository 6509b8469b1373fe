// Request bodies are JSON whatever Content-Type says (curl's -d sends a form type), through
// Fastify's own safe parser; an empty body is "no body" (the Python SDK sends Content-Type on
// GET/DELETE), and nesting is bounded.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.js'
import { exceedsDepth } from '../validation/json-depth.js'
import { invalidJson } from './error-handler.js'

async function jsonBody (app: FastifyInstance, { maxDepth }: { maxDepth: number }): Promise<void> {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    parseJson(request, text, (error, value) => {
      if (error !== null && error !== undefined) return done(invalidJson(), undefined)
      if (exceedsDepth(value, maxDepth)) {
        return done(new AppError('invalid_request', `Invalid body: JSON nested deeper than ${maxDepth} levels.`), undefined)
      }
      done(null, value)
    })
  })
}

export default fp(jsonBody, { name: 'json-body', fastify: '5.x' })
