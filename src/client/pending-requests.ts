import { ChatClientError } from './client-error.js'

interface Pending {
  resolve: (result: unknown) => void
  reject: (err: ChatClientError) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * Requests written to the current socket and waiting for their answer. The
 * server answers each frame carrying an `id` with exactly one `ack` or
 * `error` (a `ping` with its `pong`), so each id settles exactly once: by
 * the answer, by its timeout, or by the socket closing.
 */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>()
  private counter = 0

  /** A fresh id, unique for the life of this client. */
  nextId (): string {
    this.counter += 1
    return `r${this.counter}`
  }

  /** Waits for the answer to `id`, failing with TIMEOUT after timeoutMs. */
  async wait (id: string, timeoutMs: number): Promise<unknown> {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new ChatClientError('TIMEOUT', `no answer within ${timeoutMs} ms`))
      }, timeoutMs)

      this.pending.set(id, { resolve, reject, timer })
    })
  }

  resolve (id: string, result: unknown): boolean {
    const entry = this.take(id)
    entry?.resolve(result)
    return entry !== undefined
  }

  reject (id: string, err: ChatClientError): boolean {
    const entry = this.take(id)
    entry?.reject(err)
    return entry !== undefined
  }

  /** Fails every waiting request (the socket closed under them). */
  rejectAll (err: ChatClientError): void {
    for (const id of [...this.pending.keys()]) this.reject(id, err)
  }

  get size (): number {
    return this.pending.size
  }

  private take (id: string): Pending | undefined {
    const entry = this.pending.get(id)
    if (!entry) return undefined

    clearTimeout(entry.timer)
    this.pending.delete(id)
    return entry
  }
}
