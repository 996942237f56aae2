import type { ChatClientError } from './client-error.js'
import type { HttpApi } from './http-api.js'
import type { ChatMessage } from './protocol.js'

export interface LongPollOptions {
  api: HttpApi
  conversationId: string
  /** How long the server holds each request open when nothing is new. */
  waitMs: number
  /** The last seq seen; each request asks for what follows it. */
  cursor: () => number
  onMessages: (messages: ChatMessage[]) => void
  /** Decides whether a failed request is retried (after retryDelay) or ends the loop. */
  onFailure: (err: ChatClientError) => Promise<'retry' | 'stop'>
  retryDelay: (attempt: number) => number
}

const PAGE_LIMIT = 100
const ANSWER_MARGIN_MS = 10_000

/**
 * Follows one conversation over HTTP while the socket cannot connect:
 * `GET /api/conversations/:id/messages?afterSeq=&waitMs=` in a loop, each
 * request answered as soon as a message past the cursor exists.
 */
export class LongPoll {
  private running = false
  // Each start gets its own loop; a loop from before a stop never resumes.
  private generation = 0
  private controller: AbortController | null = null
  private wake: (() => void) | null = null

  constructor (private readonly options: LongPollOptions) {}

  start (): void {
    if (this.running) return

    this.running = true
    this.generation += 1
    void this.loop(this.generation)
  }

  stop (): void {
    this.running = false
    this.controller?.abort()
    this.wake?.()
  }

  get active (): boolean {
    return this.running
  }

  private async loop (generation: number): Promise<void> {
    const { api, conversationId, waitMs } = this.options
    const current = () => this.running && generation === this.generation
    let failures = 0

    while (current()) {
      this.controller = new AbortController()

      try {
        const query = { afterSeq: this.options.cursor(), waitMs, limit: PAGE_LIMIT }
        const { signal } = this.controller
        const call = { signal, timeoutMs: waitMs + ANSWER_MARGIN_MS }
        const page = await api.messages(conversationId, query, call)

        failures = 0
        if (current()) this.options.onMessages(page.items)
      } catch (err) {
        if (!current()) break

        const decision = await this.options.onFailure(err as ChatClientError)
        if (decision === 'stop') break
        await this.pause(this.options.retryDelay(failures++))
      }
    }

    if (generation === this.generation) this.running = false
  }

  private async pause (ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      const self = this
      function done () {
        clearTimeout(timer)
        self.wake = null
        resolve()
      }
      this.wake = done
    })
  }
}
