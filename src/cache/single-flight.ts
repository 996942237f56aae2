/** What a finished computation hands to the requests that waited for it. */
export interface FlightResult {
  raw: string
  expiresAt: number
}

export interface Flight {
  readonly key: string
  readonly scope: string | undefined
  /** Set when the scope was invalidated while computing: the result must not be stored. */
  stale: boolean
  /** The scope's generation read before computing (see CacheStore.store). */
  generation: string | null
  readonly result: Promise<FlightResult | null>
  settle(result: FlightResult | null): void
}

/**
 * One computation per key at a time in this process: concurrent misses on
 * the same key wait for the first one's result instead of running the
 * handler again. An invalidation detaches the flights of its scopes, so a
 * request that arrives after a write never joins a computation that may
 * have read the old data, and that computation is not stored.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Flight>()

  get size (): number {
    return this.flights.size
  }

  find (key: string): Flight | undefined {
    return this.flights.get(key)
  }

  start (key: string, scope: string | undefined, generation: string | null): Flight {
    let settle: (result: FlightResult | null) => void = () => {}
    const result = new Promise<FlightResult | null>((resolve) => { settle = resolve })

    let settled = false
    const flight: Flight = {
      key,
      scope,
      stale: false,
      generation,
      result,
      settle: (value) => {
        if (settled) return
        settled = true
        settle(value)
      }
    }

    this.flights.set(key, flight)
    return flight
  }

  /** Removes the flight once its result is stored (or abandoned). */
  end (flight: Flight): void {
    flight.settle(null)
    if (this.flights.get(flight.key) === flight) this.flights.delete(flight.key)
  }

  markStale (scopes: ReadonlySet<string>): void {
    if (this.flights.size === 0) return

    for (const flight of this.flights.values()) {
      if (flight.scope === undefined || !scopes.has(flight.scope)) continue
      flight.stale = true
      this.flights.delete(flight.key)
    }
  }
}
