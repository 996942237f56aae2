import type {
  FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions
} from 'fastify'
import fp from 'fastify-plugin'
import { AppError, ErrorCodes, statusText, type ErrorCode } from '../errors.js'

/** Fastify's own error codes mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST'
}

export interface ErrorBody {
  statusCode: number
  code: ErrorCode
  error: string
  message: string
  retryAfterMs?: number
}

export function errorBody (code: ErrorCode, message: string, retryAfterMs?: number): ErrorBody {
  const statusCode = ErrorCodes[code].statusCode
  const body: ErrorBody = { statusCode, code, error: statusText(statusCode), message }
  if (retryAfterMs !== undefined) body.retryAfterMs = retryAfterMs
  return body
}

/** Classifies any thrown value into our code and a message safe to show. */
export function classifyError (err: unknown): { code: ErrorCode, message: string, server: boolean } {
  if (err instanceof AppError) return { code: err.code, message: err.message, server: false }

  const e = err as FastifyError
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined
  if (mapped) return { code: mapped, message: e.message, server: false }
  if (e.validation) return { code: 'BAD_REQUEST', message: e.message, server: false }

  const status = e.statusCode ?? 500
  if (status === 429) return { code: 'RATE_LIMITED', message: e.message, server: false }
  if (status === 413) return { code: 'PAYLOAD_TOO_LARGE', message: e.message, server: false }
  if (status === 401) return { code: 'UNAUTHENTICATED', message: e.message, server: false }
  if (status === 404) return { code: 'NOT_FOUND', message: e.message, server: false }
  if (status >= 400 && status < 500) return { code: 'BAD_REQUEST', message: e.message, server: false }

  return { code: 'INTERNAL', message: 'Internal error', server: true }
}

/**
 * Faults Fastify answers before routing (a malformed URL, a failed
 * constraint), which never reach the error handler: same shape, same code.
 */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, _request, reply) => {
  void (reply as FastifyReply).code(400).send(errorBody('BAD_REQUEST', error.message))
}

async function errorHandlerPlugin (app: FastifyInstance) {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { code, message, server } = classifyError(err)

    if (server) request.log.error({ err }, 'request failed')
    else request.log.info({ code, reason: message }, 'request refused')

    const retryAfterMs = err instanceof AppError ? err.retryAfterMs : undefined
    if (retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(retryAfterMs / 1000))

    return await reply.code(ErrorCodes[code].statusCode).send(errorBody(code, message, retryAfterMs))
  })

  app.setNotFoundHandler(async (request, reply) => {
    return await reply.code(404).send(errorBody('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`))
  })
}

export default fp(errorHandlerPlugin, { name: 'error-handler' })
