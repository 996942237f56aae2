import type { StoredMessage } from '../../chat/message-store.js'
import type { SendFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'
import { messageBody } from '../server-frames.js'

/**
 * Sends through the one send path (access, content, budget, storage). The
 * ack is written before the message is published, so it reaches this
 * socket before its own `message` frame. A resend that publishes nothing
 * may return without that hook: it is acknowledged on return.
 */
export async function handleSend (hub: Hub, conn: Connection, frame: SendFrame) {
  const { conversationId, content, clientMsgId } = frame
  let acked = false

  const ack = (stored: StoredMessage) => {
    acked = true
    if (frame.id === undefined) return
    const result = { message: messageBody(stored.message) }
    hub.send(conn, { type: 'ack', id: frame.id, result })
  }

  const { sender } = hub.options.chat
  const input = { conversationId, content, clientMsgId }
  const stored = await sender.send(conn.identity!, input, { beforePublish: ack })
  if (!acked) ack(stored)
}
