import type { MessageBody, NotificationBody, TypingState } from './server-frames.js'

/*
 * What the hub publishes through the broker. Conversation channels carry
 * what happens in a conversation, user channels what concerns one user's
 * sockets, and the everyone channel presence changes and broadcasts.
 * Each is plain JSON, so it crosses instances unchanged.
 */
export type MessageEvent = {
  type: 'message'
  conversationId: string
  message: MessageBody
}
export type TypingEvent = {
  type: 'typing'
  conversationId: string
  userId: string
  state: TypingState
}
/** origin is the session that moved the mark; that socket already has its ack. */
export type ReadEvent = {
  type: 'read'
  conversationId: string
  userId: string
  upToSeq: number
  origin?: string
}
export type MembershipEvent = {
  type: 'joined' | 'left'
  conversationId: string
  userId: string
}
export type BroadcastEvent = { type: 'broadcast', payload: unknown }

export type ConversationEvent =
  | MessageEvent | TypingEvent | ReadEvent | MembershipEvent | BroadcastEvent

export type UserEvent =
  | { type: 'notification', notification: NotificationBody }
  | BroadcastEvent
  | { type: 'disconnect', reason?: string }

export type PresenceEvent = {
  type: 'presence'
  userId: string
  status: 'online' | 'offline'
  lastSeenAt?: string
}

export type EveryoneEvent =
  | PresenceEvent
  | BroadcastEvent
