import { test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { independentClient } from '../helpers/redis-server.js'

const base = '/api/cache-management'
const withRedis = Boolean(process.env.REDIS_URL)

test('cache management routes', async (t) => {
  const ta = await buildTestApp(t)
  const as = callers(ta)
  const { jobId } = await setupS(ta)

  t.test('refuse candidates and companies with 403', async (t) => {
    const adminOnly: Array<[Parameters<typeof as.adm>[0], string, unknown?]> = [
      ['GET', `${base}/stats`],
      ['GET', `${base}/redis/info`],
      ['GET', `${base}/health`],
      ['GET', `${base}/key/manual:x`],
      ['HEAD', `${base}/key/manual:x`],
      ['PUT', `${base}/key/manual:x`, { value: 1 }],
      ['DELETE', `${base}/key/manual:x`],
      ['DELETE', `${base}/pattern`, { pattern: 'manual:*' }],
      ['DELETE', `${base}/flush-all`]
    ]

    for (const [method, url, body] of adminOnly) {
      for (const user of ['k1', 'coA'] as const) {
        const res = await as[user](method, url, body)
        t.equal(res.statusCode, 403, `${user} ${method} ${url}`)
        if (method !== 'HEAD') t.equal(res.json().code, 'FORBIDDEN')
      }
    }

    t.equal((await as.k1('DELETE', `${base}/company/coA`)).statusCode, 403)
    t.equal((await as.coB('DELETE', `${base}/company/coA`)).statusCode, 403)
    t.equal((await as.k1('DELETE', `${base}/job/${jobId}`)).statusCode, 403)
    t.equal((await as.coB('DELETE', `${base}/job/${jobId}`)).statusCode, 403)
  })

  t.test('validate keys and patterns', async (t) => {
    for (const key of ['a*b', 'a%20b', '~idx:jobs:all', 'a%3Fb', 'x[1]']) {
      const res = await as.adm('GET', `${base}/key/${key}`)
      t.equal(res.statusCode, 400, key)
      t.equal(res.json().code, 'BAD_REQUEST')
    }

    for (const pattern of ['*', ':*', 'dashboard*', 'dash*board:*', 'a[b]:*', '~gen:*', 'x y:*']) {
      const res = await as.adm('DELETE', `${base}/pattern`, { pattern })
      t.equal(res.statusCode, 400, pattern)
    }

    t.equal((await as.adm('PUT', `${base}/key/manual:x`, { ttlMs: 5 })).statusCode, 400)
    t.equal((await as.adm('PUT', `${base}/key/manual:x`, { value: 1, ttlMs: 0 })).statusCode, 400)
    t.equal((await as.adm('DELETE', `${base}/job/not-a-uuid`)).statusCode, 400)
  })

  t.test('read, write and delete one key', async (t) => {
    const value = { note: 'probé', when: '2026-01-01T00:00:00.000Z', list: [1, { a: null }] }

    const put = await as.adm('PUT', `${base}/key/manual:probe`, { value })
    const got = await as.adm('GET', `${base}/key/manual:probe`)
    const head = await as.adm('HEAD', `${base}/key/manual:probe`)
    const headMissing = await as.adm('HEAD', `${base}/key/manual:missing`)

    t.equal(put.statusCode, 200)
    t.same(put.json(), { key: 'manual:probe', value, ttlMs: 3_600_000 })
    t.equal(got.statusCode, 200)
    t.same(got.json().value, value)
    t.ok(got.json().ttlMs > 3_500_000 && got.json().ttlMs <= 3_600_000)
    t.equal(head.statusCode, 200)
    t.equal(head.body, '')
    t.equal(headMissing.statusCode, 404)
    t.equal(headMissing.body, '')

    const short = await as.adm('PUT', `${base}/key/manual:short`, { value: 1, ttlMs: 60_000 })
    t.equal(short.json().ttlMs, 60_000)

    t.equal((await as.adm('DELETE', `${base}/key/manual:probe`)).statusCode, 204)
    t.equal((await as.adm('GET', `${base}/key/manual:probe`)).statusCode, 404)
    t.equal((await as.adm('DELETE', `${base}/key/manual:probe`)).statusCode, 404)
  })

  t.test('a write lands under manual: and cannot forge a response', async (t) => {
    const live = await as.coA('GET', '/api/company/dashboard')
    const key = 'dashboard:coA:/api/company/dashboard:'

    const forged = await as.adm('PUT', `${base}/key/${key}`, { value: { body: '{}' } })
    const after = await as.coA('GET', '/api/company/dashboard')
    const plain = await as.adm('PUT', `${base}/key/probe`, { value: 'p' })

    t.equal(forged.statusCode, 200)
    t.equal(forged.json().key, `manual:${key}`)
    t.equal(after.headers['x-cache'], 'HIT')
    t.equal(after.body, live.body)
    t.equal(plain.json().key, 'manual:probe')
    t.equal((await as.adm('GET', `${base}/key/manual:probe`)).json().value, 'p')
    t.equal((await as.adm('GET', `${base}/key/probe`)).statusCode, 404)
  })

  t.test('a pattern deletes its keys only', async (t) => {
    for (const key of ['manual:a:1', 'manual:a:2', 'manual:b:1']) {
      await as.adm('PUT', `${base}/key/${key}`, { value: key })
    }

    t.equal((await as.adm('DELETE', `${base}/pattern`, { pattern: 'manual:a:*' })).statusCode, 204)

    t.equal((await as.adm('GET', `${base}/key/manual:a:1`)).statusCode, 404)
    t.equal((await as.adm('GET', `${base}/key/manual:a:2`)).statusCode, 404)
    t.equal((await as.adm('GET', `${base}/key/manual:b:1`)).json().value, 'manual:b:1')
  })

  t.test('a company invalidates its own entries; an admin any company\'s', async (t) => {
    await as.coA('GET', '/api/company/dashboard')
    t.equal((await as.coA('GET', '/api/company/dashboard')).headers['x-cache'], 'HIT')

    t.equal((await as.coA('DELETE', `${base}/company/coA`)).statusCode, 204)
    t.equal((await as.coA('GET', '/api/company/dashboard')).headers['x-cache'], 'MISS')

    t.equal((await as.adm('DELETE', `${base}/company/coA`)).statusCode, 204)
    t.equal((await as.coA('GET', '/api/company/dashboard')).headers['x-cache'], 'MISS')

    t.equal((await as.adm('DELETE', `${base}/company/nobody`)).statusCode, 404)
    t.equal((await as.adm('DELETE', `${base}/company/k1`)).statusCode, 404)
  })

  t.test('a job\'s entries are invalidated by its owner or an admin', async (t) => {
    await as.k1('GET', '/api/jobs?companyId=coA')
    t.equal((await as.k1('GET', '/api/jobs?companyId=coA')).headers['x-cache'], 'HIT')

    t.equal((await as.coA('DELETE', `${base}/job/${jobId}`)).statusCode, 204)
    t.equal((await as.k1('GET', '/api/jobs?companyId=coA')).headers['x-cache'], 'MISS')

    t.equal((await as.adm('DELETE', `${base}/job/${jobId}`)).statusCode, 204)
    t.equal((await as.adm('DELETE', `${base}/job/00000000-0000-4000-8000-000000000000`)).statusCode, 404)
  })

  t.test('statistics, Redis facts and health have fixed fields', async (t) => {
    const stats = (await as.adm('GET', `${base}/stats`)).json()
    t.same(Object.keys(stats).sort(), [
      'deletes', 'enabled', 'errors', 'hitRate', 'hits', 'memoryMax', 'memorySize',
      'misses', 'redisConnected', 'sets', 'tier'
    ])
    t.equal(stats.redisConnected, withRedis)
    t.equal(stats.memoryMax, 1000)
    t.ok(stats.hits >= 2)

    const info = (await as.adm('GET', `${base}/redis/info`)).json()
    t.same(Object.keys(info).sort(), ['clients', 'connected', 'keyspace', 'memory', 'uptimeSeconds', 'version'])
    t.equal(info.connected, withRedis)
    t.equal(info.keyspace.prefix, ta.config.cache.prefix)
    if (withRedis) {
      t.match(info.version, /^\d+\.\d+/)
      t.ok(info.keyspace.keys > 0)
      t.ok(info.clients.connected >= 1)
    } else {
      t.equal(info.version, null)
    }

    const health = (await as.adm('GET', `${base}/health`)).json()
    t.same(health, withRedis
      ? { status: 'ok', tier: 'redis', redis: 'up' }
      : { status: 'ok', tier: 'memory', redis: 'disabled' })
  })

  t.test('flush-all empties the cache namespace and nothing else', async (t) => {
    const outside = `${ta.config.redisPrefix}not-cache`
    const redis = withRedis ? independentClient(t, String(process.env.REDIS_URL)) : undefined
    await redis?.set(outside, 'keep', 'EX', 60)

    await as.adm('PUT', `${base}/key/manual:before-flush`, { value: 1 })
    await as.coA('GET', '/api/company/dashboard')

    t.equal((await as.adm('DELETE', `${base}/flush-all`)).statusCode, 204)

    t.equal((await as.adm('GET', `${base}/key/manual:before-flush`)).statusCode, 404)
    t.equal((await as.coA('GET', '/api/company/dashboard')).headers['x-cache'], 'MISS')
    if (redis) {
      t.equal(await redis.get(outside), 'keep')
      await redis.del(outside)
    } else {
      t.equal(ta.app.cache.stats().memorySize, 1, 'only the dashboard read after the flush')
    }
  })
})
