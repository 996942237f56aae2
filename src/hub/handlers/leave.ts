import type { Static } from 'typebox'
import type { LeaveFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'

/** Leaves a conversation; leaving one not joined is acknowledged all the same. */
export async function handleLeave (hub: Hub, conn: Connection, frame: Static<typeof LeaveFrame>) {
  const members = await hub.options.chat.access.requireParticipant(frame.conversationId, conn.userId)

  const room = hub.rooms.get(members.conversationId)
  if (room && conn.joined.has(members.conversationId)) await hub.rooms.leave(room, conn)

  if (frame.id !== undefined) hub.send(conn, { type: 'ack', id: frame.id })
}
