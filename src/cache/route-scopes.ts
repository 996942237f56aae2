import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.js'
import { PUBLIC_SCOPE } from './keys.js'

/**
 * A scope named by a query parameter, or the public scope without it:
 * GET /api/jobs?companyId=X is cached under jobs:X, the unfiltered list
 * under jobs:all.
 */
export function scopeFromQuery (name: string) {
  return (request: FastifyRequest): string => {
    const value = (request.query as Record<string, unknown> | undefined)?.[name]
    return typeof value === 'string' && value !== '' ? value : PUBLIC_SCOPE
  }
}

/**
 * The conversation in the :id parameter, once the caller is known to take
 * part in it (NOT_FOUND or FORBIDDEN otherwise), so a cached page is never
 * handed to someone the route itself would refuse.
 */
export async function participantConversationScope (request: FastifyRequest): Promise<string> {
  const identity = request.identity
  if (!identity) throw new AppError('UNAUTHENTICATED')

  const id = (request.params as Record<string, unknown> | undefined)?.id
  const members = await request.server.chat.access.requireParticipant(id, identity.userId)
  return members.conversationId
}
