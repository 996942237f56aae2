import type { TypingState } from './protocol.js'

export interface TypingSignalOptions {
  /** Quiet time after the last keystroke before `stop` is sent (ms, default 3000). */
  idleMs?: number
  /** How often `start` is repeated while typing goes on (ms, default 4000). */
  renewMs?: number
}

interface TypingSender {
  typing: (conversationId: string, state: TypingState) => boolean
}

/**
 * Turns keystrokes into few typing frames: one `start`, repeated while the
 * typing goes on (the server turns a `start` not renewed within 6 s into a
 * `stop`), and one `stop` after a pause or when the message is sent.
 */
export class TypingSignal {
  private startedAt: number | null = null
  private idleTimer: ReturnType<typeof setTimeout> | null = null
  private readonly idleMs: number
  private readonly renewMs: number

  constructor (
    private readonly sender: TypingSender,
    private readonly conversationId: string,
    options: TypingSignalOptions = {}
  ) {
    this.idleMs = options.idleMs ?? 3000
    this.renewMs = options.renewMs ?? 4000
  }

  /** Call on every keystroke. */
  input (): void {
    const now = Date.now()
    const due = this.startedAt === null || now - this.startedAt >= this.renewMs
    if (due && this.sender.typing(this.conversationId, 'start')) this.startedAt = now

    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs)
  }

  /** Call when the message is sent or the input is left. */
  stop (): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (this.startedAt === null) return

    this.startedAt = null
    this.sender.typing(this.conversationId, 'stop')
  }
}
