import type { Static } from 'typebox'
import type { PingFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'

/** `pong` is the answer to a `ping`, with or without an id. */
export function handlePing (hub: Hub, conn: Connection, frame: Static<typeof PingFrame>): void {
  hub.send(conn, {
    type: 'pong',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    serverTime: new Date().toISOString()
  })
}
