import type { ConversationMembership } from './membership.js'

/** One instance only: the joins made here are all the joins there are. */
export class MemoryMembership implements ConversationMembership {
  private readonly joined = new Map<string, Set<string>>()

  async add (conversationId: string, userId: string): Promise<boolean> {
    const users = this.joined.get(conversationId) ?? new Set<string>()
    if (users.has(userId)) return false

    users.add(userId)
    this.joined.set(conversationId, users)
    return true
  }

  async remove (conversationId: string, userId: string): Promise<boolean> {
    const users = this.joined.get(conversationId)
    if (!users?.delete(userId)) return false

    if (users.size === 0) this.joined.delete(conversationId)
    return true
  }

  async isJoined (conversationId: string, userId: string): Promise<boolean> {
    return this.joined.get(conversationId)?.has(userId) ?? false
  }

  async conversationCount (): Promise<number> {
    return this.joined.size
  }

  async close (): Promise<void> {
    this.joined.clear()
  }
}
