type Listener<T> = (event: T) => void

/** A small typed event emitter that runs in browsers and Node alike. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events> (type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type)
    if (!set) {
      set = new Set()
      this.listeners.set(type, set)
    }

    set.add(listener as Listener<never>)
    return () => this.off(type, listener)
  }

  off<K extends keyof Events> (type: K, listener: Listener<Events[K]>): void {
    this.listeners.get(type)?.delete(listener as Listener<never>)
  }

  /** Resolves with the next event of this type. */
  async next<K extends keyof Events> (type: K): Promise<Events[K]> {
    return await new Promise((resolve) => {
      const off = this.on(type, (event) => {
        off()
        resolve(event)
      })
    })
  }

  // A throwing listener must not break the client's own bookkeeping, so its
  // error is rethrown on its own turn, where it is reported as uncaught.
  protected emit<K extends keyof Events> (type: K, event: Events[K]): void {
    const set = this.listeners.get(type)
    if (!set) return

    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(event)
      } catch (err) {
        setTimeout(() => { throw err }, 0)
      }
    }
  }
}
