import type { LightMyRequestResponse } from 'fastify'
import { test } from 'tap'
import { signToken } from '../../src/auth/tokens.js'
import { callers, setupS, type ApiCaller } from '../helpers/api.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { twoInstances } from './instances.js'

/*
 * F06: one user served another user's cached page. The cached instance is
 * compared with an uncached one on the same database: every 200 must be
 * what the uncached server gives that caller.
 */
test('F06: the cache never serves one caller another caller\'s page', async (t) => {
  const [cached, reference] = await twoInstances(t, {
    redisUrl: process.env.REDIS_URL,
    secondEnv: { CACHE_ENABLED: 'false' }
  })
  const as = callers(cached)
  const plain = callers(reference)

  async function same (res: LightMyRequestResponse, caller: ApiCaller, url: string) {
    const uncached = await caller('GET', url)
    t.equal(res.statusCode, 200, url)
    t.same(res.json(), uncached.json(), `${url} equals the uncached answer`)
  }

  const one = (await as.coA('POST', '/api/jobs', { title: 'A1', description: 'x' })).json()
  await as.coA('POST', '/api/jobs', { title: 'A2', description: 'x' })
  await as.coA('PATCH', `/api/jobs/${one.id}`, { status: 'closed' })
  await as.coB('POST', '/api/jobs', { title: 'B1', description: 'x' })
  const { conversationId } = await setupS(cached)
  await as.coA('POST', `/api/conversations/${conversationId}/messages`, { content: 'hi', clientMsgId: 'f06-1' })

  t.test('step 2: dashboards stay with their company', async (t) => {
    const a1 = await as.coA('GET', '/api/company/dashboard')
    const a2 = await as.coA('GET', '/api/company/dashboard')
    const b1 = await as.coB('GET', '/api/company/dashboard')
    const a3 = await as.coA('GET', '/api/company/dashboard')

    t.same([a1, a2, b1, a3].map((r) => r.headers['x-cache']), ['MISS', 'HIT', 'MISS', 'HIT'])
    t.not(b1.headers.etag, a1.headers.etag)
    t.equal(a3.body, a1.body)
    t.equal(a1.json().openJobs, 2)
    t.equal(b1.json().openJobs, 1)
    for (const res of [a1, a2, b1, a3]) t.equal(res.headers['cache-control'], 'private, max-age=300')

    await same(a1, plain.coA, '/api/company/dashboard')
    await same(a3, plain.coA, '/api/company/dashboard')
    await same(b1, plain.coB, '/api/company/dashboard')
  })

  t.test('step 3: conversation lists stay with their user', async (t) => {
    const a = await as.coA('GET', '/api/conversations')
    const k = await as.k1('GET', '/api/conversations')

    t.equal(k.headers['x-cache'], 'MISS')
    t.equal(k.json().items[0].unreadCount, 1, 'k1 sees its own unread count')
    t.equal(a.json().items[0].unreadCount, 0, 'coA sent the message')
    await same(a, plain.coA, '/api/conversations')
    await same(k, plain.k1, '/api/conversations')
  })

  t.test('step 4: the query is keyed in sorted order', async (t) => {
    const first = await as.coA('GET', '/api/jobs?status=open&page=1&pageSize=10')
    const reordered = await as.coA('GET', '/api/jobs?pageSize=10&page=1&status=open')
    const closed = await as.coA('GET', '/api/jobs?pageSize=10&page=1&status=closed')

    t.equal(first.headers['x-cache'], 'MISS')
    t.equal(reordered.headers['x-cache'], 'HIT')
    t.equal(reordered.headers.etag, first.headers.etag)
    t.equal(closed.headers['x-cache'], 'MISS')
    t.same(closed.json().items.map((job: { title: string }) => job.title), ['A1'])
    await same(reordered, plain.coA, '/api/jobs?status=open&page=1&pageSize=10')
    await same(closed, plain.coA, '/api/jobs?status=closed&page=1&pageSize=10')
  })

  t.test('step 5: refused requests are never answered or stored by the cache', async (t) => {
    const setsBefore = cached.app.cache.stats().sets
    const foreign = signToken('another-secret-that-is-long-enough-987654', { sub: 'coA', role: 'company' })

    const wrongRole = await as.k1('GET', '/api/company/dashboard')
    const noToken = await cached.app.inject({ method: 'GET', url: '/api/company/dashboard' })
    const badSignature = await cached.app.inject({
      method: 'GET', url: '/api/company/dashboard', headers: { authorization: `Bearer ${foreign}` }
    })

    t.same([wrongRole, noToken, badSignature].map((r) => r.statusCode), [403, 401, 401])
    for (const res of [wrongRole, noToken, badSignature]) t.not(res.headers['x-cache'], 'HIT')
    t.equal(cached.app.cache.stats().sets, setsBefore)
  })
})

test('F06 with Redis: coA warms on I1, coB reads on I2', async (t) => {
  const [i1, i2] = await twoInstances(t, { redisUrl: await redisUrlForTest(t) })
  const on1 = callers(i1)
  const on2 = callers(i2)
  await on1.coA('POST', '/api/jobs', { title: 'A1', description: 'x' })

  const warm = await on1.coA('GET', '/api/company/dashboard')
  const other = await on2.coB('GET', '/api/company/dashboard')
  const shared = await on2.coA('GET', '/api/company/dashboard')

  t.equal(warm.headers['x-cache'], 'MISS')
  t.equal(other.headers['x-cache'], 'MISS')
  t.equal(other.json().openJobs, 0)
  t.not(other.headers.etag, warm.headers.etag)
  t.equal(shared.headers['x-cache'], 'HIT', 'I2 reads the entry I1 stored in Redis')
  t.equal(shared.body, warm.body)
})
