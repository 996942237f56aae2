import { AppError, isAppError } from '../errors.js'
import { parseClientFrame, type ClientFrame } from './client-frames.js'
import type { Connection } from './connection.js'
import { handleFrame } from './handlers/index.js'
import type { Hub } from './hub.js'
import { errorFrame } from './server-frames.js'
import { establish } from './session.js'

/** RATE_LIMITED answers within this window that make a socket a flooder. */
export const STRIKE_LIMIT = 20
export const STRIKE_WINDOW_MS = 10_000

/**
 * Every frame a client sends starts here. Before authentication only `auth`
 * is accepted; after it each frame passes the user's frame limit and the
 * schema, then goes to its handler. Frames whose effect must follow arrival
 * order (join, leave, typing, read, auth) run one after another; sends and
 * pings run at once, so concurrent sends share a database round trip.
 */
export function receiveFrame (
  hub: Hub,
  conn: Connection,
  data: Buffer,
  isBinary: boolean
): void {
  hub.options.metrics.framesIn.inc()

  switch (conn.state) {
    case 'awaiting-auth': return receiveFirstFrame(hub, conn, data, isBinary)
    case 'authenticating': return keepForLater(hub, conn, data, isBinary)
    case 'ready': return receiveReadyFrame(hub, conn, data, isBinary)
    case 'closed':
  }
}

function receiveFirstFrame (hub: Hub, conn: Connection, data: Buffer, isBinary: boolean) {
  const parsed = parseClientFrame(data, isBinary)
  if (!parsed.ok || parsed.frame.type !== 'auth') {
    conn.close('UNAUTHENTICATED', 'authenticate first')
    return
  }

  const { id, token } = parsed.frame
  conn.state = 'authenticating'

  hub.options.verify(token).then(
    async (identity) => { await establish(hub, conn, identity, id) },
    (err: unknown) => {
      const message = isAppError(err) ? err.message : 'Invalid token'
      if (!isAppError(err)) hub.fault(err, 'token verification failed')
      hub.send(conn, errorFrame('UNAUTHENTICATED', message, { id }))
      conn.close('UNAUTHENTICATED')
    }
  )
}

// The socket is being made ready; its frames wait, within the frame limit.
function keepForLater (hub: Hub, conn: Connection, data: Buffer, isBinary: boolean) {
  if (conn.backlog.length >= hub.options.limits.framesPerSecond) {
    conn.close('FLOODING')
    return
  }
  conn.backlog.push({ data, isBinary })
}

function receiveReadyFrame (hub: Hub, conn: Connection, data: Buffer, isBinary: boolean) {
  const parsed = parseClientFrame(data, isBinary)
  const id = parsed.ok ? parsed.frame.id : parsed.id

  const retryAfterMs = hub.frameLimiter.take(conn.userId)
  if (retryAfterMs > 0) {
    const limited = new AppError('RATE_LIMITED', 'Frame limit reached', { retryAfterMs })
    refuse(hub, conn, limited, id)
    return
  }

  if (!parsed.ok) {
    conn.log.info({ userId: conn.userId, reason: parsed.message }, 'frame refused')
    hub.send(conn, errorFrame('BAD_REQUEST', parsed.message, { id }))
    return
  }

  const frame = parsed.frame
  if (frame.type === 'send' || frame.type === 'ping') {
    void run(hub, conn, frame)
    return
  }
  conn.chain = conn.chain.then(async () => { await run(hub, conn, frame) })
}

async function run (hub: Hub, conn: Connection, frame: ClientFrame): Promise<void> {
  if (conn.state === 'closed') return

  try {
    await handleFrame(hub, conn, frame)
  } catch (err) {
    refuse(hub, conn, err, frame.id)
  }
}

/** Answers a frame with `error`; RATE_LIMITED counts toward closing a flooder. */
export function refuse (hub: Hub, conn: Connection, err: unknown, id?: string): void {
  if (!isAppError(err)) {
    hub.fault(err, 'frame handling failed')
    hub.send(conn, errorFrame('INTERNAL', 'Internal error', { id }))
    return
  }

  const { code, message, retryAfterMs } = err
  conn.log.info({ userId: conn.identity?.userId, code, reason: message }, 'frame refused')
  hub.send(conn, errorFrame(code, message, { id, retryAfterMs }))
  if (err.code === 'RATE_LIMITED') strike(conn)
}

function strike (conn: Connection): void {
  const now = Date.now()
  conn.strikes.push(now)
  const since = now - STRIKE_WINDOW_MS
  while (conn.strikes.length > 0 && conn.strikes[0] <= since) conn.strikes.shift()

  if (conn.strikes.length >= STRIKE_LIMIT) {
    conn.log.info({ userId: conn.identity?.userId }, 'closing a flooding socket')
    conn.close('FLOODING')
  }
}
