import type { ReadFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'

/**
 * Moves the reader's mark. The read path announces an advance itself (for
 * HTTP too); running it inside readOrigin lets that announcement skip this
 * socket, which has its ack.
 */
export async function handleRead (hub: Hub, conn: Connection, frame: ReadFrame) {
  const { reads } = hub.options.chat
  const mark = await hub.readOrigin.run(conn.sessionId, async () =>
    await reads.markRead(conn.identity!, frame.conversationId, frame.upToSeq))

  if (frame.id === undefined) return
  hub.send(conn, {
    type: 'ack',
    id: frame.id,
    result: { conversationId: mark.conversationId, lastReadSeq: mark.lastReadSeq }
  })
}
