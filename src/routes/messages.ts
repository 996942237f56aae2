import type { FastifyInstance } from 'fastify'
import { readHistory, type MessageWaiter } from '../chat/message-history.js'
import { participantConversationScope } from '../cache/route-scopes.js'
import { IdParams, responses } from './schemas/common.js'
import {
  Message, MessagePage, MessagesQuery, SendMessageBody
} from './schemas/conversations.js'
import { withTypeBox } from './validation.js'

const tags = ['messages']

/** A conversation's messages over HTTP: history, long-poll and sending. */
export default async function messageRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.get('/conversations/:id/messages', {
    // Long-polls (waitMs) bypass the cache; the participant check runs before the lookup.
    config: {
      cache: { kind: 'messages', ttlSeconds: 60, scope: participantConversationScope }
    },
    schema: {
      tags,
      summary: 'A page of messages, newest by default; long-polls with afterSeq and waitMs',
      params: IdParams,
      querystring: MessagesQuery,
      response: responses({ 200: MessagePage }, 403, 404)
    }
  }, async (request) => {
    const deps = { database: app.db, access: app.chat.access, waiter: messageWaiter(app) }
    const { identity, params, query, raw } = request
    return await readHistory(deps, identity!, params.id, query, raw)
  })

  app.post('/conversations/:id/messages', {
    schema: {
      tags,
      summary: 'Send a message like the socket\'s send; a resend gets 200 and the stored one',
      params: IdParams,
      body: SendMessageBody,
      response: responses({ 200: Message, 201: Message }, 403, 404, 413)
    }
  }, async (request, reply) => {
    const stored = await app.chat.sender.send(request.identity!, {
      conversationId: request.params.id,
      content: request.body.content,
      clientMsgId: request.body.clientMsgId
    })
    return await reply.code(stored.created ? 201 : 200).send(stored.message)
  })
}

// The hub provides the waiter when it runs; without it a long-poll answers at once.
function messageWaiter (app: FastifyInstance): MessageWaiter | undefined {
  if (!app.hasDecorator('messageWaiter')) return undefined
  const decorated = app as unknown as { messageWaiter?: MessageWaiter | null }
  return decorated.messageWaiter ?? undefined
}
