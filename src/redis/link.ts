import { EventEmitter } from 'node:events'
import { Redis, type RedisOptions } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'

export interface RedisLinkOptions {
  url: string
  prefix: string
  log: FastifyBaseLogger
  /** Commands fail after this long rather than wait on a slow or absent Redis. */
  commandTimeoutMs?: number
}

/**
 * The instance's connections to Redis: one for commands, and subscriber
 * connections made on demand. Nothing ever queues while Redis is away:
 * commands fail at once and callers fall back to local state.
 *
 * Emits 'up' and 'down' on each change of the command connection's state.
 */
export class RedisLink extends EventEmitter {
  readonly command: Redis
  readonly prefix: string
  private readonly options: RedisLinkOptions
  private readonly subscribers = new Set<Redis>()
  private isUp = false

  constructor (options: RedisLinkOptions) {
    super()
    this.options = options
    this.prefix = options.prefix
    this.command = this.connect('command')
    this.command.on('ready', () => this.setUp(true))
    this.command.on('close', () => this.setUp(false))
  }

  get up (): boolean {
    return this.isUp
  }

  /** A new connection for SUBSCRIBE; closed with the link. */
  createSubscriber (name = 'subscriber', overrides: Partial<RedisOptions> = {}): Redis {
    const client = this.connect(name, { commandTimeout: undefined, ...overrides })
    this.subscribers.add(client)
    return client
  }

  /** Resolves once the command connection is ready, or after timeoutMs. */
  async waitUntilUp (timeoutMs: number): Promise<boolean> {
    if (this.isUp) return true

    return await new Promise((resolve) => {
      const timer = setTimeout(() => { this.off('up', onUp); resolve(false) }, timeoutMs)
      const onUp = () => { clearTimeout(timer); resolve(true) }
      this.once('up', onUp)
    })
  }

  async close (): Promise<void> {
    const clients = [this.command, ...this.subscribers]
    await Promise.all(clients.map(async (client) => {
      await client.quit().catch(() => client.disconnect())
    }))
  }

  private connect (name: string, overrides: Partial<RedisOptions> = {}): Redis {
    const client = new Redis(this.options.url, {
      connectionName: `${this.prefix}${name}`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.options.commandTimeoutMs ?? 50,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      ...overrides
    })

    // ioredis emits 'error' on every failed reconnect; the state change is
    // what matters and is logged once by setUp.
    client.on('error', (err) => {
      this.options.log.debug({ err, connection: name }, 'redis connection error')
    })

    return client
  }

  private setUp (up: boolean): void {
    if (this.isUp === up) return
    this.isUp = up

    if (up) this.options.log.info('redis connected')
    else this.options.log.warn('redis unreachable; serving from local state')

    this.emit(up ? 'up' : 'down')
  }
}
