import { test } from 'tap'
import { buildTestApp } from '../helpers/app.js'

test('HTTP requests over HTTP_RATE_LIMIT per user get 429 RATE_LIMITED', async (t) => {
  const { app, auth } = await buildTestApp(t, { env: { HTTP_RATE_LIMIT: '3' } })
  const me = async (user: string) => await app.inject({ method: 'GET', url: '/api/me', headers: auth(user, 'candidate') })

  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await me('kim')).statusCode)
  const limited = await me('kim')
  const other = await me('lee')

  t.same(statuses, [200, 200, 200, 429])
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.equal(limited.json().error, 'Too Many Requests')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After is set')
  t.equal(other.statusCode, 200, 'another user keeps their own budget')
})

test('/health is never rate limited', async (t) => {
  const { app } = await buildTestApp(t, { env: { HTTP_RATE_LIMIT: '1' } })

  const codes = []
  for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'GET', url: '/health' })).statusCode)

  t.same(codes, [200, 200, 200, 200, 200])
})
