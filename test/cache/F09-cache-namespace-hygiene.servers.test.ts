import { test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { OwnRedis } from '../helpers/redis-server.js'
import { TestSocket } from '../helpers/ws-client.js'

interface Monitored { args: string[], source: string, database: number }

const MANAGEMENT = '/api/cache-management'

/*
 * F09: on a shared Redis the cache stays in its namespace: no KEYS, no
 * FLUSHALL or FLUSHDB, SCAN only under CACHE_PREFIX, TTLs in the right unit,
 * and keys of others (in db0 and db1) left alone. Every command the product
 * sends is watched through MONITOR on a connection of the test's own.
 */
test('F09: the cache never leaves its namespace', async (t) => {
  const redis = await OwnRedis.start(t)
  const seed = redis.client(t)
  await seed.set('other:session:1', 'keep', 'EX', 3600)
  await seed.set('dashboard:coA:legacy', 'keep')
  await seed.select(1)
  await seed.set('foreign', 'keep')
  await seed.select(0)

  const ta = await buildTestApp(t, {
    listen: true,
    env: { REDIS_URL: `${redis.url}/0`, CACHE_PREFIX: 'jb:' }
  })
  const as = callers(ta)
  const redisPrefix = ta.config.redisPrefix

  const monitored: Monitored[] = []
  const monitor = await redis.client(t).monitor()
  t.teardown(() => monitor.disconnect())
  monitor.on('monitor', (_time: string, args: string[], source: string, database: string) => {
    monitored.push({ args, source, database: Number(database) })
  })

  const check = redis.client(t)
  await check.ping()
  const checkSource = `:${(check as unknown as { stream: { localPort: number } }).stream.localPort}`

  const { conversationId } = await setupS(ta)
  const online = await TestSocket.ready(t, ta.baseUrl, ta.token('k1', 'candidate'))

  t.test('step 3-4: every key under jb:, with its TTL in milliseconds', async (t) => {
    for (const url of [
      '/api/company/dashboard',
      '/api/jobs?companyId=coA',
      '/api/company/analytics',
      `/api/conversations/${conversationId}/messages`
    ]) t.equal((await as.coA('GET', url)).statusCode, 200, url)
    t.equal((await as.adm('PUT', `${MANAGEMENT}/key/probe`, { value: 'p' })).statusCode, 200)

    const keys = await check.keys('*')
    const ours = keys.filter((key) => key.startsWith('jb:'))
    const others = keys.filter((key) => !key.startsWith('jb:') && !key.startsWith(redisPrefix))
    t.same(others.sort(), ['dashboard:coA:legacy', 'other:session:1'], 'nothing new outside jb:')

    const ttl = async (key: string) => await check.pttl(key)
    const inRange = async (key: string, low: number, high: number) => {
      const value = await ttl(key)
      t.ok(value > low && value <= high, `${key}: ${low} < ${value} <= ${high}`)
    }
    await inRange('jb:dashboard:coA:/api/company/dashboard:', 290_000, 300_000)
    await inRange('jb:jobs:coA:/api/jobs:companyId=coA', 590_000, 600_000)
    await inRange('jb:analytics:coA:/api/company/analytics:', 1_790_000, 1_800_000)
    await inRange(`jb:messages:${conversationId}:/api/conversations/${conversationId}/messages:`, 50_000, 60_000)
    await inRange('jb:manual:probe', 0, 3_600_000)

    for (const key of ours) t.not(await ttl(key), -1, `${key} expires`)
  })

  t.test('step 5: management and writes stay inside the namespace', async (t) => {
    t.equal((await as.coA('POST', '/api/jobs', { title: 'Second', description: 'y' })).statusCode, 201)
    t.equal((await as.adm('DELETE', `${MANAGEMENT}/pattern`, { pattern: 'dashboard:*' })).statusCode, 204)
    t.equal((await as.adm('DELETE', `${MANAGEMENT}/pattern`, { pattern: '*' })).statusCode, 400)
    t.equal((await as.adm('DELETE', `${MANAGEMENT}/company/coA`)).statusCode, 204)
    t.equal((await as.coB('DELETE', `${MANAGEMENT}/company/coA`)).statusCode, 403)

    const foreignRead = await as.adm('GET', `${MANAGEMENT}/key/other:session:1`)
    t.equal(foreignRead.statusCode, 404)
    t.not(foreignRead.body.includes('keep'), true)

    t.equal((await as.adm('DELETE', `${MANAGEMENT}/flush-all`)).statusCode, 204)

    t.same(await check.keys('jb:*'), [], 'no cache key left')
    t.equal(await check.get('other:session:1'), 'keep')
    t.ok(await check.ttl('other:session:1') > 0)
    t.equal(await check.get('dashboard:coA:legacy'), 'keep')
    await check.select(1)
    t.equal(await check.get('foreign'), 'keep')
    await check.select(0)

    const users = (await as.adm('GET', '/api/websocket/online-users')).json()
    t.ok(users.items.some((item: { userId: string }) => item.userId === 'k1'), 'k1 still online')
    t.equal(online.ws.readyState, online.ws.OPEN)
  })

  t.test('MONITOR: no KEYS, FLUSHALL or FLUSHDB; SCAN only under the namespaces', async (t) => {
    await monitor.disconnect()
    const product = monitored.filter((entry) => !entry.source.endsWith(checkSource))
    const commands = product.map((entry) => entry.args[0].toLowerCase())

    t.ok(product.length > 0)
    t.notOk(commands.includes('keys'))
    t.notOk(commands.includes('flushall'))
    t.notOk(commands.includes('flushdb'))
    t.ok(product.every((entry) => entry.database === 0), 'db0 only')

    const scans = product.filter((entry) => entry.args[0].toLowerCase() === 'scan')
    t.ok(scans.length > 0, 'pattern deletes use SCAN')
    for (const scan of scans) {
      const match = scan.args[scan.args.findIndex((arg) => arg.toLowerCase() === 'match') + 1]
      t.ok(match.startsWith('jb:') || match.startsWith(redisPrefix), `SCAN MATCH ${match}`)
    }
  })
})
