import t from 'tap'
import { CloseCodes } from '../../src/errors.js'
import { TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

const fx = await hubFixture(t)
const { baseUrl, conversationId } = fx
const UUID = /^[0-9a-f-]{36}$/
const shortLived = (sub: string, expiresInSeconds: number) =>
  fx.testApp.token(sub, 'candidate', { expiresInSeconds })

t.test('a header token gets ready with the session figures', async (t) => {
  const before = Date.now()
  const s = await TestSocket.ready(t, baseUrl, fx.tokenOf('coA'))
  const ready = s.frames[0]

  t.equal(ready.type, 'ready')
  t.equal(ready.userId, 'coA')
  t.match(ready.sessionId, UUID)
  t.equal(ready.heartbeatMs, fx.testApp.config.heartbeatMs)
  t.ok(Date.parse(ready.serverTime) >= before - 1000)
  t.equal(ready.unreadNotifications, 0)
  t.same(Object.keys(ready).sort(),
    ['heartbeatMs', 'serverTime', 'sessionId', 'type', 'unreadNotifications', 'userId'])
})

t.test('ready counts the unread notifications stored while offline', async (t) => {
  const res = await fx.testApp.app.inject({
    method: 'POST',
    url: `/api/conversations/${conversationId}/messages`,
    headers: { authorization: `Bearer ${fx.tokenOf('coA')}` },
    payload: { content: 'while you were away', clientMsgId: 'offline-1' }
  })
  t.equal(res.statusCode, 201)

  const s = await TestSocket.ready(t, baseUrl, fx.tokenOf('k1'))
  t.equal(s.frames[0].unreadNotifications, 1)
})

t.test('a ?token= query parameter authenticates a browser socket', async (t) => {
  const s = await TestSocket.open(t, baseUrl, { queryToken: fx.tokenOf('k2') })
  const ready = await s.next((f) => f.type === 'ready')
  t.equal(ready.userId, 'k2')
})

t.test('a first auth frame authenticates: ack, then ready', async (t) => {
  const s = await TestSocket.open(t, baseUrl)
  s.send({ type: 'auth', id: 'a1', token: fx.tokenOf('coA') })
  s.send({ type: 'ping', id: 'early' })

  await s.next((f) => f.type === 'pong')
  t.same(s.frames.map((f) => f.type), ['ack', 'ready', 'pong'])
  t.equal(s.frames[0].id, 'a1')
  t.equal(s.frames[1].userId, 'coA')
  t.equal(s.frames[2].id, 'early')
})

t.test('a first auth frame without id gets ready alone', async (t) => {
  const s = await TestSocket.open(t, baseUrl)
  s.send({ type: 'auth', token: fx.tokenOf('k1') })
  await s.next((f) => f.type === 'ready')
  t.same(s.frames.map((f) => f.type), ['ready'])
})

t.test('a bad first-frame token gets UNAUTHENTICATED, then close 4401', async (t) => {
  const s = await TestSocket.open(t, baseUrl)
  s.send({ type: 'auth', id: 'bad', token: 'not-a-jwt' })

  const closed = await s.closed
  const answers = s.frames.map((f) => [f.type, f.id, f.code])
  t.same(answers, [['error', 'bad', 'UNAUTHENTICATED']])
  t.equal(closed.code, CloseCodes.UNAUTHENTICATED.code)
})

t.test('any other frame before authentication closes 4401', async (t) => {
  for (const first of ['{"type":"ping","id":"p"}', 'not json', '{"type":"auth"}',
    JSON.stringify({ type: 'join', conversationId })]) {
    const s = await TestSocket.open(t, baseUrl)
    s.send(first)
    t.equal((await s.closed).code, 4401, first)
    t.same(s.frames, [], first)
  }
})

t.test('no auth within 5 s closes 4408', async (t) => {
  const s = await TestSocket.open(t, baseUrl)
  const closed = await s.closed
  t.equal(closed.code, CloseCodes.AUTH_TIMEOUT.code)
  t.same(s.frames, [])
})

t.test('a bad header or query token is refused with 401 before the upgrade', async (t) => {
  const expired = fx.testApp.token('coA', 'company', { expiresInSeconds: -10 })
  const cases = {
    garbage: { token: 'garbage' },
    expired: { token: expired },
    'not bearer': { headers: { authorization: `Basic ${expired}` } },
    'query garbage': { queryToken: 'garbage' },
    'query expired': { queryToken: expired },
    'empty query': { queryToken: '' },
    // coA is recorded as a company; a token naming it a candidate is refused.
    'recorded role differs': { token: fx.testApp.token('coA', 'candidate') }
  }

  for (const [name, options] of Object.entries(cases)) {
    t.equal(await TestSocket.refusedStatus(baseUrl, options), 401, name)
  }
})

t.test('the header wins over the query token', async (t) => {
  const options = { token: fx.tokenOf('coA'), queryToken: fx.tokenOf('k1') }
  const s = await TestSocket.open(t, baseUrl, options)
  t.equal((await s.next((f) => f.type === 'ready')).userId, 'coA')
})

t.test('a recorded role mismatch in the first frame is refused like a bad token', async (t) => {
  const s = await TestSocket.open(t, baseUrl)
  s.send({ type: 'auth', id: 'x', token: fx.testApp.token('k1', 'company') })
  t.equal((await s.closed).code, 4401)
  t.equal(s.frames[0].code, 'UNAUTHENTICATED')
})

t.test('auth again refreshes for the same user and role only', async (t) => {
  const s = await TestSocket.ready(t, baseUrl, fx.tokenOf('coA'))

  const fresh = await s.request({ type: 'auth', id: 'again', token: fx.tokenOf('coA') })
  t.same(fresh, { type: 'ack', id: 'again' })

  const otherUser = await s.request({ type: 'auth', token: fx.tokenOf('coB') })
  t.equal(otherUser.code, 'FORBIDDEN')
  const adminToken = fx.testApp.token('coA', 'admin')
  const otherRole = await s.request({ type: 'auth', token: adminToken })
  t.equal(otherRole.code, 'FORBIDDEN')
  const bad = await s.request({ type: 'auth', token: 'garbage' })
  t.equal(bad.code, 'UNAUTHENTICATED')

  const joined = await s.ok({ type: 'join', conversationId })
  t.equal(joined.conversationId, conversationId, 'still coA after the refusals')
  t.ok(s.isOpen)
})

t.test('a token that expires closes the socket with 4401', async (t) => {
  const s = await TestSocket.ready(t, baseUrl, shortLived('k2', 2))
  const closed = await s.closed
  t.equal(closed.code, 4401)
  t.equal(closed.reason, 'token expired')
})

t.test('a refreshed token keeps the socket open past the first expiry', async (t) => {
  const s = await TestSocket.ready(t, baseUrl, shortLived('k2', 2))
  await s.ok({ type: 'auth', token: shortLived('k2', 60) })

  await new Promise((resolve) => setTimeout(resolve, 3000))
  t.equal((await s.request({ type: 'ping' })).type, 'pong')
})

t.test('ping gets pong with serverTime, with or without an id', async (t) => {
  const s = await TestSocket.ready(t, baseUrl, fx.tokenOf('coB'))

  const pong = await s.request({ type: 'ping', id: 'p1' })
  t.same(Object.keys(pong).sort(), ['id', 'serverTime', 'type'])
  t.match(pong.serverTime, /^\d{4}-\d\d-\d\dT/)

  s.send({ type: 'ping' })
  const bare = await s.next((f) => f.type === 'pong' && f.id === undefined)
  t.same(Object.keys(bare).sort(), ['serverTime', 'type'])
})
