import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

// Every user is recorded before the tests name them.
for (const call of Object.values(as)) await call('GET', '/api/notifications')

async function postJob (title: string, user: 'coA' | 'coB' = 'coA') {
  const res = await as[user]('POST', '/api/jobs', { title, description: `About ${title}` })
  return res.json()
}

t.test('POST /api/jobs creates a job for the company and answers 201 with it', async (t) => {
  const body = { title: 'Backend dev', description: 'x', location: 'Lyon' }
  const res = await as.coA('POST', '/api/jobs', body)

  t.equal(res.statusCode, 201)
  const job = res.json()
  t.same(Object.keys(job).sort(),
    ['companyId', 'createdAt', 'description', 'id', 'location', 'status', 'title', 'updatedAt'])
  t.match(job, { ...body, companyId: 'coA', status: 'open' })
  t.match(job.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.equal(job.createdAt, new Date(job.createdAt).toISOString())
  t.equal(job.updatedAt, job.createdAt)

  const withoutLocation = await as.coA('POST', '/api/jobs', { title: 'Ops', description: 'y' })
  t.equal(withoutLocation.json().location, null)
})

t.test('POST /api/jobs refuses other roles and bad bodies', async (t) => {
  for (const user of ['k1', 'adm'] as const) {
    const res = await as[user]('POST', '/api/jobs', { title: 'x', description: 'y' })
    t.equal(res.statusCode, 403, user)
    t.equal(res.json().code, 'FORBIDDEN')
  }

  const bad = [
    {},
    { title: 'x' },
    { title: '', description: 'y' },
    { title: 5, description: 'y' },
    { title: 'x', description: 'y', location: 7 },
    { title: 'x', description: 'y', companyId: 'coB' },
    { title: 'x'.repeat(201), description: 'y' },
    [],
    'text'
  ]
  for (const body of bad) {
    const res = await as.coA('POST', '/api/jobs', body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.equal(res.json().code, 'BAD_REQUEST')
  }
})

t.test('GET /api/jobs lists every company\'s jobs newest first, with filters and paging', async (t) => {
  const a1 = await postJob('list A1')
  const b1 = await postJob('list B1', 'coB')
  const a2 = await postJob('list A2')

  const all = await as.k1('GET', '/api/jobs?pageSize=3')
  t.equal(all.statusCode, 200)
  t.same(all.json().items.map((j: { id: string }) => j.id), [a2.id, b1.id, a1.id])
  t.match(all.json(), { page: 1, pageSize: 3 })

  const onlyB = await as.adm('GET', '/api/jobs?companyId=coB')
  t.same(onlyB.json(), { items: [b1], page: 1, pageSize: 20, total: 1 })

  const totalA = (await as.coA('GET', '/api/jobs?companyId=coA')).json().total
  const second = await as.coA('GET', '/api/jobs?companyId=coA&page=2&pageSize=1')
  t.same(second.json().items, [a1])
  t.equal(second.json().total, totalA)
  t.equal(second.json().page, 2)

  const beyond = await as.coA('GET', `/api/jobs?companyId=coA&page=${totalA + 1}&pageSize=1`)
  t.same(beyond.json().items, [])
})

t.test('GET /api/jobs filters by status', async (t) => {
  const job = await postJob('to close', 'coB')
  await as.coB('PATCH', `/api/jobs/${job.id}`, { status: 'closed' })

  const closed = await as.k2('GET', '/api/jobs?companyId=coB&status=closed')
  t.same(closed.json().items.map((j: { id: string }) => j.id), [job.id])
  const open = await as.k2('GET', '/api/jobs?companyId=coB&status=open')
  t.notOk(open.json().items.some((j: { id: string }) => j.id === job.id))
})

t.test('GET /api/jobs refuses bad queries and unknown companies', async (t) => {
  const cases: Array<[string, number, string]> = [
    ['/api/jobs?pageSize=101', 400, 'BAD_REQUEST'],
    ['/api/jobs?pageSize=0', 400, 'BAD_REQUEST'],
    ['/api/jobs?page=0', 400, 'BAD_REQUEST'],
    ['/api/jobs?page=abc', 400, 'BAD_REQUEST'],
    ['/api/jobs?status=archived', 400, 'BAD_REQUEST'],
    ['/api/jobs?page=1&page=2', 400, 'BAD_REQUEST'],
    ['/api/jobs?sort=title', 400, 'BAD_REQUEST'],
    [`/api/jobs?companyId=${'x'.repeat(129)}`, 400, 'BAD_REQUEST'],
    ['/api/jobs?companyId=k1', 400, 'BAD_REQUEST'],
    ['/api/jobs?companyId=nobody', 404, 'NOT_FOUND']
  ]
  for (const [url, status, code] of cases) {
    const res = await as.k1('GET', url)
    t.equal(res.statusCode, status, url)
    t.equal(res.json().code, code, url)
  }
})

t.test('GET /api/jobs/:id: 200 for anyone, 404 unknown, 400 malformed', async (t) => {
  const job = await postJob('read me')

  for (const user of ['coA', 'coB', 'k1', 'adm'] as const) {
    const res = await as[user]('GET', `/api/jobs/${job.id}`)
    t.same(res.json(), job, user)
  }
  t.equal((await as.k1('GET', `/api/jobs/${UNKNOWN}`)).json().code, 'NOT_FOUND')
  t.equal((await as.k1('GET', '/api/jobs/not-a-uuid')).json().code, 'BAD_REQUEST')
  t.equal((await as.k1('GET', `/api/jobs/${job.id.toUpperCase()}`)).json().id, job.id)
})

t.test('PATCH /api/jobs/:id changes the owner\'s job', async (t) => {
  const job = await postJob('draft')

  const res = await as.coA('PATCH', `/api/jobs/${job.id}`, {
    title: 'final', description: 'longer', location: 'Paris', status: 'closed'
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    id: job.id, title: 'final', description: 'longer', location: 'Paris', status: 'closed'
  })
  t.equal(res.json().createdAt, job.createdAt)
  t.ok(res.json().updatedAt > job.updatedAt)

  const reopened = await as.coA('PATCH', `/api/jobs/${job.id}`, { status: 'open', location: null })
  t.match(reopened.json(), { title: 'final', status: 'open', location: null })
  t.same((await as.k1('GET', `/api/jobs/${job.id}`)).json(), reopened.json())
})

t.test('PATCH /api/jobs/:id: 403 not yours, 404 unknown, 400 malformed or bad body', async (t) => {
  const job = await postJob('guarded')
  const change = { title: 'stolen' }

  t.equal((await as.coB('PATCH', `/api/jobs/${job.id}`, change)).statusCode, 403)
  t.equal((await as.k1('PATCH', `/api/jobs/${job.id}`, change)).statusCode, 403)
  t.equal((await as.adm('PATCH', `/api/jobs/${job.id}`, change)).statusCode, 403)
  t.equal((await as.coA('PATCH', `/api/jobs/${UNKNOWN}`, change)).json().code, 'NOT_FOUND')
  t.equal((await as.coA('PATCH', '/api/jobs/123', change)).json().code, 'BAD_REQUEST')

  const bad = [{}, { status: 'archived' }, { title: '' }, { companyId: 'coB' }, { title: null }]
  for (const body of bad) {
    const res = await as.coA('PATCH', `/api/jobs/${job.id}`, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
  }

  t.equal((await as.k1('GET', `/api/jobs/${job.id}`)).json().title, 'guarded')
})

t.test('DELETE /api/jobs/:id removes the job and its applications, keeps conversations', async (t) => {
  const job = await postJob('short lived')
  const applied = await as.k1('POST', `/api/jobs/${job.id}/applications`)
  const opened = await as.coA('POST', '/api/conversations', { candidateId: 'k1', jobId: job.id })
  const conversation = opened.json()
  const messagesUrl = `/api/conversations/${conversation.id}/messages`
  await as.coA('POST', messagesUrl, { content: 'hi', clientMsgId: 'd1' })

  t.equal((await as.coB('DELETE', `/api/jobs/${job.id}`)).statusCode, 403)
  t.equal((await as.k1('DELETE', `/api/jobs/${job.id}`)).statusCode, 403)
  t.equal((await as.coA('DELETE', `/api/jobs/${UNKNOWN}`)).statusCode, 404)
  t.equal((await as.coA('DELETE', '/api/jobs/nope')).statusCode, 400)

  const res = await as.coA('DELETE', `/api/jobs/${job.id}`)
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')

  t.equal((await as.k1('GET', `/api/jobs/${job.id}`)).statusCode, 404)
  t.equal((await as.coA('DELETE', `/api/jobs/${job.id}`)).statusCode, 404)
  const rows = await testApp.app.db.query(
    'select id from applications where id = $1', [applied.json().id])
  t.equal(rows.length, 0)

  const kept = await as.k1('GET', `/api/conversations/${conversation.id}`)
  t.equal(kept.statusCode, 200)
  t.match(kept.json(), { id: conversation.id, jobId: null, lastSeq: 1 })
  const messages = await as.k1('GET', messagesUrl)
  t.same(messages.json().items.map((m: { content: string }) => m.content), ['hi'])
})
