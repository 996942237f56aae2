/**
 * Carries events between the instances of the service. The in-process
 * implementation serves one instance (embedded mode); the Redis one uses
 * PUBLISH/SUBSCRIBE so any number of instances act as one.
 *
 * Contract shared by both implementations:
 * - publish() delivers to this instance's handler synchronously (exactly once,
 *   never an echo from Redis on top) and to every other instance subscribed to
 *   the channel. It never throws and never waits on Redis.
 * - subscribe() resolves once events on the channel reach this instance.
 *   Subscriptions are reference counted by the caller, not here.
 * - onResync handlers run after a lost connection is back and every
 *   subscription is restored, so callers can catch up from PostgreSQL.
 */
export interface Broker {
  readonly kind: 'memory' | 'redis'
  publish(channel: string, event: BrokerEvent): void
  subscribe(channel: string): Promise<void>
  unsubscribe(channel: string): Promise<void>
  onEvent(handler: BrokerHandler): void
  onResync(handler: () => void): void
  /** True while events flow between instances (always true in process). */
  readonly connected: boolean
  /** Channels this instance is subscribed to. */
  subscriptionCount(): number
  close(): Promise<void>
}

/** Any JSON-serialisable object with a string `type`. */
export interface BrokerEvent {
  type: string
  [key: string]: unknown
}

export type BrokerHandler = (channel: string, event: BrokerEvent) => void

export const channels = {
  conversation: (conversationId: string) => `conv:${conversationId}`,
  user: (userId: string) => `user:${userId}`,
  everyone: () => 'all'
}
