import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const body = { openJobs: 3, applicationsByStatus: { applied: 2 }, note: 'caf\u00e9' }

t.test('with BENCH_ROUTES=true', async (t) => {
  const { app, auth } = await buildTestApp(t, { env: { BENCH_ROUTES: 'true' } })

  t.test('GET /bench/bare answers the bytes last stored by PUT', async (t) => {
    const put = await app.inject({
      method: 'PUT', url: '/bench/bare', headers: auth('adm', 'admin'), payload: body
    })
    t.equal(put.statusCode, 204)

    const headers = auth('co1', 'company')
    const res = await app.inject({ method: 'GET', url: '/bench/bare', headers })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(res.body, JSON.stringify(body))
  })

  t.test('GET /bench/bare needs a token', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/bench/bare' })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'UNAUTHENTICATED')
  })

  t.test('PUT /bench/bare is for administrators', async (t) => {
    const res = await app.inject({
      method: 'PUT', url: '/bench/bare', headers: auth('co1', 'company'), payload: body
    })
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'FORBIDDEN')
  })
})

t.test('without BENCH_ROUTES the bench routes do not exist', async (t) => {
  const { app, auth } = await buildTestApp(t)

  const headers = auth('co1', 'company')
  const res = await app.inject({ method: 'GET', url: '/bench/bare', headers })
  t.equal(res.statusCode, 404)
})
