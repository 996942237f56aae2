import { test } from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

test('defaults match the documented values', async (t) => {
  const config = loadConfig({})

  t.equal(config.port, 3001)
  t.equal(config.host, '127.0.0.1')
  t.equal(config.dataDir, './data')
  t.equal(config.databaseUrl, undefined)
  t.equal(config.redisUrl, undefined)
  t.equal(config.redisPrefix, 'jobboard:')
  t.same(config.cache, {
    enabled: true, ttlMs: 3_600_000, maxSize: 1000, prefix: 'jobboard:cache:', degradedTtlMs: 5000
  })
  t.same(config.limits, {
    sendsPer10s: 20,
    framesPerSecond: 60,
    httpPerMinute: 600,
    maxFrameBytes: 65_536,
    maxBufferedBytes: 1_048_576
  })
  t.equal(config.heartbeatMs, 25_000)
  t.match(config.instanceId, /-\d+$/)
})

test('a bad value stops start-up with one line naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^invalid configuration: PORT /],
    [{ CACHE_TTL: '-5' }, /^invalid configuration: CACHE_TTL /],
    [{ DATABASE_URL: 'mysql://x' }, /^invalid configuration: DATABASE_URL /],
    [{ REDIS_URL: 'http://x' }, /^invalid configuration: REDIS_URL /],
    [{ LOG_LEVEL: 'loud' }, /^invalid configuration: LOG_LEVEL /],
    [{ CACHE_ENABLED: 'maybe' }, /^invalid configuration: CACHE_ENABLED /],
    [{ JWT_SECRET: 'short' }, /^invalid configuration: JWT_SECRET /]
  ]

  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), ConfigError)
    try {
      loadConfig(env)
    } catch (err) {
      t.match((err as Error).message, message)
      t.notMatch((err as Error).message, /\n/)
    }
  }
})

test('production without a secret or public key refuses to start', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET or JWT_PUBLIC_KEY is required/)
  t.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).production, true)
})

test('REDIS_* aliases build REDIS_URL', async (t) => {
  t.equal(loadConfig({ REDIS_ENABLED: 'true' }).redisUrl, 'redis://127.0.0.1:6379/0')
  t.equal(
    loadConfig({ REDIS_HOST: 'cache.local', REDIS_PORT: '6380', REDIS_PASSWORD: 'p@ss', REDIS_DB: '2' }).redisUrl,
    'redis://:p%40ss@cache.local:6380/2'
  )
  t.equal(loadConfig({ REDIS_URL: 'redis://h:1/3', REDIS_HOST: 'ignored' }).redisUrl, 'redis://h:1/3')
  t.equal(loadConfig({ REDIS_URL: 'redis://h:1', REDIS_ENABLED: 'false' }).redisUrl, undefined)
})

test('CACHE_PREFIX defaults under REDIS_PREFIX and can be set', async (t) => {
  t.equal(loadConfig({ REDIS_PREFIX: 'acme:' }).cache.prefix, 'acme:cache:')
  t.equal(loadConfig({ CACHE_PREFIX: 'jb:' }).cache.prefix, 'jb:')
})
