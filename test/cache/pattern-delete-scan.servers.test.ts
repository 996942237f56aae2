import { test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers } from '../helpers/api.js'
import { OwnRedis } from '../helpers/redis-server.js'

const MANAGEMENT = '/api/cache-management'
const BULK = 10_000

test('a pattern delete over 10,000 Redis keys walks them with SCAN', async (t) => {
  const redis = await OwnRedis.start(t)
  const ta = await buildTestApp(t, { env: { REDIS_URL: redis.url } })
  const as = callers(ta)
  const prefix = ta.config.cache.prefix

  const seed = redis.client(t)
  const pipeline = seed.pipeline()
  for (let i = 0; i < BULK; i++) pipeline.set(`${prefix}manual:bulk:${i}`, String(i), 'EX', 600)
  for (let i = 0; i < 10; i++) pipeline.set(`${prefix}manual:keep:${i}`, String(i), 'EX', 600)
  pipeline.set('manual:bulk:outside', 'keep')
  await pipeline.exec()

  const commands: string[][] = []
  const monitor = await redis.client(t).monitor()
  t.teardown(() => monitor.disconnect())
  monitor.on('monitor', (_time: string, args: string[]) => { commands.push(args) })

  // Requests keep being answered while the delete runs: Redis is never held.
  const [deleted, ...reads] = await Promise.all([
    as.adm('DELETE', `${MANAGEMENT}/pattern`, { pattern: 'manual:bulk:*' }),
    ...Array.from({ length: 5 }, async () => await as.k1('GET', '/api/jobs'))
  ])
  await monitor.disconnect()

  t.equal(deleted.statusCode, 204)
  t.same(reads.map((r) => r.statusCode), [200, 200, 200, 200, 200])
  t.equal(await seed.exists(`${prefix}manual:bulk:0`, `${prefix}manual:bulk:9999`), 0)
  t.equal(await seed.get(`${prefix}manual:keep:3`), '3')
  t.equal(await seed.get('manual:bulk:outside'), 'keep')

  const names = commands.map((args) => args[0].toLowerCase())
  const scans = commands.filter((args) => args[0].toLowerCase() === 'scan')
  const unlinks = commands.filter((args) => args[0].toLowerCase() === 'unlink')
  t.notOk(names.includes('keys'))
  t.ok(scans.length >= 10, `${scans.length} SCAN calls, one batch each`)
  for (const scan of scans) t.equal(scan[3], `${prefix}manual:bulk:*`)
  const unlinked = unlinks.reduce((sum, args) => sum + args.length - 1, 0)
  t.ok(unlinked >= BULK, 'every key passed to UNLINK')
  t.ok(unlinks.length >= 5, `${unlinks.length} UNLINK calls, one per SCAN page`)
})

test('a pattern delete on the memory tier removes matching entries only', async (t) => {
  const ta = await buildTestApp(t, { redis: false, env: { CACHE_MAX_SIZE: '20000' } })
  const as = callers(ta)

  for (let i = 0; i < BULK; i++) await ta.app.cache.set(`manual:bulk:${i}`, i, 600_000)
  await ta.app.cache.set('manual:keep:1', 1, 600_000)

  const deleted = await as.adm('DELETE', `${MANAGEMENT}/pattern`, { pattern: 'manual:bulk:*' })

  t.equal(deleted.statusCode, 204)
  t.equal(ta.app.cache.stats().memorySize, 1)
  t.equal(await ta.app.cache.get('manual:keep:1'), 1)
})
