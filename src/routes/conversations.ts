import type { FastifyInstance } from 'fastify'
import {
  conversationView, listConversations, openConversation
} from '../db/queries/conversations.js'
import { IdParams, responses } from './schemas/common.js'
import {
  Conversation, ConversationPage, ConversationsQuery, OpenConversationBody
} from './schemas/conversations.js'
import { withTypeBox } from './validation.js'

const tags = ['conversations']

/** Conversations between a company and a candidate, optionally about a job. */
export default async function conversationRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.post('/conversations', {
    config: { roles: ['company'] },
    schema: {
      tags,
      summary: 'Open a conversation with a candidate (company); 200 with the existing one',
      body: OpenConversationBody,
      response: responses({ 200: Conversation, 201: Conversation }, 403, 404)
    }
  }, async (request, reply) => {
    const { userId } = request.identity!
    const { conversation, created } = await openConversation(app.db, userId, request.body)
    const { companyId, candidateId } = conversation
    if (created) await app.cacheInvalidation.conversationCreated(companyId, candidateId)
    return await reply.code(created ? 201 : 200).send(conversation)
  })

  app.get('/conversations', {
    config: { cache: { kind: 'conversations', ttlSeconds: 600, scope: 'user' } },
    schema: {
      tags,
      summary: 'My conversations by latest activity, with last message and unread count',
      querystring: ConversationsQuery,
      response: responses({ 200: ConversationPage })
    }
  }, async (request) => {
    return await listConversations(app.db, request.identity!.userId, request.query)
  })

  app.get('/conversations/:id', {
    schema: {
      tags,
      summary: 'One conversation (participants only)',
      params: IdParams,
      response: responses({ 200: Conversation }, 403, 404)
    }
  }, async (request) => {
    const { userId } = request.identity!
    const members = await app.chat.access.requireParticipant(request.params.id, userId)
    return await conversationView(app.db, userId, members.conversationId)
  })
}
