import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { test } from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'

/*
 * The cache hooks on small routes registered by the test, so the cache is
 * checked on its own: the handlers count their runs and serve data the
 * test changes.
 */
interface Fixture {
  runs: Map<string, number>
  data: Map<string, unknown>
}

function addRoutes (app: FastifyInstance, fixture: Fixture) {
  const run = (name: string) => fixture.runs.set(name, (fixture.runs.get(name) ?? 0) + 1)

  app.get('/t/board', {
    config: { roles: ['company'], cache: { kind: 'dashboard', ttlSeconds: 300, scope: 'company' } }
  }, async (request) => {
    run('board')
    return { owner: request.identity!.userId, data: fixture.data.get(request.identity!.userId) ?? null }
  })

  app.get('/t/slow', {
    config: { cache: { kind: 'jobs', ttlSeconds: 600, scope: 'public' } }
  }, async () => {
    run('slow')
    await sleep(100)
    return { slow: true }
  })

  app.get('/t/fail', {
    config: { cache: { kind: 'jobs', ttlSeconds: 600, scope: 'public' } }
  }, async () => {
    run('fail')
    throw new Error('handler failure')
  })

  app.get('/t/cookie', {
    config: { cache: { kind: 'jobs', ttlSeconds: 600, scope: 'public' } }
  }, async (_request, reply) => {
    run('cookie')
    reply.header('set-cookie', 'session=1')
    return { cookie: true }
  })

  app.get('/t/poll', {
    config: { cache: { kind: 'messages', ttlSeconds: 60, scope: 'user' } }
  }, async () => {
    run('poll')
    return { polled: true }
  })
}

async function setup (t: { teardown(fn: () => unknown): void }) {
  const fixture: Fixture = { runs: new Map(), data: new Map() }
  const testApp = await buildTestApp(t)
  addRoutes(testApp.app, fixture)
  await testApp.app.ready()
  return { ...testApp, fixture }
}

function get (ta: TestApp, url: string, user: [string, string], headers: Record<string, string> = {}) {
  return ta.app.inject({ method: 'GET', url, headers: { ...ta.auth(...user), ...headers } })
}

const coA: [string, string] = ['coA', 'company']
const coB: [string, string] = ['coB', 'company']
const k1: [string, string] = ['k1', 'candidate']

test('route cache', async (t) => {
  const ta = await setup(t)
  const { app, fixture } = ta

  t.test('a miss, then a hit, then 304 for the same ETag', async (t) => {
    fixture.data.set('coA', { when: new Date(0), text: 'ünïcødé ✓' })

    const first = await get(ta, '/t/board', coA)
    const second = await get(ta, '/t/board', coA)
    const third = await get(ta, '/t/board', coA, { 'if-none-match': String(second.headers.etag) })

    t.equal(first.statusCode, 200)
    t.equal(first.headers['x-cache'], 'MISS')
    t.equal(first.headers['cache-control'], 'private, max-age=300')
    t.same(first.json(), { owner: 'coA', data: { when: '1970-01-01T00:00:00.000Z', text: 'ünïcødé ✓' } })
    t.equal(second.headers['x-cache'], 'HIT')
    t.equal(second.headers['cache-control'], 'private, max-age=300')
    t.equal(second.body, first.body)
    t.equal(second.headers.etag, first.headers.etag)
    t.match(second.headers['content-type'], /^application\/json/)
    t.equal(third.statusCode, 304)
    t.equal(third.body, '')
    t.equal(third.headers.etag, first.headers.etag)
    t.equal(third.headers['cache-control'], 'private, max-age=300')
    t.equal(fixture.runs.get('board'), 1)
  })

  t.test('one company never gets another company\'s entry', async (t) => {
    fixture.data.set('coB', { mine: 'coB' })

    const a = await get(ta, '/t/board', coA)
    const b = await get(ta, '/t/board', coB, { 'if-none-match': String(a.headers.etag) })

    t.equal(b.statusCode, 200)
    t.equal(b.headers['x-cache'], 'MISS')
    t.same(b.json(), { owner: 'coB', data: { mine: 'coB' } })
    t.not(b.headers.etag, a.headers.etag)
  })

  t.test('refused requests never reach the cache', async (t) => {
    const wrongRole = await get(ta, '/t/board', k1)
    const noToken = await app.inject({ method: 'GET', url: '/t/board' })

    t.equal(wrongRole.statusCode, 403)
    t.equal(noToken.statusCode, 401)
    t.equal(wrongRole.headers['x-cache'], undefined)
    t.equal(noToken.headers['x-cache'], undefined)
  })

  t.test('an invalidation drops the entry before it resolves', async (t) => {
    await get(ta, '/t/board', coA)
    fixture.data.set('coA', { changed: true })

    await app.cacheInvalidation.jobChanged('coA')
    const after = await get(ta, '/t/board', coA)

    t.equal(after.headers['x-cache'], 'MISS')
    t.same(after.json().data, { changed: true })
  })

  t.test('concurrent identical misses run the handler once', async (t) => {
    const replies = await Promise.all(Array.from({ length: 8 }, async () => await get(ta, '/t/slow', k1)))

    t.equal(fixture.runs.get('slow'), 1)
    t.same(replies.map((r) => r.statusCode), Array(8).fill(200))
    t.same(new Set(replies.map((r) => r.body)).size, 1)
    t.equal(replies.filter((r) => r.headers['x-cache'] === 'MISS').length, 1)
  })

  t.test('HEAD first stores the full body; GET then gets it', async (t) => {
    fixture.data.set('coB', { fresh: 'after head' })
    await app.cacheInvalidation.jobChanged('coB')

    const head = await app.inject({ method: 'HEAD', url: '/t/board', headers: ta.auth(...coB) })
    const body = await get(ta, '/t/board', coB)
    const headAgain = await app.inject({ method: 'HEAD', url: '/t/board', headers: ta.auth(...coB) })

    t.equal(head.statusCode, 200)
    t.equal(head.body, '')
    t.equal(head.headers['x-cache'], 'MISS')
    t.match(head.headers['content-type'], /^application\/json/)
    t.same(body.json(), { owner: 'coB', data: { fresh: 'after head' } })
    t.equal(body.headers.etag, head.headers.etag)
    t.equal(Number(body.headers['content-length']), Buffer.byteLength(body.body))
    t.equal(headAgain.headers['x-cache'], 'HIT')
    t.equal(headAgain.body, '')
  })

  t.test('errors and responses setting a cookie are not stored', async (t) => {
    const fail1 = await get(ta, '/t/fail', k1)
    const fail2 = await get(ta, '/t/fail', k1)
    const cookie1 = await get(ta, '/t/cookie', k1)
    const cookie2 = await get(ta, '/t/cookie', k1)

    t.equal(fail1.statusCode, 500)
    t.equal(fail2.statusCode, 500)
    t.equal(fixture.runs.get('fail'), 2)
    t.equal(cookie2.headers['x-cache'], undefined)
    t.equal(cookie1.statusCode, 200)
    t.equal(fixture.runs.get('cookie'), 2)
  })

  t.test('long-poll requests are never cached', async (t) => {
    await get(ta, '/t/poll?waitMs=10', k1)
    const again = await get(ta, '/t/poll?waitMs=10', k1)

    t.equal(fixture.runs.get('poll'), 2)
    t.equal(again.headers['x-cache'], undefined)
  })

  t.test('values survive a round trip exactly', async (t) => {
    const value = { when: new Date(86_400_000), text: '日本語 🎉', nested: { list: [1, null, { a: true }] } }

    await app.cache.set('manual:round-trip', value, 10_000)
    const back = await app.cache.get('manual:round-trip')

    t.same(back, JSON.parse(JSON.stringify(value)))
    t.equal((back as { when: string }).when, '1970-01-02T00:00:00.000Z')
  })

  t.test('wrap computes once and then serves the stored value', async (t) => {
    let computed = 0
    const compute = async () => { computed++; await sleep(20); return { n: 42 } }

    const results = await Promise.all([1, 2, 3].map(async () => await app.cache.wrap('manual:wrap', compute, 10_000)))
    const later = await app.cache.wrap('manual:wrap', compute, 10_000)

    t.equal(computed, 1)
    t.same(results, [{ n: 42 }, { n: 42 }, { n: 42 }])
    t.same(later, { n: 42 })
  })

  t.test('statistics count hits, misses and sets', async (t) => {
    const stats = app.cache.stats()

    t.ok(stats.hits > 0)
    t.ok(stats.misses > 0)
    t.equal(stats.hitRate, stats.hits / (stats.hits + stats.misses))
    t.equal(stats.tier, process.env.REDIS_URL ? 'redis' : 'memory')
    t.equal(stats.redisConnected, Boolean(process.env.REDIS_URL))
    t.equal(stats.memoryMax, 1000)
    t.equal(stats.errors, 0)
  })
})
