import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import type { RedisLink } from '../redis/link.js'
import type { Broker, BrokerEvent, BrokerHandler } from './broker.js'

export interface RedisBrokerOptions {
  link: RedisLink
  log: FastifyBaseLogger
  instanceId: string
  /** How long subscribe() waits for Redis to acknowledge before going on degraded. */
  subscribeTimeoutMs?: number
}

// Every publication starts with the publisher's origin, a fixed-length token,
// so an instance recognises its own echo without parsing the event.
const ORIGIN_LENGTH = 16
const SUBSCRIBE_CHUNK = 500
const RESTORE_RETRY_MS = 500

/**
 * Broker over Redis PUBLISH/SUBSCRIBE, one subscriber connection per instance.
 *
 * The subscriber does not re-subscribe by itself (ioredis' autoResubscribe is
 * off): after every reconnection this class subscribes each wanted channel
 * exactly once, runs the resync handlers, and only then reports connected.
 */
export class RedisBroker implements Broker {
  readonly kind = 'redis' as const
  readonly origin = randomBytes(ORIGIN_LENGTH / 2).toString('hex')
  /** Publications not handed to Redis because it was unreachable. */
  dropped = 0

  private readonly link: RedisLink
  private readonly log: FastifyBaseLogger
  private readonly subscriber: Redis
  private readonly channelPrefix: string
  private readonly subscribeTimeoutMs: number
  private readonly wanted = new Set<string>()
  private readonly handlers: BrokerHandler[] = []
  private readonly resyncHandlers: Array<() => void> = []
  private restored = false
  // Bumped on every loss of the connection, so a restore that started
  // before the loss never marks the broker connected afterwards.
  private generation = 0
  private retryTimer: NodeJS.Timeout | undefined
  private closed = false
  private waiters: Array<() => void> = []

  constructor (options: RedisBrokerOptions) {
    this.link = options.link
    this.log = options.log
    this.channelPrefix = `${options.link.prefix}ch:`
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 1000

    this.subscriber = options.link.createSubscriber('broker', { autoResubscribe: false })
    this.subscriber.on('ready', this.subscriberOnReady)
    this.subscriber.on('close', this.subscriberOnClose)
    this.subscriber.on('message', this.subscriberOnMessage)

    const { instanceId } = options
    this.log.info({ origin: this.origin, instanceId }, 'redis broker started')
  }

  get connected (): boolean {
    return this.restored && this.link.up
  }

  /** Resolves once connected, or after timeoutMs (start-up waits, never fails). */
  async waitUntilConnected (timeoutMs: number): Promise<boolean> {
    if (this.connected) return true

    let timer: NodeJS.Timeout | undefined
    const connected = new Promise<void>((resolve) => this.waiters.push(resolve))
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
    })
    await Promise.race([connected, timeout])
    clearTimeout(timer)
    return this.connected
  }

  publish (channel: string, event: BrokerEvent): void {
    this.sendToRedis(channel, event)
    if (this.wanted.has(channel)) this.deliver(channel, event)
  }

  async subscribe (channel: string): Promise<void> {
    this.wanted.add(channel)
    if (this.subscriber.status !== 'ready') return

    const acknowledged = this.subscriber.subscribe(this.channelPrefix + channel)
    try {
      await withTimeout(acknowledged, this.subscribeTimeoutMs)
    } catch (err) {
      this.log.warn({ err, channel }, 'redis subscribe failed; restoring subscriptions')
      this.restoreSoon()
    }
  }

  async unsubscribe (channel: string): Promise<void> {
    this.wanted.delete(channel)
    if (this.subscriber.status !== 'ready') return

    // A failure here leaves at most a channel whose events are filtered out;
    // the next reconnection does not subscribe it again.
    await this.subscriber.unsubscribe(this.channelPrefix + channel).catch(() => {})
  }

  onEvent (handler: BrokerHandler): void {
    this.handlers.push(handler)
  }

  onResync (handler: () => void): void {
    this.resyncHandlers.push(handler)
  }

  subscriptionCount (): number {
    return this.wanted.size
  }

  async close (): Promise<void> {
    this.closed = true
    this.generation++
    this.restored = false
    this.wanted.clear()
    clearTimeout(this.retryTimer)
    await this.subscriber.quit().catch(() => this.subscriber.disconnect())
  }

  // One serialisation per publication, one PUBLISH per channel. Never waits:
  // with Redis away the event is dropped and receivers catch up from
  // PostgreSQL on resync.
  private sendToRedis (channel: string, event: BrokerEvent): void {
    if (this.link.command.status !== 'ready') {
      this.dropped++
      return
    }

    const payload = this.origin + JSON.stringify(event)
    this.link.command.publish(this.channelPrefix + channel, payload)
      .catch(this.publishOnError)
  }

  private deliver (channel: string, event: BrokerEvent): void {
    for (const handler of this.handlers) {
      try {
        handler(channel, event)
      } catch (err) {
        this.log.error({ err, channel, type: event.type }, 'broker handler failed')
      }
    }
  }

  // Usually a timeout under load: the command was written and Redis most
  // likely ran it, so it is not counted as dropped.
  private readonly publishOnError = (err: unknown): void => {
    this.log.debug({ err }, 'redis publish unconfirmed')
  }

  private readonly subscriberOnMessage = (redisChannel: string, payload: string) => {
    if (payload.startsWith(this.origin)) return

    const channel = redisChannel.slice(this.channelPrefix.length)
    if (!this.wanted.has(channel)) return

    let event: BrokerEvent
    try {
      event = JSON.parse(payload.slice(ORIGIN_LENGTH)) as BrokerEvent
    } catch (err) {
      this.log.warn({ err, channel }, 'unreadable broker event dropped')
      return
    }

    this.log.trace({ channel, type: event.type }, 'broker event received')
    this.deliver(channel, event)
  }

  private readonly subscriberOnReady = (): void => {
    void this.restore(this.generation)
  }

  private readonly subscriberOnClose = (): void => {
    this.generation++
    this.restored = false
  }

  // Every wanted channel in chunks sent back to back, so an UNSUBSCRIBE
  // issued meanwhile is ordered after them on the connection.
  private async restore (generation: number): Promise<void> {
    const channels = [...this.wanted].map((channel) => this.channelPrefix + channel)
    const chunks: Array<Promise<unknown>> = []
    for (let i = 0; i < channels.length; i += SUBSCRIBE_CHUNK) {
      chunks.push(this.subscriber.subscribe(...channels.slice(i, i + SUBSCRIBE_CHUNK)))
    }

    try {
      await Promise.all(chunks)
    } catch (err) {
      if (generation === this.generation) {
        this.log.warn({ err }, 'restoring redis subscriptions failed; retrying')
        this.restoreSoon()
      }
      return
    }
    if (generation !== this.generation || this.closed) return

    for (const handler of this.resyncHandlers) {
      try {
        handler()
      } catch (err) {
        this.log.error({ err }, 'broker resync handler failed')
      }
    }

    this.restored = true
    this.log.info({ channels: channels.length }, 'redis subscriptions restored')

    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  private restoreSoon (): void {
    this.restored = false
    clearTimeout(this.retryTimer)

    this.retryTimer = setTimeout(() => {
      if (this.subscriber.status !== 'ready' || this.closed) return
      void this.restore(++this.generation)
    }, RESTORE_RETRY_MS)
    this.retryTimer.unref()
  }
}

async function withTimeout<T> (promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    const fail = () => reject(new Error(`no answer within ${timeoutMs} ms`))
    timer = setTimeout(fail, timeoutMs)
  })

  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
