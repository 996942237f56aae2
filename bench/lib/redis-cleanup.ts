import { Redis } from 'ioredis'

/** Deletes every key under the run's prefix (SCAN, never KEYS); nothing else is touched. */
export async function deleteKeysUnder (redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  let deleted = 0

  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) deleted += await redis.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }

  return deleted
}
