/**
 * setTimeout/setInterval that the hub can count, so a test can prove that
 * every timer it started is gone once the sockets are.
 */
export class CountedTimers {
  private readonly live = new Set<NodeJS.Timeout>()

  timeout (fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.live.delete(timer)
      fn()
    }, ms)
    this.live.add(timer)
    return timer
  }

  interval (fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setInterval(fn, ms)
    this.live.add(timer)
    return timer
  }

  /** Accepts null so callers can clear a slot whether or not it holds a timer. */
  clear (timer: NodeJS.Timeout | null | undefined): null {
    if (timer) {
      clearTimeout(timer)
      this.live.delete(timer)
    }
    return null
  }

  get size (): number {
    return this.live.size
  }

  clearAll (): void {
    for (const timer of this.live) clearTimeout(timer)
    this.live.clear()
  }
}

// setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days).
export const MAX_TIMER_MS = 2_147_483_647
