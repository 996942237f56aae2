import { test } from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { callers } from '../helpers/api.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { twoInstances } from './instances.js'

/*
 * F07: an outdated validator must not keep getting 304 once the data
 * changed. The ETag is a hash of the body, so it changes with the data.
 */
type Tap = Parameters<Parameters<typeof test>[0]>[0]

async function staleEtagCase (t: Tap, reader: TestApp, writer: TestApp) {
  const read = callers(reader)
  const write = callers(writer)
  const url = '/api/jobs?companyId=coA'

  const job = (await write.coA('POST', '/api/jobs', { title: 'Title A', description: 'x' })).json()

  const first = await read.coA('GET', url)
  const e1 = String(first.headers.etag)
  t.equal(first.json().items[0].title, 'Title A')

  const notModified = await read.coA('GET', url, undefined, { 'if-none-match': e1 })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.body, '')
  t.equal(notModified.headers.etag, e1)
  t.equal(notModified.headers['cache-control'], 'private, max-age=600')

  await write.coA('PATCH', `/api/jobs/${job.id}`, { title: 'Title B' })

  const changed = await read.coA('GET', url, undefined, { 'if-none-match': e1 })
  const e2 = String(changed.headers.etag)
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().items[0].title, 'Title B')
  t.not(e2, e1)
  t.equal(changed.headers['x-cache'], 'MISS', 'not a hit of the old entry')

  const current = await read.coA('GET', url, undefined, { 'if-none-match': e2 })
  const inList = await read.coA('GET', url, undefined, { 'if-none-match': `"nope", ${e2}` })
  t.equal(current.statusCode, 304)
  t.equal(inList.statusCode, 304)
  t.equal(inList.headers.etag, e2)

  const dashboardA = await read.coA('GET', '/api/company/dashboard')
  const dashboardB = await read.coB('GET', '/api/company/dashboard', undefined, {
    'if-none-match': String(dashboardA.headers.etag)
  })
  t.equal(dashboardB.statusCode, 200)
  t.equal(dashboardB.json().openJobs, 0, 'coB gets its own dashboard')
  t.not(dashboardB.headers.etag, dashboardA.headers.etag)
}

test('F07: one instance', async (t) => {
  const app = await buildTestApp(t)
  await staleEtagCase(t, app, app)
})

test('F07: the change made on another instance', async (t) => {
  const [i1, i2] = await twoInstances(t, { redisUrl: await redisUrlForTest(t) })
  await staleEtagCase(t, i1, i2)
})
