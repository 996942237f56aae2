/**
 * The per-user send allowance (WS_SEND_LIMIT sends per 10 s, sliding window),
 * one budget across every socket, HTTP send and instance of a user.
 */
export interface SendBudget {
  /** Takes one send; `retryAfterMs` is set when the budget is spent. */
  take(userId: string): Promise<{ allowed: true, token: string } | { allowed: false, retryAfterMs: number }>
  /** Gives back a taken send (a resend that found its stored message). */
  refund(userId: string, token: string): Promise<void>
}

/** Sliding-window log kept in process: the budget of a single instance. */
export class MemorySendBudget implements SendBudget {
  private readonly log = new Map<string, Array<{ at: number, token: string }>>()
  private counter = 0

  constructor (private readonly limit: number, private readonly windowMs = 10_000) {}

  async take (userId: string) {
    const now = Date.now()
    const entries = this.prune(userId, now)

    if (entries.length >= this.limit) {
      return { allowed: false as const, retryAfterMs: Math.max(1, entries[0].at + this.windowMs - now) }
    }

    const token = String(++this.counter)
    entries.push({ at: now, token })
    this.log.set(userId, entries)
    return { allowed: true as const, token }
  }

  async refund (userId: string, token: string) {
    const entries = this.log.get(userId)
    if (!entries) return
    const index = entries.findIndex((entry) => entry.token === token)
    if (index !== -1) entries.splice(index, 1)
    if (entries.length === 0) this.log.delete(userId)
  }

  /** Users currently tracked; goes back to zero when idle. */
  size (): number {
    return this.log.size
  }

  private prune (userId: string, now: number) {
    const entries = this.log.get(userId) ?? []
    const firstLive = entries.findIndex((entry) => entry.at > now - this.windowMs)
    if (firstLive === -1) {
      this.log.delete(userId)
      return []
    }
    if (firstLive > 0) entries.splice(0, firstLive)
    return entries
  }
}
