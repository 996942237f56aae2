import { EventEmitter } from 'node:events'
import { AppError } from '../errors.js'
import type { Identity } from '../auth/identity.js'
import { checkClientMsgId, normaliseContent } from './content.js'
import { otherParticipant, type ConversationAccess, type ConversationMembers } from './conversation-access.js'
import type { MessageStore, StoredMessage } from './message-store.js'
import type { SendBudget } from './send-budget.js'

export interface SendInput {
  conversationId: unknown
  content: string
  clientMsgId: string
}

/**
 * Decides, at send time, whether the recipient needs a stored notification:
 * true when no socket of theirs is joined to the conversation anywhere.
 */
export type NotificationPolicy = (conversationId: string, recipientId: string) => Promise<boolean>

/** Runs after a message is stored and before anyone is told (cache invalidation). */
export type AfterStore = (members: ConversationMembers) => Promise<void>

export interface SentEvent {
  members: ConversationMembers
  stored: StoredMessage
}

export interface SendOptions {
  /** Called with the result before the message is published, so an ack precedes the echo. */
  beforePublish?: (stored: StoredMessage) => void
}

/**
 * The one way a message enters the system, for the socket and HTTP alike:
 * access check, content rules, the user's send budget, storage with seq and
 * idempotency, cache invalidation, then a 'sent' event that the hub fans out.
 */
export class SendService extends EventEmitter<{ sent: [SentEvent] }> {
  notificationPolicy: NotificationPolicy = async () => true
  afterStore: AfterStore = async () => {}

  constructor (
    private readonly store: MessageStore,
    private readonly access: ConversationAccess,
    private readonly budget: SendBudget
  ) {
    super()
  }

  async send (identity: Identity, input: SendInput, options: SendOptions = {}): Promise<StoredMessage> {
    const members = await this.access.requireParticipant(input.conversationId, identity.userId)
    const content = normaliseContent(input.content)
    checkClientMsgId(input.clientMsgId)
    const conversationId = members.conversationId

    const grant = await this.budget.take(identity.userId)
    if (!grant.allowed) return await this.resendOrRefuse(identity, conversationId, input, grant.retryAfterMs)

    const recipientId = otherParticipant(members, identity.userId)
    const notify = await this.notificationPolicy(conversationId, recipientId)
    const stored = await this.store.insert({
      conversationId,
      senderId: identity.userId,
      content,
      clientMsgId: input.clientMsgId,
      notifyUserId: notify ? recipientId : null
    })

    if (!stored.created) {
      await this.budget.refund(identity.userId, grant.token)
      options.beforePublish?.(stored)
      return stored
    }

    await this.afterStore(members)
    options.beforePublish?.(stored)
    this.emit('sent', { members, stored })
    return stored
  }

  // A resend of a stored message costs nothing, even with the budget spent.
  private async resendOrRefuse (identity: Identity, conversationId: string, input: SendInput, retryAfterMs: number) {
    const existing = await this.store.findByClientMsgId(conversationId, identity.userId, input.clientMsgId)
    if (!existing) throw new AppError('RATE_LIMITED', 'Send limit reached', { retryAfterMs })
    return { message: existing, created: false, notification: null }
  }
}
