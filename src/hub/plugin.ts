import websocket, { type WebsocketPluginOptions } from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type WebSocket from 'ws'
import { countUnreadNotifications } from '../db/queries/notifications.js'
import adminRoutes from './admin-routes.js'
import { HubQueries } from './hub-queries.js'
import { Hub } from './hub.js'
import type { MessageWaiter } from './message-waiter.js'
import { openSession } from './session.js'
import { upgradeToken, verifySocketToken } from './upgrade-auth.js'

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub
    messageWaiter: MessageWaiter
  }
}

/** A socket that never answers our close is destroyed after this long. */
const CLOSE_TIMEOUT_MS = 5000

/**
 * The WebSocket hub: GET /ws, the long-poll waiter and the management
 * routes under /api/websocket.
 */
async function hubPlugin (app: FastifyInstance) {
  const { config } = app
  const queries = new HubQueries(app.db)
  const { presence, membership } = app.cluster
  const clusterStats = app.cluster.stats(() => hub.localStats())

  const hub: Hub = new Hub({
    instanceId: config.instanceId,
    limits: {
      framesPerSecond: config.limits.framesPerSecond,
      maxBufferedBytes: config.limits.maxBufferedBytes,
      heartbeatMs: config.heartbeatMs
    },
    log: app.log,
    broker: app.broker,
    presence,
    membership,
    chat: app.chat,
    queries,
    metrics: app.metrics,
    verify: async (token) => await verifySocketToken(app, token),
    decode: (token) => app.verifyToken(token),
    unreadNotifications: async (userId) => await countUnreadNotifications(app.db, userId)
  })
  app.decorate('hub', hub)
  app.decorate('messageWaiter', hub.waiters)
  app.metrics.readers.sockets = () => hub.stats().sockets

  // closeTimeout (ws 8.18) is not in @types/ws yet.
  const serverOptions: WebsocketPluginOptions['options'] & { closeTimeout: number } = {
    maxPayload: config.limits.maxFrameBytes,
    closeTimeout: CLOSE_TIMEOUT_MS
  }
  await app.register(websocket, {
    options: serverOptions,
    errorHandler: socketOnError,
    preClose: async () => {
      await hub.shutdown()
      app.websocketServer.close()
    }
  })

  app.get('/ws', {
    websocket: true,
    // Sockets have their own per-user limits; upgrades are not HTTP requests to count.
    config: { rateLimit: false },
    preValidation: authenticateUpgrade
  }, (socket, request) => {
    openSession(hub, socket, request.identity, request.log)
  })

  const prefix = '/api/websocket'
  await app.register(adminRoutes, { prefix, hub, clusterStats, queries })
  await hub.start()

  app.addHook('onClose', async () => {
    await clusterStats.close()
  })

  // Refused before the handshake: a bad token gets HTTP 401 and no upgrade.
  async function authenticateUpgrade (request: FastifyRequest) {
    const token = upgradeToken(request)
    if (token !== undefined) request.identity = await verifySocketToken(app, token)
  }

  // ws has already closed the socket with the matching code (1002, 1007,
  // 1009) when the client broke the protocol: that is the client's fault.
  function socketOnError (err: Error, socket: WebSocket, request: FastifyRequest) {
    const code = (err as { code?: string }).code
    if (code?.startsWith('WS_ERR_')) {
      request.log.info({ code }, 'socket protocol error')
      return
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      request.log.debug({ code }, 'socket reset by peer')
      return
    }
    request.log.error({ err }, 'socket failed')
    socket.terminate()
  }
}

export default fp(hubPlugin, {
  name: 'hub',
  dependencies: ['chat', 'cluster', 'auth', 'metrics']
})
