import type { PingFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'

/** `pong` is the answer to a `ping`, with or without an id. */
export function handlePing (hub: Hub, conn: Connection, frame: PingFrame): void {
  const serverTime = new Date().toISOString()

  if (frame.id === undefined) hub.send(conn, { type: 'pong', serverTime })
  else hub.send(conn, { type: 'pong', id: frame.id, serverTime })
}
