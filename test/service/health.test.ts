import { test } from 'tap'
import { buildTestApp } from '../helpers/app.js'

test('GET /health answers without a token', async (t) => {
  const { app } = await buildTestApp(t)

  const res = await app.inject({ method: 'GET', url: '/health' })

  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'ok')
})

test('GET /ready reports PostgreSQL up and Redis state', async (t) => {
  const { app } = await buildTestApp(t)

  const res = await app.inject({ method: 'GET', url: '/ready' })

  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    status: 'ok',
    postgres: 'up',
    redis: process.env.REDIS_URL ? 'up' : 'disabled'
  })
})

test('an unknown route is 404 NOT_FOUND in the error shape', async (t) => {
  const { app } = await buildTestApp(t)

  const res = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: {} })

  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
})

test('GET /docs/json serves the OpenAPI document without a token', async (t) => {
  const { app } = await buildTestApp(t)

  const res = await app.inject({ method: 'GET', url: '/docs/json' })

  t.equal(res.statusCode, 200)
  t.equal(res.json().openapi, '3.0.3')
  t.ok(res.json().paths['/health'])
  t.ok(res.json().paths['/api/me'])
})
