import type { Broker, BrokerEvent, BrokerHandler } from './broker.js'

/** One instance only: publishing is a synchronous call to the handlers. */
export class MemoryBroker implements Broker {
  readonly kind = 'memory' as const
  readonly connected = true
  private readonly handlers: BrokerHandler[] = []
  private readonly subscribed = new Set<string>()

  publish (channel: string, event: BrokerEvent): void {
    if (!this.subscribed.has(channel)) return

    for (const handler of this.handlers) handler(channel, event)
  }

  async subscribe (channel: string): Promise<void> {
    this.subscribed.add(channel)
  }

  async unsubscribe (channel: string): Promise<void> {
    this.subscribed.delete(channel)
  }

  onEvent (handler: BrokerHandler): void {
    this.handlers.push(handler)
  }

  onResync (_handler: () => void): void {
    // Nothing is ever lost in process, so there is nothing to resync.
  }

  subscriptionCount (): number {
    return this.subscribed.size
  }

  async close (): Promise<void> {
    this.subscribed.clear()
  }
}
