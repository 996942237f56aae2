import type { MessageView } from '../chat/message-view.js'
import type { ErrorCode } from '../errors.js'

/** A message as the socket carries it. */
export interface MessageBody {
  id: string
  seq: number
  senderId: string
  content: string
  clientMsgId: string
  createdAt: string
}

export interface NotificationBody {
  id: string
  kind: 'message'
  conversationId?: string
  messageId?: string
  preview?: string
  createdAt: string
}

export interface JoinResult {
  conversationId: string
  lastSeq: number
  lastReadSeq: number
  online: string[]
  truncated: boolean
}

export type TypingState = 'start' | 'stop'

/** Every frame the server sends; nothing else ever goes out on a socket. */
export type ServerFrame =
  | {
      type: 'ready'
      userId: string
      sessionId: string
      heartbeatMs: number
      serverTime: string
      unreadNotifications: number
    }
  | { type: 'ack', id: string, result?: unknown }
  | {
      type: 'error'
      id?: string
      code: ErrorCode
      message: string
      retryAfterMs?: number
    }
  | { type: 'pong', id?: string, serverTime: string }
  | { type: 'message', conversationId: string, message: MessageBody }
  | { type: 'typing', conversationId: string, userId: string, state: TypingState }
  | { type: 'read', conversationId: string, userId: string, upToSeq: number }
  | { type: 'joined' | 'left', conversationId: string, userId: string }
  | {
      type: 'presence'
      userId: string
      status: 'online' | 'offline'
      lastSeenAt?: string
    }
  | { type: 'notification', notification: NotificationBody }
  | { type: 'broadcast', payload: unknown }

/** Serialised once and shared by every socket the frame goes to. */
export function encodeFrame (frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame))
}

export function messageBody (message: MessageView | MessageBody): MessageBody {
  return {
    id: message.id,
    seq: message.seq,
    senderId: message.senderId,
    content: message.content,
    clientMsgId: message.clientMsgId,
    createdAt: message.createdAt
  }
}

export function errorFrame (
  code: ErrorCode,
  message: string,
  options: { id?: string, retryAfterMs?: number } = {}
): ServerFrame {
  const frame: ServerFrame = { type: 'error', code, message }
  if (options.id !== undefined) frame.id = options.id
  if (options.retryAfterMs !== undefined) frame.retryAfterMs = options.retryAfterMs
  return frame
}
