import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Identity } from '../auth/identity.js'
import { AppError, isAppError } from '../errors.js'
import { bearerToken } from '../plugins/auth.js'

/**
 * The token of an upgrade request: the Authorization header, else the
 * `token` query parameter (browsers cannot set headers on a WebSocket).
 * Undefined when there is neither: the socket then authenticates with its
 * first frame. A header that is not `Bearer <token>` is a bad token.
 */
export function upgradeToken (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header !== undefined) return bearerToken(header) ?? ''

  const query = request.query as Record<string, unknown> | undefined
  const token = query?.token
  if (token === undefined) return undefined
  return typeof token === 'string' ? token : ''
}

/**
 * Verifies a socket's token and the role recorded for its user. Every
 * refusal is UNAUTHENTICATED: on the upgrade it becomes HTTP 401.
 */
export async function verifySocketToken (app: FastifyInstance, token: string) {
  try {
    const identity = app.verifyToken(token)
    await app.users.ensure(identity)
    return identity
  } catch (err) {
    if (isAppError(err) && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) {
      throw new AppError('UNAUTHENTICATED', err.message)
    }
    throw err
  }
}
