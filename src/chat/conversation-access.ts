import { eq } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import type { Db } from '../db/client.js'
import { conversations } from '../db/schema.js'
import { AppError } from '../errors.js'
import { requireUuid } from './ids.js'

export interface ConversationMembers {
  conversationId: string
  companyId: string
  candidateId: string
}

/**
 * Who takes part in a conversation. Participants never change once the
 * conversation exists, so the answer is cached for the life of the process.
 */
export class ConversationAccess {
  private readonly cache = new LRUCache<string, ConversationMembers>({ max: 100_000 })

  constructor (private readonly db: Db) {}

  async members (conversationId: string): Promise<ConversationMembers | undefined> {
    const cached = this.cache.get(conversationId)
    if (cached) return cached

    const [row] = await this.db
      .select({ companyId: conversations.companyId, candidateId: conversations.candidateId })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
    if (!row) return undefined

    const members = { conversationId, ...row }
    this.cache.set(conversationId, members)
    return members
  }

  /** The conversation's members if userId is one of them; NOT_FOUND or FORBIDDEN otherwise. */
  async requireParticipant (rawConversationId: unknown, userId: string): Promise<ConversationMembers> {
    const conversationId = requireUuid(rawConversationId, 'conversationId')
    const members = await this.members(conversationId)

    if (!members) throw new AppError('NOT_FOUND', 'Conversation not found')
    if (!isParticipant(members, userId)) {
      throw new AppError('FORBIDDEN', 'You are not a participant of this conversation')
    }

    return members
  }
}

export function isParticipant (members: ConversationMembers, userId: string): boolean {
  return members.companyId === userId || members.candidateId === userId
}

export function otherParticipant (members: ConversationMembers, userId: string): string {
  return members.companyId === userId ? members.candidateId : members.companyId
}
