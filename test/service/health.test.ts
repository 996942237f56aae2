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

test('GET /metrics exposes Prometheus text without a token', async (t) => {
  const { app } = await buildTestApp(t)
  await app.inject({ method: 'GET', url: '/health' })

  const res = await app.inject({ method: 'GET', url: '/metrics' })

  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  for (const name of ['ws_sockets', 'ws_frames_in_total', 'ws_frames_out_total',
    'message_delivery_latency_seconds', 'cache_hits_total', 'cache_misses_total',
    'redis_up', 'http_request_duration_seconds']) {
    t.match(res.body, new RegExp(`^# TYPE ${name} `, 'm'), name)
  }
  t.match(res.body, /http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 1/)
})
