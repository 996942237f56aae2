import type { RedisStore } from './redis-store.js'
import type { Redis } from 'ioredis'

/** The fixed set of Redis facts the management route shows. */
export interface RedisInfo {
  connected: boolean
  version: string | null
  uptimeSeconds: number | null
  memory: { usedBytes: number | null, peakBytes: number | null }
  clients: { connected: number | null }
  /** Keys under CACHE_PREFIX only, counted with SCAN. */
  keyspace: { prefix: string, keys: number | null }
}

export function disconnectedInfo (prefix: string): RedisInfo {
  return {
    connected: false,
    version: null,
    uptimeSeconds: null,
    memory: { usedBytes: null, peakBytes: null },
    clients: { connected: null },
    keyspace: { prefix, keys: null }
  }
}

export async function readRedisInfo (
  client: Redis,
  store: RedisStore,
  prefix: string
): Promise<RedisInfo> {
  const fields = parseInfo(await client.info())
  const keys = await store.countKeys()

  return {
    connected: true,
    version: fields.get('redis_version') ?? null,
    uptimeSeconds: numberOf(fields.get('uptime_in_seconds')),
    memory: {
      usedBytes: numberOf(fields.get('used_memory')),
      peakBytes: numberOf(fields.get('used_memory_peak'))
    },
    clients: { connected: numberOf(fields.get('connected_clients')) },
    keyspace: { prefix, keys }
  }
}

function parseInfo (text: string): Map<string, string> {
  const fields = new Map<string, string>()

  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 1 || line.startsWith('#')) continue
    fields.set(line.slice(0, colon), line.slice(colon + 1))
  }

  return fields
}

function numberOf (text: string | undefined): number | null {
  if (text === undefined) return null
  const value = Number(text)
  return Number.isFinite(value) ? value : null
}
