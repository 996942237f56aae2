import type { FastifyBaseLogger } from 'fastify'
import { channels, type Broker } from '../broker/broker.js'
import type { ChannelSubscriptions } from './channels.js'
import type { Connection } from './connection.js'
import type { EveryoneEvent } from './hub-events.js'
import type { Presence } from './presence.js'

export interface LocalUsersDeps {
  broker: Broker
  channels: ChannelSubscriptions
  presence: Presence
  log: FastifyBaseLogger
}

/**
 * The users with an authenticated socket on this instance. A user entry
 * holds the user's broker channel, and its first and last socket drive the
 * cluster-wide presence, announced to everyone on its transitions.
 */
export class LocalUsers {
  private readonly users = new Map<string, Set<Connection>>()

  constructor (private readonly deps: LocalUsersDeps) {}

  /** Resolves once events for the user reach this instance. */
  async add (conn: Connection): Promise<void> {
    const userId = conn.userId
    const sockets = this.users.get(userId)
    if (sockets) {
      sockets.add(conn)
      return
    }

    // Presence and broadcasts reach an instance through the everyone channel,
    // held only while the instance has a user, so an idle instance listens to
    // nothing.
    const everyone = this.users.size === 0 ? this.deps.channels.acquire(channels.everyone()) : undefined
    this.users.set(userId, new Set([conn]))
    const subscribed = this.deps.channels.acquire(channels.user(userId))
    const first = await this.deps.presence.connect(userId)
    if (first) this.announce({ type: 'presence', userId, status: 'online' })
    await subscribed
    await everyone
  }

  remove (conn: Connection): void {
    const userId = conn.userId
    const sockets = this.users.get(userId)
    if (!sockets?.delete(conn) || sockets.size > 0) return

    this.users.delete(userId)
    this.deps.channels.release(channels.user(userId))
    if (this.users.size === 0) this.deps.channels.release(channels.everyone())
    void this.deps.presence.disconnect(userId).then(({ offline, lastSeenAt }) => {
      if (!offline) return
      this.announce({ type: 'presence', userId, status: 'offline', lastSeenAt })
    })
  }

  socketsOf (userId: string): ReadonlySet<Connection> {
    return this.users.get(userId) ?? new Set()
  }

  get size (): number {
    return this.users.size
  }

  private announce (event: EveryoneEvent): void {
    this.deps.broker.publish(channels.everyone(), event)
  }
}
