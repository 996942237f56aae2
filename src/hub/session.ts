import type { FastifyBaseLogger } from 'fastify'
import type WebSocket from 'ws'
import type { Identity } from '../auth/identity.js'
import type { Connection } from './connection.js'
import { receiveFrame } from './frame-intake.js'
import type { Hub } from './hub.js'
import { errorFrame } from './server-frames.js'
import { MAX_TIMER_MS } from './timers.js'

/** A socket without a token in its upgrade must send `auth` within this long. */
export const AUTH_TIMEOUT_MS = 5000
const SOCKET_LISTENERS = 3

/**
 * Starts the life of an upgraded socket. With an identity from the upgrade
 * it is made ready at once; without, it waits for an `auth` frame.
 */
export function openSession (
  hub: Hub,
  ws: WebSocket,
  identity: Identity | null,
  log: FastifyBaseLogger
): Connection {
  const conn = hub.accept(ws, log)

  const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
    receiveFrame(hub, conn, data as Buffer, isBinary)
  }
  const onPong = () => { conn.alive = true }
  const onClose = (code: number) => {
    ws.off('message', onMessage)
    ws.off('pong', onPong)
    ws.off('close', onClose)
    hub.addListeners(-SOCKET_LISTENERS)
    hub.drop(conn, code)
  }

  ws.on('message', onMessage)
  ws.on('pong', onPong)
  ws.on('close', onClose)
  hub.addListeners(SOCKET_LISTENERS)

  if (identity) {
    conn.state = 'authenticating'
    void establish(hub, conn, identity)
  } else {
    conn.authTimer = hub.timers.timeout(() => {
      conn.authTimer = null
      if (conn.state !== 'ready') conn.close('AUTH_TIMEOUT')
    }, AUTH_TIMEOUT_MS)
  }

  return conn
}

/**
 * Makes an authenticated socket ready: its user entry (presence), then
 * `ready`, preceded by the ack of the `auth` frame that proved it.
 * Frames that arrived meanwhile are handled next, in order.
 */
export async function establish (
  hub: Hub,
  conn: Connection,
  identity: Identity,
  authId?: string
): Promise<void> {
  conn.identity = identity
  conn.authTimer = hub.timers.clear(conn.authTimer)

  try {
    const [unreadNotifications] = await Promise.all([
      hub.options.unreadNotifications(identity.userId),
      hub.users.add(conn)
    ])
    if (conn.state === 'closed') return

    if (authId !== undefined) hub.send(conn, { type: 'ack', id: authId })
    hub.send(conn, {
      type: 'ready',
      userId: identity.userId,
      sessionId: conn.sessionId,
      heartbeatMs: hub.options.limits.heartbeatMs,
      serverTime: new Date().toISOString(),
      unreadNotifications
    })
  } catch (err) {
    hub.fault(err, 'socket setup failed')
    hub.send(conn, errorFrame('INTERNAL', 'Internal error', { id: authId }))
    conn.close('INTERNAL_ERROR')
    return
  }

  conn.state = 'ready'
  armExpiry(hub, conn)
  conn.log.info({ userId: identity.userId, role: identity.role }, 'socket connected')

  const backlog = conn.backlog
  conn.backlog = []
  for (const { data, isBinary } of backlog) receiveFrame(hub, conn, data, isBinary)
}

/** Closes the socket with 4401 when its token expires, unless refreshed before. */
export function armExpiry (hub: Hub, conn: Connection): void {
  conn.expiryTimer = hub.timers.clear(conn.expiryTimer)
  if (!conn.identity || conn.state === 'closed') return

  const remaining = conn.identity.expiresAt - Date.now()
  if (remaining <= 0) {
    conn.log.info({ userId: conn.identity.userId }, 'token expired')
    conn.close('UNAUTHENTICATED', 'token expired')
    return
  }

  conn.expiryTimer = hub.timers.timeout(() => {
    conn.expiryTimer = null
    armExpiry(hub, conn)
  }, Math.min(remaining, MAX_TIMER_MS))
}
