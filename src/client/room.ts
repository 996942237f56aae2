import type { ChatClientError } from './client-error.js'
import type { LongPoll } from './long-poll.js'
import type { ChatMessage, JoinResult } from './protocol.js'
import { Sequencer } from './sequencer.js'

interface Waiter {
  resolve: (result: JoinResult) => void
  reject: (err: ChatClientError) => void
}

/**
 * A conversation the application joined: where its messages stand, who
 * waits for the join to complete, and how it is followed while the socket
 * is away. Rooms outlive sockets; each new socket joins them again.
 */
export class Room {
  readonly sequencer: Sequencer
  poller: LongPoll | null = null
  /** After a truncated replay: the seq from which the rest is paged over HTTP. */
  fillFrom: number | null = null
  filling = false
  private waiters: Waiter[] = []

  constructor (
    readonly conversationId: string,
    afterSeq: number | null,
    deliver: (message: ChatMessage) => void
  ) {
    this.sequencer = new Sequencer(afterSeq, deliver)
  }

  async joined (): Promise<JoinResult> {
    return await new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  get awaited (): boolean {
    return this.waiters.length > 0
  }

  settle (result: JoinResult): void {
    for (const waiter of this.takeWaiters()) waiter.resolve(result)
  }

  fail (err: ChatClientError): void {
    for (const waiter of this.takeWaiters()) waiter.reject(err)
  }

  /** The HTTP paging of a truncated replay is due once the replay has reached it. */
  get needsFill (): boolean {
    if (this.filling) return false
    if (this.sequencer.hasGap) return true

    const cursor = this.sequencer.cursor
    return this.fillFrom !== null && cursor !== null && cursor >= this.fillFrom
  }

  private takeWaiters (): Waiter[] {
    const waiters = this.waiters
    this.waiters = []
    return waiters
  }
}
