import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { channels } from '../broker/broker.js'
import { AppError } from '../errors.js'
import type { ClusterStats } from './cluster-stats.js'
import type { BroadcastEvent, UserEvent } from './hub-events.js'
import type { HubQueries } from './hub-queries.js'
import type { Hub } from './hub.js'

export interface AdminRoutesOptions {
  hub: Hub
  clusterStats: ClusterStats
  queries: HubQueries
}

// PostgreSQL text cannot hold NUL: such an id could never name a user.
const UserId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000]+$' })
const Figures = {
  connectedUsers: Type.Integer(),
  totalSockets: Type.Integer(),
  rooms: Type.Integer()
}
const StatsReply = Type.Object({
  ...Figures,
  instances: Type.Array(Type.Object({ instanceId: Type.String(), ...Figures }))
})
const StatusParams = Type.Object({ id: UserId })
const StatusReply = Type.Object({
  userId: Type.String(),
  online: Type.Boolean(),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})
const OnlineQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
})
const OnlineReply = Type.Object({
  items: Type.Array(Type.Object({ userId: Type.String() })),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer()
})
const SendToUserBody = Type.Object({
  userId: UserId,
  payload: Type.Unknown()
}, { additionalProperties: false })
const BroadcastBody = Type.Object({
  payload: Type.Unknown(),
  conversationId: Type.Optional(Type.String({ format: 'uuid' }))
}, { additionalProperties: false })
const DisconnectBody = Type.Object({
  userId: UserId,
  // A close reason must fit in 123 bytes.
  reason: Type.Optional(Type.String({ maxLength: 30 }))
}, { additionalProperties: false })
const UserReply = Type.Object({ userId: Type.String(), online: Type.Boolean() })
const BroadcastReply = Type.Object({
  conversationId: Type.Union([Type.String(), Type.Null()])
})
const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  broker: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
  brokerConnected: Type.Boolean(),
  sockets: Type.Integer()
})

const admin = { roles: ['admin' as const] }
const tags = ['websocket']

/**
 * The WebSocket management routes (administrators, except health). They
 * act on the whole cluster through the broker and the shared hub state.
 */
export default async function adminRoutes (
  app: FastifyInstance,
  options: AdminRoutesOptions
): Promise<void> {
  const { hub, clusterStats, queries } = options
  const { broker, presence, membership } = hub.options

  app.get('/stats', {
    config: admin,
    schema: {
      tags,
      summary: 'Users, sockets and rooms, cluster-wide and per instance',
      response: { 200: StatsReply }
    }
  }, async () => {
    const [instances, online, rooms] = await Promise.all([
      clusterStats.instances(),
      presence.onlineUsers(),
      membership.conversationCount()
    ])
    const totalSockets = instances.reduce((sum, each) => sum + each.totalSockets, 0)
    return { connectedUsers: online.length, totalSockets, rooms, instances }
  })

  app.get<{ Params: Static<typeof StatusParams> }>('/user/:id/status', {
    schema: {
      tags,
      summary: 'Whether a user is online (administrators, users sharing a conversation)',
      params: StatusParams,
      response: { 200: StatusReply }
    }
  }, async (request) => {
    const userId = request.params.id
    const caller = request.identity!

    const allowed = caller.role === 'admin' || caller.userId === userId ||
      await queries.shareConversation(caller.userId, userId)
    await requireUser(userId)
    if (!allowed) throw new AppError('FORBIDDEN', 'No conversation shared with this user')

    return { userId, ...await presence.status(userId) }
  })

  app.get<{ Querystring: Static<typeof OnlineQuery> }>('/online-users', {
    config: admin,
    schema: {
      tags,
      summary: 'Users online anywhere in the cluster',
      querystring: OnlineQuery,
      response: { 200: OnlineReply }
    }
  }, async (request) => {
    const { page, pageSize } = request.query
    const online = await presence.onlineUsers()

    const items = online.slice((page - 1) * pageSize, page * pageSize)
      .map((userId) => ({ userId }))
    return { items, page, pageSize, total: online.length }
  })

  app.post<{ Body: Static<typeof SendToUserBody> }>('/send-to-user', {
    config: admin,
    schema: {
      tags,
      summary: 'A broadcast frame to every socket of one user',
      body: SendToUserBody,
      response: { 200: UserReply }
    }
  }, async (request) => {
    const { userId, payload } = request.body
    await requireUser(userId)

    const event: UserEvent = { type: 'broadcast', payload }
    broker.publish(channels.user(userId), event)
    return { userId, online: await isOnline(userId) }
  })

  app.post<{ Body: Static<typeof BroadcastBody> }>('/broadcast', {
    config: admin,
    schema: {
      tags,
      summary: 'A broadcast frame to every socket, or to those joined to a conversation',
      body: BroadcastBody,
      response: { 200: BroadcastReply }
    }
  }, async (request) => {
    const event: BroadcastEvent = { type: 'broadcast', payload: request.body.payload }
    const conversationId = request.body.conversationId?.toLowerCase()

    if (conversationId === undefined) {
      broker.publish(channels.everyone(), event)
      return { conversationId: null }
    }

    if (!await hub.options.chat.access.members(conversationId)) {
      throw new AppError('NOT_FOUND', 'Conversation not found')
    }
    broker.publish(channels.conversation(conversationId), event)
    return { conversationId }
  })

  app.post<{ Body: Static<typeof DisconnectBody> }>('/disconnect-user', {
    config: admin,
    schema: {
      tags,
      summary: 'Closes every socket of a user, on every instance, with 4000',
      body: DisconnectBody,
      response: { 200: UserReply }
    }
  }, async (request) => {
    const { userId, reason } = request.body
    await requireUser(userId)
    const online = await isOnline(userId)

    const event: UserEvent = { type: 'disconnect', ...(reason ? { reason } : {}) }
    broker.publish(channels.user(userId), event)
    request.log.info({ userId }, 'disconnecting a user')
    return { userId, online }
  })

  app.get('/health', {
    config: { public: true },
    schema: {
      tags,
      summary: 'The hub of this instance and its broker',
      response: { 200: HealthReply }
    }
  }, async () => ({
    status: broker.connected ? 'ok' as const : 'degraded' as const,
    broker: broker.kind,
    brokerConnected: broker.connected,
    sockets: hub.localStats().totalSockets
  }))

  async function requireUser (userId: string): Promise<void> {
    const known = await queries.userExists(userId)
    if (!known) throw new AppError('NOT_FOUND', 'User not found')
  }

  async function isOnline (userId: string): Promise<boolean> {
    const online = await presence.online([userId])
    return online.length > 0
  }
}
