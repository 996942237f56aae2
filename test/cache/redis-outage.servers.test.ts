import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import { test } from 'tap'
import type { TestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { OwnRedis } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'
import { twoInstances } from './instances.js'

const DEGRADED_TTL_MS = 1500

interface Sample { phase: string, status: number, cache: string | undefined, ms: number }

// Records how long each request spent in the cache, which is where it could wait on Redis.
function timeCacheCalls (app: FastifyInstance, durations: number[]) {
  const cache = app.cache
  const lookup = cache.lookup.bind(cache)
  const storeRaw = cache.storeRaw.bind(cache)

  cache.lookup = async (...args) => {
    const start = performance.now()
    try { return await lookup(...args) } finally { durations.push(performance.now() - start) }
  }
  cache.storeRaw = async (...args) => {
    const start = performance.now()
    try { return await storeRaw(...args) } finally { durations.push(performance.now() - start) }
  }
}

/** Reads two cached routes on both instances, one request at a time, until stopped. */
function steadyLoad (instances: TestApp[]) {
  const samples: Sample[] = []
  let phase = 'up'
  let running = true

  const done = (async () => {
    for (let i = 0; running; i++) {
      const as = callers(instances[i % 2])
      const [caller, url] = i % 4 < 2
        ? [as.k1, '/api/jobs?companyId=coA'] as const
        : [as.coA, '/api/company/dashboard'] as const
      const start = performance.now()
      const res = await caller('GET', url)
      samples.push({ phase, status: res.statusCode, cache: res.headers['x-cache'] as string, ms: performance.now() - start })
      await sleep(10)
    }
  })()

  return {
    samples,
    setPhase: (next: string) => { phase = next },
    stop: async () => { running = false; await done }
  }
}

test('the cache rides out a Redis crash and comes back to it', async (t) => {
  const redis = await OwnRedis.start(t)
  const [i1, i2] = await twoInstances(t, {
    redisUrl: redis.url,
    env: { CACHE_DEGRADED_TTL: String(DEGRADED_TTL_MS) }
  })
  const on1 = callers(i1)
  const on2 = callers(i2)
  const { jobId } = await setupS(i1)

  const durations: number[] = []
  timeCacheCalls(i1.app, durations)
  timeCacheCalls(i2.app, durations)

  const load = steadyLoad([i1, i2])
  await sleep(300)

  load.setPhase('down')
  await redis.stop()
  await waitFor('both instances on the memory tier', () =>
    i1.app.cache.tier === 'memory' && i2.app.cache.tier === 'memory')
  await sleep(300)

  // I1 holds a copy in memory; I2 changes the job while Redis cannot tell I1.
  await on1.k1('GET', '/api/jobs?companyId=coA')
  t.equal((await on1.k1('GET', '/api/jobs?companyId=coA')).headers['x-cache'], 'HIT')
  const patched = await on2.coA('PATCH', `/api/jobs/${jobId}`, { title: 'Changed while Redis was away' })
  t.equal(patched.statusCode, 200, 'writes do not wait for Redis')

  await sleep(DEGRADED_TTL_MS + 50)
  const afterDegradedTtl = (await on1.k1('GET', '/api/jobs?companyId=coA')).json()
  t.equal(afterDegradedTtl.items[0].title, 'Changed while Redis was away',
    'no stale copy outlives CACHE_DEGRADED_TTL')

  load.setPhase('restarting')
  await redis.restart()
  await waitFor('both instances back on Redis', () =>
    i1.app.cache.tier === 'redis' && i2.app.cache.tier === 'redis', 10_000)
  t.equal(i1.app.cache.stats().memorySize, 0, 'I1 dropped what it cached meanwhile')
  t.equal(i2.app.cache.stats().memorySize, 0, 'I2 dropped what it cached meanwhile')

  load.setPhase('back')
  await sleep(500)
  await load.stop()

  const { samples } = load
  const byPhase = (name: string) => samples.filter((s) => s.phase === name)
  const hitRate = (list: Sample[]) => list.filter((s) => s.cache === 'HIT').length / list.length
  t.comment(`requests: ${samples.length}; slowest ${Math.max(...samples.map((s) => s.ms)).toFixed(1)} ms`)

  t.same(samples.filter((s) => s.status !== 200), [], 'no request failed')
  t.ok(byPhase('down').length > 0 && byPhase('back').length > 0)
  t.ok(hitRate(byPhase('back')) > 0.5, `hit rate back on Redis: ${hitRate(byPhase('back'))}`)
  t.ok(Math.max(...durations) < 100, `longest wait in the cache: ${Math.max(...durations).toFixed(1)} ms`)

  const shared = await redis.client(t).keys(`${i1.config.cache.prefix}jobs:*`)
  t.ok(shared.length > 0, 'entries are stored in Redis again')
})
