import { channels } from '../../broker/broker.js'
import type { TypingFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { TypingEvent } from '../hub-events.js'
import type { Hub } from '../hub.js'

/**
 * Publishes the typing state; each room that receives it forwards only
 * changes and turns an unrenewed start into a stop.
 */
export async function handleTyping (hub: Hub, conn: Connection, frame: TypingFrame) {
  const { access } = hub.options.chat
  const members = await access.requireParticipant(frame.conversationId, conn.userId)
  const { conversationId } = members

  const event: TypingEvent = {
    type: 'typing',
    conversationId,
    userId: conn.userId,
    state: frame.state
  }
  hub.options.broker.publish(channels.conversation(conversationId), event)

  if (frame.id !== undefined) hub.send(conn, { type: 'ack', id: frame.id })
}
