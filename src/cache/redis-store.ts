import type { Redis } from 'ioredis'
import { escapeGlob, generationKey, indexKey } from './keys.js'
import { invalidateScript, lookupScript, storeScript } from './redis-scripts.js'
import type { CacheStore, Lookup, StoreOptions } from './store.js'

const SCAN_COUNT = 1000

export interface RedisStoreOptions {
  client: Redis
  /**
   * For the namespace walks of management (SCAN, UNLINK of whole batches):
   * a connection with a longer command timeout than the request path's.
   */
  bulkClient?: Redis
  /** CACHE_PREFIX: every key this store touches starts with it. */
  prefix: string
  /** How long a scope's generation outlives its last invalidation. */
  generationTtlMs: number
}

/**
 * The shared tier. Each operation is one round trip (a Lua script or a
 * single command) except pattern deletes, which walk the namespace with
 * SCAN MATCH <prefix>... so Redis is never blocked, and never use KEYS.
 */
export class RedisStore implements CacheStore {
  readonly name = 'redis'
  private readonly client: Redis
  private readonly bulkClient: Redis
  private readonly prefix: string
  private readonly generationTtlMs: number

  constructor (options: RedisStoreOptions) {
    this.client = options.client
    this.bulkClient = options.bulkClient ?? options.client
    this.prefix = options.prefix
    this.generationTtlMs = options.generationTtlMs
  }

  async lookup (key: string, scope?: string): Promise<Lookup> {
    const keys = [this.prefix + key]
    if (scope !== undefined) keys.push(this.prefix + generationKey(scope))

    const reply = await lookupScript.run(this.client, keys, [])
    const [raw, ttlMs, generation] = reply as [string | null, number, string | null]

    if (raw === null || ttlMs === -2) return { generation }
    return { hit: { raw, ttlMs: ttlMs < 0 ? Infinity : ttlMs }, generation }
  }

  async store (
    key: string,
    raw: string,
    ttlMs: number,
    options: StoreOptions = {}
  ): Promise<boolean> {
    if (options.scope === undefined) {
      await this.client.set(this.prefix + key, raw, 'PX', ttlMs)
      return true
    }

    const keys = [
      this.prefix + key,
      this.prefix + indexKey(options.scope),
      this.prefix + generationKey(options.scope)
    ]
    const expected = options.generation ?? ''
    const stored = await storeScript.run(this.client, keys, [raw, ttlMs, expected])
    return stored === 1
  }

  async delete (key: string): Promise<boolean> {
    return await this.client.unlink(this.prefix + key) > 0
  }

  async invalidateScopes (scopes: readonly string[]): Promise<number> {
    if (scopes.length === 0) return 0

    const keys = scopes.flatMap((scope) => [
      this.prefix + indexKey(scope),
      this.prefix + generationKey(scope)
    ])
    return await invalidateScript.run(this.client, keys, [this.generationTtlMs]) as number
  }

  /** The pattern is relative; the prefix is prepended with its glob characters escaped. */
  async deletePattern (pattern: string): Promise<number> {
    const match = escapeGlob(this.prefix) + pattern
    let cursor = '0'
    let deleted = 0

    do {
      const [next, keys] = await this.scanPage(cursor, match)
      if (keys.length > 0) deleted += await this.bulkClient.unlink(...keys)
      cursor = next
    } while (cursor !== '0')

    return deleted
  }

  /** Counts the namespace's keys with SCAN. */
  async countKeys (): Promise<number> {
    const match = escapeGlob(this.prefix) + '*'
    let cursor = '0'
    let count = 0

    do {
      const [next, keys] = await this.scanPage(cursor, match)
      count += keys.length
      cursor = next
    } while (cursor !== '0')

    return count
  }

  size (): number {
    return 0
  }

  private async scanPage (cursor: string, match: string): Promise<[string, string[]]> {
    return await this.bulkClient.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT)
  }
}
