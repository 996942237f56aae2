import { LRUCache } from 'lru-cache'
import type { Presence } from './presence.js'

/** One instance only: the users with a socket here are the online users. */
export class MemoryPresence implements Presence {
  private readonly users = new Set<string>()
  // Bounded: last-seen times are a courtesy, not state anyone relies on.
  private readonly lastSeen = new LRUCache<string, string>({ max: 100_000 })

  async connect (userId: string): Promise<boolean> {
    if (this.users.has(userId)) return false

    this.users.add(userId)
    this.lastSeen.delete(userId)
    return true
  }

  async disconnect (userId: string) {
    const lastSeenAt = new Date().toISOString()
    if (!this.users.delete(userId)) return { offline: false, lastSeenAt }

    this.lastSeen.set(userId, lastSeenAt)
    return { offline: true, lastSeenAt }
  }

  async online (userIds: readonly string[]): Promise<string[]> {
    return userIds.filter((userId) => this.users.has(userId))
  }

  async status (userId: string) {
    const online = this.users.has(userId)
    return { online, lastSeenAt: online ? null : this.lastSeen.get(userId) ?? null }
  }

  async onlineUsers (): Promise<string[]> {
    return [...this.users].sort()
  }

  async close (): Promise<void> {
    this.users.clear()
  }
}
