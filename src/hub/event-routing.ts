import { channels, type BrokerEvent } from '../broker/broker.js'
import type { Connection } from './connection.js'
import type { ConversationEvent, EveryoneEvent, UserEvent } from './hub-events.js'
import type { Hub } from './hub.js'
import { encodeFrame, type ServerFrame } from './server-frames.js'

const CONVERSATION = channels.conversation('')
const USER = channels.user('')

/**
 * Hands an event from the broker to the sockets of this instance it
 * concerns. It runs inside the broker's publish for local events, so it
 * never throws.
 */
export function routeBrokerEvent (hub: Hub, channel: string, event: BrokerEvent): void {
  try {
    if (channel === channels.everyone()) {
      routeEveryone(hub, event as EveryoneEvent)
    } else if (channel.startsWith(CONVERSATION)) {
      const conversationId = channel.slice(CONVERSATION.length)
      routeConversation(hub, conversationId, event as ConversationEvent)
    } else if (channel.startsWith(USER)) {
      routeUser(hub, channel.slice(USER.length), event as UserEvent)
    }
  } catch (err) {
    hub.fault(err, 'fan-out failed')
  }
}

function routeConversation (hub: Hub, conversationId: string, event: ConversationEvent) {
  if (event.type === 'message') hub.waiters.onMessage(conversationId, event.message.seq)
  hub.rooms.get(conversationId)?.onEvent(event)
}

function routeUser (hub: Hub, userId: string, event: UserEvent): void {
  const sockets = hub.users.socketsOf(userId)
  hub.log.trace({ userId, type: event.type, sockets: sockets.size }, 'user fan-out')

  if (event.type === 'disconnect') {
    for (const conn of sockets) conn.close('ADMIN_DISCONNECT', event.reason)
    return
  }
  sendToAll(hub, sockets, event)
}

function routeEveryone (hub: Hub, event: EveryoneEvent): void {
  if (event.type === 'broadcast') {
    const ready = [...hub.connections].filter((conn) => conn.state === 'ready')
    sendToAll(hub, ready, event)
    return
  }

  // One frame per socket, however many of the user's conversations it joined.
  const targets = new Set<Connection>()
  for (const room of hub.rooms.withParticipant(event.userId)) {
    for (const conn of room.sockets.keys()) {
      if (conn.userId !== event.userId) targets.add(conn)
    }
  }

  const { userId, status } = event
  hub.log.trace({ userId, status, sockets: targets.size }, 'presence fan-out')
  sendToAll(hub, targets, event)
}

// The frame is serialised once, and only if some socket takes it.
function sendToAll (hub: Hub, sockets: Iterable<Connection>, frame: ServerFrame): void {
  let data: Buffer | null = null
  let frames = 0

  for (const conn of sockets) {
    data ??= encodeFrame(frame)
    if (conn.sendEncoded(data)) frames++
  }
  hub.delivered(frames)
}
