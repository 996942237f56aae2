import type { AsyncLocalStorage } from 'node:async_hooks'
import { channels, type Broker } from '../broker/broker.js'
import { preview } from '../chat/content.js'
import type { ReadEvent as StoredReadEvent } from '../chat/read-marks.js'
import type { SentEvent } from '../chat/send-service.js'
import type { MessageEvent, ReadEvent, UserEvent } from './hub-events.js'
import { messageBody } from './server-frames.js'

/**
 * Publishes a stored message to its conversation, and a live notification
 * to the recipient's user channel when one was stored for them. Sends over
 * HTTP and over the socket both come through here.
 */
export function announceSent (broker: Broker) {
  return function onSent ({ members, stored }: SentEvent): void {
    const message = messageBody(stored.message)
    const conversationId = members.conversationId
    const event: MessageEvent = { type: 'message', conversationId, message }
    broker.publish(channels.conversation(conversationId), event)

    const notification = stored.notification
    if (!notification) return

    const push: UserEvent = {
      type: 'notification',
      notification: {
        id: notification.id,
        kind: 'message',
        conversationId,
        messageId: message.id,
        preview: preview(message.content),
        createdAt: notification.createdAt
      }
    }
    broker.publish(channels.user(notification.userId), push)
  }
}

/**
 * Publishes a read mark that advanced. When a socket moved it, its session
 * (from readOrigin) travels along so that socket, which has its ack, is
 * skipped.
 */
export function announceRead (broker: Broker, readOrigin: AsyncLocalStorage<string>) {
  return function onRead (mark: StoredReadEvent): void {
    const event: ReadEvent = {
      type: 'read',
      conversationId: mark.conversationId,
      userId: mark.userId,
      upToSeq: mark.lastReadSeq
    }

    const origin = readOrigin.getStore()
    if (origin) event.origin = origin
    broker.publish(channels.conversation(mark.conversationId), event)
  }
}
