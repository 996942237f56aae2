import { LRUCache } from 'lru-cache'
import { scopeOfKey } from './keys.js'
import type { CacheStore, Lookup, StoreOptions } from './store.js'

/**
 * The in-process tier: least recently used entries go first once maxEntries
 * is reached, and each entry carries its own TTL. It keeps no generations:
 * in-process flights are marked stale directly (see SingleFlight).
 */
export class MemoryStore implements CacheStore {
  readonly name = 'memory'
  readonly maxEntries: number
  private readonly entries: LRUCache<string, string>

  constructor (maxEntries: number) {
    this.maxEntries = maxEntries
    this.entries = new LRUCache<string, string>({ max: maxEntries })
  }

  async lookup (key: string): Promise<Lookup> {
    const raw = this.entries.get(key)
    if (raw === undefined) return { generation: null }

    const remaining = this.entries.getRemainingTTL(key)
    return { hit: { raw, ttlMs: remaining }, generation: null }
  }

  async store (key: string, raw: string, ttlMs: number, _options?: StoreOptions): Promise<boolean> {
    this.entries.set(key, raw, { ttl: ttlMs })
    return true
  }

  async delete (key: string): Promise<boolean> {
    return this.entries.delete(key)
  }

  async invalidateScopes (scopes: readonly string[]): Promise<number> {
    return this.invalidateScopesNow(scopes)
  }

  /** Synchronous: one pass over the keys for the whole batch of scopes. */
  invalidateScopesNow (scopes: readonly string[]): number {
    if (this.entries.size === 0) return 0

    const wanted = new Set(scopes)
    return this.deleteWhere((key) => {
      const scope = scopeOfKey(key)
      return scope !== undefined && wanted.has(scope)
    })
  }

  async deletePattern (pattern: string): Promise<number> {
    const matcher = globToRegExp(pattern)
    return this.deleteWhere((key) => matcher.test(key))
  }

  clear (): number {
    const size = this.entries.size
    this.entries.clear()
    return size
  }

  size (): number {
    return this.entries.size
  }

  private deleteWhere (matches: (key: string) => boolean): number {
    let deleted = 0

    for (const key of [...this.entries.keys()]) {
      if (matches(key) && this.entries.delete(key)) deleted++
    }

    return deleted
  }
}

/** Redis glob semantics for *, ? and [...] with backslash escapes. */
export function globToRegExp (glob: string): RegExp {
  let source = ''

  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]
    if (char === '\\' && i + 1 < glob.length) source += escapeRegExp(glob[++i])
    else if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end === -1) { source += '\\['; continue }
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\')
      source += body.startsWith('^') ? `[^${body.slice(1)}]` : `[${body}]`
      i = end
    } else source += escapeRegExp(char)
  }

  return new RegExp(`^${source}$`, 's')
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
