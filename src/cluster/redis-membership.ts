import { channels, type Broker } from '../broker/broker.js'
import type { MembershipEvent } from '../hub/hub-events.js'
import type { ConversationMembership } from '../hub/membership.js'
import type { Announce } from './instance-registry.js'
import type { SharedSets } from './shared-sets.js'

/**
 * Which users have a socket joined to a conversation anywhere, shared
 * through Redis. While Redis is away, answers come from this instance.
 */
export class RedisMembership implements ConversationMembership {
  constructor (private readonly sets: SharedSets) {}

  async add (conversationId: string, userId: string): Promise<boolean> {
    return await this.sets.add(conversationId, userId)
  }

  async remove (conversationId: string, userId: string): Promise<boolean> {
    return await this.sets.remove(conversationId, userId, new Date().toISOString())
  }

  async isJoined (conversationId: string, userId: string): Promise<boolean> {
    return await this.sets.has(conversationId, userId)
  }

  async conversationCount (): Promise<number> {
    return await this.sets.groupCount()
  }

  async close (): Promise<void> {
    this.sets.clear()
  }
}

/** Announces joins and leaves found by the registry (a dead instance, a rebuild). */
export function announceMembership (broker: Broker): Announce {
  return ({ ups, downs }) => {
    const publish = (event: MembershipEvent) =>
      broker.publish(channels.conversation(event.conversationId), event)

    for (const { group, member } of downs) {
      publish({ type: 'left', conversationId: group, userId: member })
    }
    for (const { group, member } of ups) {
      publish({ type: 'joined', conversationId: group, userId: member })
    }
  }
}
