import type { FastifyBaseLogger } from 'fastify'
import { AppError } from '../errors.js'
import type { RedisLink } from '../redis/link.js'
import { CacheCounters, hitRate, type CacheStats } from './cache-stats.js'
import type { MemoryStore } from './memory-store.js'
import type { RedisStore } from './redis-store.js'
import { SingleFlight } from './single-flight.js'
import type { Lookup } from './store.js'

/** After a failed Redis command, reads and writes stay in memory this long. */
const BREAKER_MS = 1000

/** Invalidations remembered one by one while Redis is away, at most. */
const MAX_MISSED_SCOPES = 10_000

/** Scopes per invalidation script when replaying, so Redis is never held long. */
const REPLAY_BATCH = 500

export interface CacheServiceOptions {
  enabled: boolean
  defaultTtlMs: number
  /** Longest life of a memory entry while Redis is configured but unreachable. */
  degradedTtlMs: number
  memory: MemoryStore
  redis?: { store: RedisStore, link: RedisLink }
  log: FastifyBaseLogger
}

export interface Peeked {
  value: unknown
  ttlMs: number
}

/**
 * The cache as the rest of the service sees it (`app.cache`).
 *
 * Redis is the cache whenever it answers. The memory tier serves only while
 * it does not (and always in embedded mode); its entries then live at most
 * the degraded TTL, so a copy another instance can no longer invalidate
 * soon dies. When Redis answers again, invalidations it missed are replayed
 * first, then the memory tier is emptied, then Redis is used again.
 */
export class CacheService {
  readonly enabled: boolean
  readonly defaultTtlMs: number
  readonly counters = new CacheCounters()
  readonly flights = new SingleFlight()
  readonly memory: MemoryStore
  private readonly redis: CacheServiceOptions['redis']
  private readonly degradedTtlMs: number
  private readonly log: FastifyBaseLogger
  private healthy = false
  private breaker: NodeJS.Timeout | undefined
  private recovering: Promise<void> | undefined
  private readonly missedScopes = new Set<string>()
  private missedEverything = false

  constructor (options: CacheServiceOptions) {
    this.enabled = options.enabled
    this.defaultTtlMs = options.defaultTtlMs
    this.degradedTtlMs = options.degradedTtlMs
    this.memory = options.memory
    this.redis = options.redis
    this.log = options.log

    const link = this.redis?.link
    if (link) {
      this.healthy = link.up
      link.on('up', this.onRedisUp)
      link.on('down', this.onRedisDown)
    }
  }

  /** Where reads and writes go right now. */
  get tier (): 'redis' | 'memory' {
    return this.healthy ? 'redis' : 'memory'
  }

  get redisStore (): RedisStore | undefined {
    return this.redis?.store
  }

  async get<T = unknown> (key: string): Promise<T | undefined> {
    const { hit } = await this.lookup(key)

    if (!hit) {
      this.counters.misses++
      return undefined
    }

    this.counters.hits++
    return JSON.parse(hit.raw) as T
  }

  /** The value and its remaining TTL, without counting a hit or a miss. */
  async peek (key: string): Promise<Peeked | undefined> {
    const { hit } = await this.lookup(key)
    return hit ? { value: JSON.parse(hit.raw), ttlMs: hit.ttlMs } : undefined
  }

  /** Stores a JSON value; gives the TTL actually applied. */
  async set (key: string, value: unknown, ttlMs = this.defaultTtlMs): Promise<number> {
    const raw = JSON.stringify(value)
    if (raw === undefined) throw new TypeError('cache values must be JSON-serialisable')

    return await this.storeRaw(key, raw, ttlMs)
  }

  async del (key: string): Promise<boolean> {
    const inMemory = await this.memory.delete(key)
    const inRedis = await this.onRedisOrUnavailable(async (redis) => await redis.delete(key))
    const deleted = inMemory || inRedis === true

    if (deleted) this.counters.deletes++
    return deleted
  }

  /** Deletes keys matching a glob relative to CACHE_PREFIX (SCAN on Redis). */
  async delPattern (pattern: string): Promise<number> {
    const inMemory = await this.memory.deletePattern(pattern)
    const inRedis = await this.onRedisOrUnavailable(
      async (redis) => await redis.deletePattern(pattern)
    )
    const deleted = inMemory + (inRedis ?? 0)

    this.counters.deletes += deleted
    return deleted
  }

  /** Empties the cache namespace, and nothing else. */
  async flush (): Promise<number> {
    return await this.delPattern('*')
  }

  /**
   * The cached value of key, or compute() stored for ttlMs. Concurrent
   * callers for one key share a single computation.
   */
  async wrap<T> (
    key: string,
    compute: () => Promise<T>,
    ttlMs = this.defaultTtlMs
  ): Promise<T> {
    const shared = await this.sharedResult<T>(key)
    if (shared !== undefined) return shared

    const cached = await this.get<T>(key)
    if (cached !== undefined) return cached

    // Checked and started in one synchronous step, so two misses never both compute.
    if (this.flights.find(key)) return await this.sharedResult<T>(key) ?? await compute()

    const flight = this.flights.start(key, undefined, null)
    try {
      const value = await compute()
      const raw = JSON.stringify(value)
      if (raw === undefined) return value

      const applied = flight.stale ? 0 : await this.storeRaw(key, raw, ttlMs)
      flight.settle({ raw, expiresAt: Date.now() + applied })
      return JSON.parse(raw) as T
    } finally {
      this.flights.end(flight)
    }
  }

  private async sharedResult<T> (key: string): Promise<T | undefined> {
    const result = await this.flights.find(key)?.result
    if (!result || result.expiresAt <= Date.now()) return undefined

    this.counters.hits++
    return JSON.parse(result.raw) as T
  }

  stats (): CacheStats {
    const { hits, misses, sets, deletes, errors } = this.counters

    return {
      enabled: this.enabled,
      tier: this.tier,
      hits,
      misses,
      hitRate: hitRate(this.counters),
      sets,
      deletes,
      errors,
      redisConnected: this.redis?.link.up ?? false,
      memorySize: this.memory.size(),
      memoryMax: this.memory.maxEntries
    }
  }

  /** Reads key from the tier in use; with a scope, also its generation. */
  async lookup (key: string, scope?: string): Promise<Lookup> {
    const redis = this.redis
    if (redis && this.healthy) {
      try {
        return await redis.store.lookup(key, scope)
      } catch (err) {
        this.redisFailed(err)
      }
    }

    return await this.memory.lookup(key)
  }

  /**
   * Stores to the tier in use. Gives the TTL applied, or 0 when a scoped
   * store was skipped because the scope was invalidated meanwhile.
   */
  async storeRaw (
    key: string,
    raw: string,
    ttlMs: number,
    scope?: string,
    generation: string | null = null
  ): Promise<number> {
    const redis = this.redis
    if (redis && this.healthy) {
      try {
        const stored = await redis.store.store(key, raw, ttlMs, { scope, generation })
        if (stored) this.counters.sets++
        return stored ? ttlMs : 0
      } catch (err) {
        this.redisFailed(err)
      }
    }

    const memoryTtl = redis ? Math.min(ttlMs, this.degradedTtlMs) : ttlMs
    await this.memory.store(key, raw, memoryTtl)
    this.counters.sets++
    return memoryTtl
  }

  /**
   * Drops every entry of these scopes in both tiers. Redis is tried whenever
   * it is connected; a scope it could not be told about is replayed when it
   * answers again, before it serves anything.
   */
  async invalidateScopes (scopes: readonly string[]): Promise<void> {
    this.counters.deletes += this.memory.invalidateScopesNow(scopes)

    const redis = this.redis
    if (!redis) return

    if (!redis.link.up) {
      this.remember(scopes)
      return
    }

    try {
      this.counters.deletes += await redis.store.invalidateScopes(scopes)
    } catch (err) {
      this.redisFailed(err)
      this.remember(scopes)
    }
  }

  close (): void {
    clearTimeout(this.breaker)

    const link = this.redis?.link
    link?.off('up', this.onRedisUp)
    link?.off('down', this.onRedisDown)
  }

  // Redis operations asked for explicitly (management) cannot silently
  // skip Redis: they fail with 503 when it does not answer.
  private async onRedisOrUnavailable<T> (
    op: (store: RedisStore) => Promise<T>
  ): Promise<T | undefined> {
    const redis = this.redis
    if (!redis) return undefined

    const unavailable = new AppError(
      'UNAVAILABLE', 'Redis is unreachable; the shared cache was not changed'
    )
    if (!redis.link.up) throw unavailable

    try {
      return await op(redis.store)
    } catch (err) {
      this.redisFailed(err)
      throw unavailable
    }
  }

  // Past MAX_MISSED_SCOPES the whole namespace is emptied on return instead.
  private remember (scopes: readonly string[]): void {
    if (this.missedEverything) return

    for (const scope of scopes) this.missedScopes.add(scope)
    if (this.missedScopes.size > MAX_MISSED_SCOPES) {
      this.missedEverything = true
      this.missedScopes.clear()
    }
  }

  private readonly onRedisUp = (): void => {
    void this.recover()
  }

  private readonly onRedisDown = (): void => {
    clearTimeout(this.breaker)
    this.breaker = undefined
    if (this.healthy) this.log.warn('cache serving from memory while redis is unreachable')
    this.healthy = false
  }

  private redisFailed (err: unknown): void {
    this.counters.errors++
    if (!this.healthy && this.breaker) return

    if (this.healthy) this.log.warn({ err }, 'cache serving from memory after a redis error')
    this.healthy = false

    clearTimeout(this.breaker)
    this.breaker = setTimeout(() => {
      this.breaker = undefined
      void this.recover()
    }, BREAKER_MS)
    this.breaker.unref()
  }

  private async recover (): Promise<void> {
    const redis = this.redis
    if (!redis || this.healthy || this.recovering || !redis.link.up) return

    this.recovering = this.replayAndSwitch(redis.store).finally(() => {
      this.recovering = undefined
    })
    await this.recovering
  }

  private async replayAndSwitch (store: RedisStore): Promise<void> {
    const everything = this.missedEverything
    const missed = [...this.missedScopes]
    this.missedScopes.clear()
    this.missedEverything = false

    try {
      if (everything) await store.deletePattern('*')
      for (let i = 0; i < missed.length; i += REPLAY_BATCH) {
        await store.invalidateScopes(missed.slice(i, i + REPLAY_BATCH))
      }
    } catch (err) {
      this.missedEverything ||= everything
      this.remember(missed)
      this.redisFailed(err)
      return
    }

    // What memory holds was cached while Redis could not see invalidations.
    this.memory.clear()
    this.healthy = true
    this.log.info({ replayedScopes: missed.length }, 'cache back on redis')
  }
}
