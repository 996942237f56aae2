import type { FastifyBaseLogger } from 'fastify'
import type { Broker } from '../broker/broker.js'

/**
 * Reference-counted broker subscriptions, shared by rooms, user entries and
 * long-poll waiters: a channel is subscribed while anyone here holds it.
 */
export class ChannelSubscriptions {
  private readonly holders = new Map<string, number>()
  private readonly subscribed = new Map<string, Promise<void>>()

  constructor (
    private readonly broker: Broker,
    private readonly log: FastifyBaseLogger
  ) {}

  /** Holds the channel; resolves once its events reach this instance. */
  async acquire (channel: string): Promise<void> {
    const count = this.holders.get(channel) ?? 0
    this.holders.set(channel, count + 1)

    let ready = this.subscribed.get(channel)
    if (!ready) {
      ready = this.broker.subscribe(channel).catch((err: unknown) => {
        // The broker resyncs its subscriptions once it is back; the hub then
        // catches up from PostgreSQL, so a failed subscribe loses nothing.
        this.log.error({ err, channel }, 'broker subscribe failed')
      })
      this.subscribed.set(channel, ready)
    }

    await ready
  }

  release (channel: string): void {
    const count = this.holders.get(channel)
    if (count === undefined) return

    if (count > 1) {
      this.holders.set(channel, count - 1)
      return
    }

    this.holders.delete(channel)
    this.subscribed.delete(channel)
    this.broker.unsubscribe(channel).catch((err: unknown) => {
      this.log.error({ err, channel }, 'broker unsubscribe failed')
    })
  }

  get size (): number {
    return this.holders.size
  }
}
