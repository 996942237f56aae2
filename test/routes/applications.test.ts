import t from 'tap'
import { jobGoneIsNotFound } from '../../src/db/queries/jobs.js'
import { applications } from '../../src/db/schema.js'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const { jobId } = await setupS(testApp)
await as.adm('GET', '/api/notifications')
const other = (await as.coA('POST', '/api/jobs', { title: 'Frontend dev', description: 'y' })).json()
const foreign = (await as.coB('POST', '/api/jobs', { title: 'Elsewhere', description: 'z' })).json()

t.test('a candidate applies once to an open job', async (t) => {
  const res = await as.k1('POST', `/api/jobs/${jobId}/applications`)

  t.equal(res.statusCode, 201)
  const application = res.json()
  t.same(Object.keys(application).sort(),
    ['candidateId', 'createdAt', 'id', 'jobId', 'status', 'updatedAt'])
  t.match(application, { jobId, candidateId: 'k1', status: 'applied' })
  t.equal(application.createdAt, new Date(application.createdAt).toISOString())

  const again = await as.k1('POST', `/api/jobs/${jobId}/applications`)
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'CONFLICT')
})

t.test('applying: 409 closed job, 404 unknown, 400 malformed, 403 other roles', async (t) => {
  const closed = (await as.coA('POST', '/api/jobs', { title: 'Closed', description: 'c' })).json()
  await as.coA('PATCH', `/api/jobs/${closed.id}`, { status: 'closed' })

  const cases: Array<[keyof typeof as, string, number, string]> = [
    ['k2', `/api/jobs/${closed.id}/applications`, 409, 'CONFLICT'],
    ['k2', `/api/jobs/${UNKNOWN}/applications`, 404, 'NOT_FOUND'],
    ['k2', '/api/jobs/zzz/applications', 400, 'BAD_REQUEST'],
    ['coA', `/api/jobs/${jobId}/applications`, 403, 'FORBIDDEN'],
    ['adm', `/api/jobs/${jobId}/applications`, 403, 'FORBIDDEN']
  ]
  for (const [user, url, status, code] of cases) {
    const res = await as[user]('POST', url)
    t.equal(res.statusCode, status, `${user} ${url}`)
    t.equal(res.json().code, code)
  }
})

t.test('GET /api/company/candidates lists applicants to the company\'s own jobs', async (t) => {
  const k2 = (await as.k2('POST', `/api/jobs/${jobId}/applications`)).json()
  const k2other = (await as.k2('POST', `/api/jobs/${other.id}/applications`)).json()
  await as.k1('POST', `/api/jobs/${foreign.id}/applications`)

  const all = await as.coA('GET', '/api/company/candidates')
  t.equal(all.statusCode, 200)
  t.match(all.json(), { page: 1, pageSize: 20, total: 3 })
  t.same(all.json().items.map((a: { id: string }) => a.id).slice(0, 2), [k2other.id, k2.id])
  t.match(all.json().items[0], {
    jobId: other.id, jobTitle: 'Frontend dev', candidateId: 'k2', status: 'applied'
  })

  const forJob = await as.coA('GET', `/api/company/candidates?jobId=${jobId}`)
  t.same(forJob.json().items.map((a: { candidateId: string }) => a.candidateId), ['k2', 'k1'])

  const coB = await as.coB('GET', '/api/company/candidates')
  t.same(coB.json().items.map((a: { jobId: string }) => a.jobId), [foreign.id])
})

t.test('candidates: 403 foreign job or role, 404 unknown job, 400 bad query', async (t) => {
  const cases: Array<[keyof typeof as, string, number, string]> = [
    ['coA', `/api/company/candidates?jobId=${foreign.id}`, 403, 'FORBIDDEN'],
    ['coA', `/api/company/candidates?jobId=${UNKNOWN}`, 404, 'NOT_FOUND'],
    ['coA', '/api/company/candidates?jobId=1', 400, 'BAD_REQUEST'],
    ['coA', '/api/company/candidates?status=maybe', 400, 'BAD_REQUEST'],
    ['coA', '/api/company/candidates?pageSize=1000', 400, 'BAD_REQUEST'],
    ['k1', '/api/company/candidates', 403, 'FORBIDDEN'],
    ['adm', '/api/company/candidates', 403, 'FORBIDDEN']
  ]
  for (const [user, url, status, code] of cases) {
    const res = await as[user]('GET', url)
    t.equal(res.statusCode, status, `${user} ${url}`)
    t.equal(res.json().code, code)
  }
})

t.test('PATCH /api/applications/:id moves an application along for the owning company', async (t) => {
  const list = (await as.coA('GET', `/api/company/candidates?jobId=${jobId}`)).json()
  const application = list.items.find((a: { candidateId: string }) => a.candidateId === 'k1')

  for (const status of ['reviewing', 'interview', 'hired']) {
    const res = await as.coA('PATCH', `/api/applications/${application.id}`, { status })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { id: application.id, jobId, candidateId: 'k1', status })
  }

  const filtered = await as.coA('GET', '/api/company/candidates?status=hired')
  t.same(filtered.json().items.map((a: { id: string }) => a.id), [application.id])
})

t.test('PATCH /api/applications/:id: 403 not yours, 404 unknown, 400 bad input', async (t) => {
  const [row] = await testApp.app.db.query<{ id: string }>(
    'select id from applications where job_id = $1', [foreign.id])
  const mine = (await as.coA('GET', '/api/company/candidates')).json().items[0]

  const cases: Array<[keyof typeof as, string, unknown, number, string]> = [
    ['coA', `/api/applications/${row.id}`, { status: 'rejected' }, 403, 'FORBIDDEN'],
    ['k1', `/api/applications/${mine.id}`, { status: 'hired' }, 403, 'FORBIDDEN'],
    ['coA', `/api/applications/${UNKNOWN}`, { status: 'rejected' }, 404, 'NOT_FOUND'],
    ['coA', '/api/applications/x', { status: 'rejected' }, 400, 'BAD_REQUEST'],
    ['coA', `/api/applications/${mine.id}`, { status: 'accepted' }, 400, 'BAD_REQUEST'],
    ['coA', `/api/applications/${mine.id}`, {}, 400, 'BAD_REQUEST'],
    ['coA', `/api/applications/${mine.id}`, { status: 'hired', jobId }, 400, 'BAD_REQUEST']
  ]
  for (const [user, url, body, status, code] of cases) {
    const res = await as[user]('PATCH', url, body)
    t.equal(res.statusCode, status, `${user} ${url} ${JSON.stringify(body)}`)
    t.equal(res.json().code, code)
  }
})

t.test('an insert whose job was deleted after the check is 404, not a database error', async (t) => {
  const insert = testApp.app.db.db.insert(applications)
    .values({ jobId: UNKNOWN, candidateId: 'k1' })
    .returning()

  await t.rejects(insert.catch(jobGoneIsNotFound), { code: 'NOT_FOUND', statusCode: 404 })
})
