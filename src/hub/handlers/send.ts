import type { Static } from 'typebox'
import type { SendFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'
import { messageBody } from '../server-frames.js'

/**
 * Sends through the one send path (access, content, budget, storage). The
 * ack is written before the message is published, so it reaches this
 * socket before its own `message` frame.
 */
export async function handleSend (hub: Hub, conn: Connection, frame: Static<typeof SendFrame>) {
  const input = { conversationId: frame.conversationId, content: frame.content, clientMsgId: frame.clientMsgId }

  await hub.options.chat.sender.send(conn.identity!, input, {
    beforePublish: (stored) => {
      if (frame.id === undefined) return
      hub.send(conn, { type: 'ack', id: frame.id, result: { message: messageBody(stored.message) } })
    }
  })
}
