import type { LeaveFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'

/** Leaves a conversation; leaving one not joined is acknowledged all the same. */
export async function handleLeave (hub: Hub, conn: Connection, frame: LeaveFrame) {
  const { access } = hub.options.chat
  const members = await access.requireParticipant(frame.conversationId, conn.userId)
  const { conversationId } = members

  const room = hub.rooms.get(conversationId)
  if (room && conn.joined.has(conversationId)) await hub.rooms.leave(room, conn)

  if (frame.id !== undefined) hub.send(conn, { type: 'ack', id: frame.id })
}
