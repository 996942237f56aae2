/**
 * A sliding-window log per key: at most `limit` events within `windowMs`.
 * Only events that were let through are recorded, so refusals never extend
 * the wait.
 */
export class SlidingWindow {
  private readonly events = new Map<string, number[]>()

  constructor (private readonly limit: number, private readonly windowMs: number) {}

  /** Records an event; returns 0 when allowed, else the ms until one would be. */
  take (key: string, now = Date.now()): number {
    const times = this.live(key, now)

    if (times.length >= this.limit) return Math.max(1, times[0] + this.windowMs - now)

    times.push(now)
    this.events.set(key, times)
    return 0
  }

  /** Forgets keys whose window has passed, so idle users cost nothing. */
  sweep (now = Date.now()): void {
    for (const key of [...this.events.keys()]) this.live(key, now)
  }

  get size (): number {
    return this.events.size
  }

  private live (key: string, now: number): number[] {
    const times = this.events.get(key)
    if (!times) return []

    let expired = 0
    while (expired < times.length && times[expired] <= now - this.windowMs) expired++
    if (expired > 0) times.splice(0, expired)
    if (times.length === 0) this.events.delete(key)
    return times
  }
}
