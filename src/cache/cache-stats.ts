/** Counters kept since start, per instance. */
export class CacheCounters {
  hits = 0
  misses = 0
  sets = 0
  deletes = 0
  errors = 0
}

export interface CacheStats {
  enabled: boolean
  /** Where entries go now: redis, or memory (embedded mode or Redis unreachable). */
  tier: 'redis' | 'memory'
  hits: number
  misses: number
  /** hits / (hits + misses), 0 before the first lookup. */
  hitRate: number
  sets: number
  deletes: number
  errors: number
  redisConnected: boolean
  memorySize: number
  memoryMax: number
}

export function hitRate (counters: CacheCounters): number {
  const lookups = counters.hits + counters.misses
  return lookups === 0 ? 0 : counters.hits / lookups
}
