/*
 * The frames of WebSocket protocol v1 as the client sees them. This file
 * stands alone (no server imports) so the client compiles for browsers.
 */

export interface ChatMessage {
  id: string
  seq: number
  senderId: string
  content: string
  clientMsgId: string
  createdAt: string
  /** Present in HTTP answers; socket frames carry it beside the message. */
  conversationId?: string
}

export interface ChatNotification {
  id: string
  kind: 'message'
  conversationId?: string | null
  messageId?: string | null
  preview?: string | null
  createdAt: string
}

export interface JoinResult {
  conversationId: string
  lastSeq: number
  /** My read mark; null when joined over HTTP (long-polling), which does not tell it. */
  lastReadSeq: number | null
  /** The other participants online now; always empty over HTTP. */
  online: string[]
  truncated: boolean
}

export type TypingState = 'start' | 'stop'

export interface ReadyFrame {
  type: 'ready'
  userId: string
  sessionId: string
  heartbeatMs: number
  serverTime: string
  unreadNotifications: number
}

export interface AckFrame { type: 'ack', id: string, result?: unknown }

export interface ErrorFrame {
  type: 'error'
  id?: string
  code: string
  message: string
  retryAfterMs?: number
}

export interface PongFrame { type: 'pong', id?: string, serverTime: string }

export interface MessageFrame {
  type: 'message'
  conversationId: string
  message: ChatMessage
}

export interface TypingFrame {
  type: 'typing'
  conversationId: string
  userId: string
  state: TypingState
}

export interface ReadFrame {
  type: 'read'
  conversationId: string
  userId: string
  upToSeq: number
}

export interface MembershipFrame {
  type: 'joined' | 'left'
  conversationId: string
  userId: string
}

export interface PresenceFrame {
  type: 'presence'
  userId: string
  status: 'online' | 'offline'
  lastSeenAt?: string
}

export interface NotificationFrame { type: 'notification', notification: ChatNotification }

export interface BroadcastFrame { type: 'broadcast', payload: unknown }

export type ServerFrame =
  | ReadyFrame | AckFrame | ErrorFrame | PongFrame | MessageFrame | TypingFrame
  | ReadFrame | MembershipFrame | PresenceFrame | NotificationFrame | BroadcastFrame

/** Client frames, without the `id` the client adds to requests. */
export type ClientFrame =
  | { type: 'auth', token: string }
  | { type: 'join', conversationId: string, afterSeq?: number }
  | { type: 'leave', conversationId: string }
  | { type: 'send', conversationId: string, content: string, clientMsgId: string }
  | { type: 'typing', conversationId: string, state: TypingState }
  | { type: 'read', conversationId: string, upToSeq: number }
  | { type: 'ping' }

/** A join replays at most this many messages; the rest is paged over HTTP. */
export const MAX_REPLAY = 500

/** Close codes after which reconnecting would not help. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4000])

export const UNAUTHENTICATED_CLOSE_CODE = 4401

/** Parses one text frame; anything but an object with a string type is dropped. */
export function parseServerFrame (data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null

  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    return null
  }

  const type = (value as { type?: unknown } | null)?.type
  return typeof type === 'string' ? value as ServerFrame : null
}
