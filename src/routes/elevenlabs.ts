// ElevenLabs' surface: DELETE /v1/convai/conversations/:conversation_id soft-deletes one of the
// caller's conversations, as DELETE /v1/conversations/:id does. Its errors speak ElevenLabs'
// dialect (a FastAPI service): validation problems are 422 `{"detail":[{loc,msg,type}]}`, other
// errors `{"detail":{type,code,message,status}}` as api.elevenlabs.io answers them. This plugin's
// own error handler does the translation, so the rest of the server keeps OpenAI's envelope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { AppError } from '../errors.js'
import { logMessage, toAppError } from '../plugins/error-handler.js'
import { DeletedConversationSchema } from '../schemas/conversations.js'

const ValidationErrorSchema = Type.Object({
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
  msg: Type.String(),
  type: Type.String(),
})
const HttpValidationErrorSchema = Type.Object({ detail: Type.Array(ValidationErrorSchema) }, { description: 'FastAPI validation error' })
const ElevenLabsErrorSchema = Type.Object({
  detail: Type.Object({ type: Type.String(), code: Type.String(), message: Type.String(), status: Type.String() }),
}, { description: 'ElevenLabs error' })

const ConvaiParamsSchema = Type.Object({
  conversation_id: Type.String({ minLength: 1, maxLength: 256, description: 'The id of the conversation you\'re taking the action on.' }),
})

/** Our codes → pydantic's error types, for the 422 body. */
const pydanticType: Record<string, string> = {
  string_above_max_length: 'string_too_long',
  string_below_min_length: 'string_too_short',
  invalid_type: 'string_type',
  missing_required_parameter: 'missing',
  invalid_json: 'json_invalid',
}

const locationOf = (context: string | undefined): string =>
  context === 'params' ? 'path' : context === 'querystring' ? 'query' : context === 'headers' ? 'header' : 'body'

function elevenLabsBody (error: AppError): unknown {
  if (error.statusCode === 400) {
    // Every 400 of a DELETE is about its input: FastAPI's 422 with the offending location.
    const context = (error as unknown as FastifyError).validationContext
    const path = (error.param ?? '').split('.').filter((part) => part !== '')
    return { detail: [{ loc: [locationOf(context), ...path], msg: error.message, type: pydanticType[error.code] ?? 'value_error' }] }
  }
  if (error.code === 'missing_api_key') {
    return { detail: { type: 'authentication_error', code: 'unauthorized', message: 'Neither authorization header nor xi-api-key received, please provide one.', status: 'needs_authorization' } }
  }
  if (error.code === 'invalid_api_key') {
    return { detail: { type: 'authentication_error', code: 'unauthorized', message: 'Invalid API key', status: 'invalid_api_key' } }
  }
  if (error.code === 'not_found') {
    return { detail: { type: 'not_found', code: 'conversation_not_found', message: error.message, status: 'conversation_not_found' } }
  }
  const type = error.statusCode >= 500 ? 'internal_error' : 'invalid_request'
  return { detail: { type, code: error.code, message: error.message, status: error.code } }
}

function sendElevenLabsError (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error, request)
  if (appError.statusCode >= 500) request.log.error({ err: error }, 'request failed')
  else request.log.info({ code: appError.code, param: appError.param }, logMessage(appError))
  if (appError.headers !== undefined) reply.headers(appError.headers)
  const status = appError.statusCode === 400 ? 422 : appError.statusCode
  return reply.code(status).header('x-request-id', request.id).type('application/json; charset=utf-8').send(elevenLabsBody(appError))
}

export const elevenLabsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler(sendElevenLabsError)

  app.delete('/convai/conversations/:conversation_id', {
    schema: {
      operationId: 'deleteConvaiConversation',
      params: ConvaiParamsSchema,
      response: {
        200: DeletedConversationSchema,
        401: ElevenLabsErrorSchema,
        404: ElevenLabsErrorSchema,
        422: HttpValidationErrorSchema,
      },
    },
  }, async (request) => {
    const id = request.params.conversation_id
    await app.repos.conversations.delete(request.owner, id)
    return { id, object: 'conversation.deleted' as const, deleted: true }
  })
}
