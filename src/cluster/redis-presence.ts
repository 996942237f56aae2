import { LRUCache } from 'lru-cache'
import { channels, type Broker } from '../broker/broker.js'
import type { EveryoneEvent } from '../hub/hub-events.js'
import type { Presence } from '../hub/presence.js'
import type { Announce } from './instance-registry.js'
import type { SharedSets } from './shared-sets.js'

// Presence is one group of users; see shared-sets.ts.
const ONLINE = ''

/**
 * Presence shared by every instance through Redis: a user is online while
 * any instance holds one of their sockets. While Redis is away, answers
 * come from this instance's own users.
 */
export class RedisPresence implements Presence {
  // Last-seen times of users who went offline here, for answers without Redis.
  private readonly lastSeen = new LRUCache<string, string>({ max: 100_000 })

  constructor (private readonly sets: SharedSets) {}

  async connect (userId: string): Promise<boolean> {
    this.lastSeen.delete(userId)
    return await this.sets.add(ONLINE, userId)
  }

  async disconnect (userId: string) {
    const lastSeenAt = new Date().toISOString()
    this.lastSeen.set(userId, lastSeenAt)
    const offline = await this.sets.remove(ONLINE, userId, lastSeenAt)
    return { offline, lastSeenAt }
  }

  async online (userIds: readonly string[]): Promise<string[]> {
    return await this.sets.present(ONLINE, userIds)
  }

  async status (userId: string) {
    if (await this.sets.has(ONLINE, userId)) return { online: true, lastSeenAt: null }

    const stored = await this.sets.lastSeen(userId)
    return { online: false, lastSeenAt: stored ?? this.lastSeen.get(userId) ?? null }
  }

  async onlineUsers (): Promise<string[]> {
    return (await this.sets.members(ONLINE)).sort()
  }

  async close (): Promise<void> {
    this.sets.clear()
  }
}

/** Announces presence changes found by the registry (a dead instance, a rebuild). */
export function announcePresence (broker: Broker): Announce {
  return ({ ups, downs }, at) => {
    const publish = (event: EveryoneEvent) => broker.publish(channels.everyone(), event)

    for (const { member: userId } of downs) {
      publish({ type: 'presence', userId, status: 'offline', lastSeenAt: at })
    }
    for (const { member: userId } of ups) {
      publish({ type: 'presence', userId, status: 'online' })
    }
  }
}
