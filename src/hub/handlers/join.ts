import { otherParticipant } from '../../chat/conversation-access.js'
import type { JoinFrame } from '../client-frames.js'
import type { Connection, JoinState } from '../connection.js'
import type { Hub } from '../hub.js'
import {
  encodeFrame, messageBody, type JoinResult, type MessageBody
} from '../server-frames.js'

/** The most messages a join replays; past that the ack says truncated. */
export const MAX_REPLAY = 500

/**
 * Joins a conversation: the ack, then (with afterSeq) the replay of every
 * message after it, then live frames. Live frames that arrive during the
 * ack and replay are held and follow them; a live message the replay
 * already carried is not sent twice. Joining again is allowed: ack and
 * replay, no second `joined`.
 */
export async function handleJoin (hub: Hub, conn: Connection, frame: JoinFrame) {
  const { access, store } = hub.options.chat
  const userId = conn.userId
  const members = await access.requireParticipant(frame.conversationId, userId)
  const conversationId = members.conversationId
  const room = await hub.rooms.hold(members)

  try {
    if (conn.closed) return

    let join = conn.joined.get(conversationId)
    if (join) {
      join.held = []
    } else {
      join = { held: [], heldBytes: 0, replayedTo: -1 }
      await hub.rooms.join(room, conn, join)
    }

    const [state, online, replay] = await Promise.all([
      hub.options.queries.joinState(conversationId, userId),
      hub.options.presence.online([otherParticipant(members, userId)]),
      frame.afterSeq === undefined
        ? Promise.resolve([])
        : store.listAfter(conversationId, frame.afterSeq, MAX_REPLAY + 1)
    ])
    if (conn.closed) return

    const result: JoinResult = {
      conversationId,
      lastSeq: state.lastSeq,
      lastReadSeq: state.lastReadSeq,
      online,
      truncated: replay.length > MAX_REPLAY
    }
    if (frame.id !== undefined) hub.send(conn, { type: 'ack', id: frame.id, result })

    // An afterSeq past the last seq replays nothing and must not hide what comes next.
    const replayedTo = Math.min(frame.afterSeq ?? -1, state.lastSeq)
    join.replayedTo = Math.max(join.replayedTo, replayedTo)
    await sendReplay(hub, conn, join, conversationId, replay.slice(0, MAX_REPLAY))
    releaseHeld(conn, join)
  } finally {
    hub.rooms.release(room)
  }
}

/**
 * Writes the replay without letting the send buffer grow past half the
 * slow-consumer limit: past that it waits until the socket has written
 * what it holds.
 */
async function sendReplay (
  hub: Hub,
  conn: Connection,
  join: JoinState,
  conversationId: string,
  messages: MessageBody[]
): Promise<void> {
  const lowWater = hub.options.limits.maxBufferedBytes / 2
  let frames = 0

  for (const message of messages) {
    const body = messageBody(message)
    const data = encodeFrame({ type: 'message', conversationId, message: body })

    if (conn.bufferedAmount + data.length > lowWater) {
      const written = await new Promise<boolean>((resolve) => {
        if (!conn.sendEncoded(data, (err) => resolve(!err))) resolve(false)
      })
      if (!written) break
    } else if (!conn.sendEncoded(data)) {
      break
    }

    frames++
    join.replayedTo = message.seq
  }

  hub.delivered(frames)
}

function releaseHeld (conn: Connection, join: JoinState): void {
  const held = join.held ?? []
  join.held = null
  join.heldBytes = 0

  for (const { seq, data } of held) {
    if (seq !== null && seq <= join.replayedTo) continue
    conn.sendEncoded(data)
  }
}
