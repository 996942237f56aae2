import type { FastifyInstance } from 'fastify'
import { IdParams, responses } from './schemas/common.js'
import { ReadBody, ReadMark } from './schemas/conversations.js'
import { withTypeBox } from './validation.js'

/** The caller's read mark in a conversation. */
export default async function readMarkRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.post('/conversations/:id/read', {
    schema: {
      tags: ['messages'],
      summary: 'Move my read mark to max(old, upToSeq), capped at the last seq',
      params: IdParams,
      body: ReadBody,
      response: responses({ 200: ReadMark }, 403, 404)
    }
  }, async (request) => {
    const { identity, params, body } = request
    const { conversationId, userId, lastReadSeq } =
      await app.chat.reads.markRead(identity!, params.id, body.upToSeq)
    return { conversationId, userId, lastReadSeq }
  })
}
