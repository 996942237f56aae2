import { ChatClientError, isTransient } from './client-error.js'
import type { ClientFrame } from './protocol.js'

/** One operation that is safe to repeat: a send (same clientMsgId) or a read mark. */
export interface OutboxOperation<T> {
  frame: ClientFrame
  /** The same operation over HTTP, for when the socket cannot connect. */
  overHttp: () => Promise<T>
  /** Turns the socket's ack result into the value the caller gets. */
  fromAck: (result: unknown) => T
}

export interface OutboxRoutes {
  /** Which way operations can go right now; null to hold them. */
  current: () => 'socket' | 'http' | null
  /** A request on the current socket (rejects DISCONNECTED when it closes first). */
  call: (frame: ClientFrame) => Promise<unknown>
  /** Gets a fresh token after the server refused the current one; false when none. */
  recoverAuth: () => Promise<boolean>
}

interface Entry {
  operation: OutboxOperation<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
  inFlight: boolean
}

type Route = 'socket' | 'http'

const HTTP_RETRY_MS = 2000

/**
 * Operations waiting for their answer. Each stays here until the server
 * answers it; when the socket closes first it is sent again, unchanged, on
 * the next socket or over HTTP, so the server's idempotency (clientMsgId)
 * turns every repetition into the one stored message.
 */
export class Outbox {
  private readonly entries = new Set<Entry>()
  private retryTimer: ReturnType<typeof setTimeout> | null = null

  constructor (private readonly routes: OutboxRoutes) {}

  async add<T> (operation: OutboxOperation<T>): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        operation: operation as OutboxOperation<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        inFlight: false
      }
      this.entries.add(entry)
      this.flush()
    })
  }

  /** Sends every operation not already on its way, in the order they were added. */
  flush (): void {
    const route = this.routes.current()
    if (!route) return

    for (const entry of this.entries) {
      if (!entry.inFlight) this.transmit(entry, route)
    }
  }

  /** Fails everything still waiting (the client was closed). */
  rejectAll (err: ChatClientError): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null

    for (const entry of this.entries) entry.reject(err)
    this.entries.clear()
  }

  get size (): number {
    return this.entries.size
  }

  private transmit (entry: Entry, route: Route): void {
    const { operation } = entry
    entry.inFlight = true

    const attempt = route === 'socket'
      ? this.routes.call(operation.frame).then(operation.fromAck)
      : operation.overHttp()

    attempt.then((value) => {
      this.settle(entry)
      entry.resolve(value)
    }, (err: unknown) => {
      void this.onFailure(entry, route, err)
    })
  }

  private async onFailure (entry: Entry, route: Route, err: unknown): Promise<void> {
    entry.inFlight = false
    if (!this.entries.has(entry)) return

    const unauthenticated = (err as ChatClientError).code === 'UNAUTHENTICATED'
    if (unauthenticated && route === 'http' && await this.routes.recoverAuth()) {
      this.flush()
      return
    }

    if (!isTransient(err)) {
      this.settle(entry)
      entry.reject(err)
      return
    }

    // A closed socket is retried at once (over HTTP if that is the way now,
    // or on the next socket); an unreachable server after a pause.
    if (route === 'socket') this.flush()
    else this.retrySoon()
  }

  private retrySoon (): void {
    if (this.retryTimer) return

    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.flush()
    }, HTTP_RETRY_MS)
  }

  private settle (entry: Entry): void {
    this.entries.delete(entry)
  }
}
