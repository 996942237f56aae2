import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { channels } from '../broker/broker.js'
import type { ChannelSubscriptions } from './channels.js'
import type { CountedTimers } from './timers.js'

/** What the long-poll route of GET /api/conversations/:id/messages waits on. */
export interface MessageWaiter {
  /**
   * Resolves as soon as a message with seq > afterSeq is published in the
   * conversation (or already exists), after waitMs, when the client goes
   * away, or at once when the service shuts down. Never rejects.
   */
  waitForMessage(
    conversationId: string,
    afterSeq: number,
    waitMs: number,
    rawRequest: IncomingMessage
  ): Promise<void>
}

export interface WaitersDeps {
  channels: ChannelSubscriptions
  timers: CountedTimers
  log: FastifyBaseLogger
  lastSeq(conversationId: string): Promise<number>
}

interface Waiter {
  afterSeq: number
  request: IncomingMessage
  done(): void
}

/**
 * Pending long-polls, by conversation. Each holds the conversation's broker
 * channel through the same reference count as the rooms, so a long-poll and
 * a socket on one conversation share one subscription.
 */
export class LongPollWaiters implements MessageWaiter {
  private readonly waiting = new Map<string, Set<Waiter>>()
  private stopping = false
  private count = 0

  constructor (private readonly deps: WaitersDeps) {}

  async waitForMessage (
    conversationId: string,
    afterSeq: number,
    waitMs: number,
    rawRequest: IncomingMessage
  ): Promise<void> {
    const socket = rawRequest.socket as Socket | null
    if (this.stopping || !socket || socket.destroyed || waitMs <= 0) return

    await new Promise<void>((resolve) => {
      const channel = channels.conversation(conversationId)
      let finished = false

      const waiter: Waiter = {
        afterSeq,
        request: rawRequest,
        done: () => {
          if (finished) return
          finished = true

          this.deps.timers.clear(timer)
          socket.removeListener('close', waiter.done)
          this.forget(conversationId, waiter)
          this.deps.channels.release(channel)
          resolve()
        }
      }

      const timer = this.deps.timers.timeout(waiter.done, waitMs)
      socket.once('close', waiter.done)
      this.remember(conversationId, waiter)

      void this.deps.channels.acquire(channel)
        .then(async () => await this.checkStored(conversationId, waiter))
    })
  }

  /** A message was published in the conversation. */
  onMessage (conversationId: string, seq: number): void {
    const waiters = this.waiting.get(conversationId)
    if (!waiters) return

    for (const waiter of [...waiters]) if (seq > waiter.afterSeq) waiter.done()
  }

  /** After a broker outage: answer the waits whose message came meanwhile. */
  resync (): void {
    for (const [conversationId, waiters] of this.waiting) {
      for (const waiter of waiters) void this.checkStored(conversationId, waiter)
    }
  }

  /**
   * Shutdown: every pending long-poll answers now, and new ones at once.
   * Resolves when those answers are written (or after graceMs): the server
   * closes idle connections only once, so an answer written later would
   * hold its keep-alive connection, and the shutdown, open.
   */
  async stop (graceMs: number): Promise<void> {
    this.stopping = true

    const requests: IncomingMessage[] = []
    for (const waiters of [...this.waiting.values()]) {
      for (const waiter of [...waiters]) {
        requests.push(waiter.request)
        waiter.done()
      }
    }
    if (requests.length === 0) return

    let timer: NodeJS.Timeout | null = null
    await Promise.race([
      Promise.all(requests.map(answered)),
      new Promise<void>((resolve) => {
        timer = this.deps.timers.timeout(resolve, graceMs)
      })
    ])
    this.deps.timers.clear(timer)
  }

  get size (): number {
    return this.count
  }

  // A message committed between the route's read and the subscription
  // would otherwise be noticed only when the wait ends.
  private async checkStored (conversationId: string, waiter: Waiter): Promise<void> {
    try {
      if (await this.deps.lastSeq(conversationId) > waiter.afterSeq) waiter.done()
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'long-poll check failed')
    }
  }

  private remember (conversationId: string, waiter: Waiter): void {
    const waiters = this.waiting.get(conversationId) ?? new Set<Waiter>()
    waiters.add(waiter)
    this.waiting.set(conversationId, waiters)
    this.count++
  }

  private forget (conversationId: string, waiter: Waiter): void {
    const waiters = this.waiting.get(conversationId)
    if (!waiters?.delete(waiter)) return

    this.count--
    if (waiters.size === 0) this.waiting.delete(conversationId)
  }
}

// A request emits 'close' once its response is finished (or its client gone).
async function answered (request: IncomingMessage): Promise<void> {
  if (request.closed || request.socket?.destroyed) return
  await new Promise<void>((resolve) => request.once('close', () => resolve()))
}
