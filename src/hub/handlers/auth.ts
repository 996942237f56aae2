import { AppError } from '../../errors.js'
import type { AuthFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'
import { armExpiry } from '../session.js'

/**
 * `auth` on a ready socket refreshes its token. Only a token for the same
 * user and role is taken (that role was checked against the recorded one
 * when the socket was authenticated); anything else leaves identity and
 * expiry as they were.
 */
export function handleAuth (hub: Hub, conn: Connection, frame: AuthFrame): void {
  const current = conn.identity!
  const identity = hub.options.decode(frame.token)

  if (identity.userId !== current.userId || identity.role !== current.role) {
    throw new AppError('FORBIDDEN', 'A refresh token must be for the same user and role')
  }

  conn.identity = identity
  armExpiry(hub, conn)
  if (frame.id !== undefined) hub.send(conn, { type: 'ack', id: frame.id })
}
