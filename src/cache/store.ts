/**
 * Where cached values live. Keys are relative to CACHE_PREFIX; values are
 * already serialised strings, so both tiers give back exactly what went in.
 */
export interface CacheStore {
  readonly name: 'redis' | 'memory'

  /**
   * The value and its remaining lifetime. With a scope, also the scope's
   * generation, which a later store must present unchanged.
   */
  lookup(key: string, scope?: string): Promise<Lookup>

  /**
   * Stores a value. With a scope, the key joins the scope's index so that
   * invalidating the scope finds it, and the store is skipped (false) when
   * the scope was invalidated since `generation` was read.
   */
  store(key: string, raw: string, ttlMs: number, options?: StoreOptions): Promise<boolean>

  /** Deletes one key; true when it existed. */
  delete(key: string): Promise<boolean>

  /** Deletes every key of these scopes and bumps their generations. */
  invalidateScopes(scopes: readonly string[]): Promise<number>

  /** Deletes every key matching a glob relative to the namespace. */
  deletePattern(pattern: string): Promise<number>

  /** Number of entries held, when cheap to know. */
  size(): number
}

export interface Lookup {
  hit?: { raw: string, ttlMs: number }
  /** Null when the scope was never invalidated, or the store keeps none. */
  generation: string | null
}

export interface StoreOptions {
  scope?: string
  generation?: string | null
}
