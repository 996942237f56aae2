import { test } from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { callers } from '../helpers/api.js'
import { redisUrlForTest } from '../helpers/redis-server.js'

type Tap = Parameters<Parameters<typeof test>[0]>[0]

/*
 * F08: the bodiless answer to a HEAD must never be stored and served as an
 * empty GET. HEAD and GET share one entry holding the full body.
 */
async function headFirstCase (t: Tap, ta: TestApp) {
  const as = callers(ta)
  await as.coA('POST', '/api/jobs', { title: 'Backend dev', description: 'x' })

  const head = await as.coA('HEAD', '/api/company/dashboard')
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  t.match(head.headers['content-type'], /^application\/json/)
  t.match(head.headers.etag, /^"/)
  t.equal(head.headers['x-cache'], 'MISS')

  const get1 = await as.coA('GET', '/api/company/dashboard')
  const get2 = await as.coA('GET', '/api/company/dashboard')
  t.equal(get1.statusCode, 200)
  t.same(get1.json(), {
    openJobs: 1,
    applicationsByStatus: { applied: 0, reviewing: 0, interview: 0, rejected: 0, hired: 0 },
    activeConversations: 0,
    unreadMessages: 0
  })
  t.equal(get1.headers.etag, head.headers.etag)
  t.equal(Number(get1.headers['content-length']), Buffer.byteLength(get1.body))
  t.equal(get2.headers['x-cache'], 'HIT')
  t.equal(get2.body, get1.body)

  const headHit = await as.coA('HEAD', '/api/company/dashboard')
  const headValidated = await as.coA('HEAD', '/api/company/dashboard', undefined, {
    'if-none-match': String(head.headers.etag)
  })
  t.equal(headHit.statusCode, 200)
  t.equal(headHit.headers['x-cache'], 'HIT')
  t.equal(headHit.body, '')
  t.equal(headValidated.statusCode, 304)
  t.equal(headValidated.body, '')

  const jobsGet = await as.coA('GET', '/api/jobs?status=open')
  const jobsHead = await as.coA('HEAD', '/api/jobs?status=open')
  t.equal(jobsGet.json().total, 1)
  t.equal(jobsHead.statusCode, 200)
  t.equal(jobsHead.headers['x-cache'], 'HIT')
  t.equal(jobsHead.body, '')
  t.equal(jobsHead.headers.etag, jobsGet.headers.etag)

  const base = '/api/cache-management/key'
  const existing = await as.adm('HEAD', `${base}/dashboard:coA:/api/company/dashboard:`)
  const missing = await as.adm('HEAD', `${base}/dashboard:nobody:/api/company/dashboard:`)
  t.equal(existing.statusCode, 200)
  t.equal(existing.body, '')
  t.equal(missing.statusCode, 404)
  t.equal(missing.body, '')
}

test('F08: HEAD first, on the default tier', async (t) => {
  await headFirstCase(t, await buildTestApp(t))
})

test('F08: HEAD first, with Redis', async (t) => {
  const redisUrl = await redisUrlForTest(t)
  await headFirstCase(t, await buildTestApp(t, { env: { REDIS_URL: redisUrl } }))
})
