import { randomUUID } from 'node:crypto'
import t from 'tap'
import { callers, type ApiCaller } from '../helpers/api.js'
import { hubFixture, hubIdle } from './fixture.js'

const fx = await hubFixture(t)
const { conversationId } = fx
const as = callers(fx.testApp)
const { instanceId } = fx.testApp.config
const SEND_TO_USER = '/api/websocket/send-to-user'
const BROADCAST = '/api/websocket/broadcast'

async function status (call: ApiCaller, url: string, body: unknown): Promise<number> {
  return (await call('POST', url, body)).statusCode
}

t.test('stats count users, sockets and rooms, cluster-wide and per instance', async (t) => {
  await hubIdle(fx.testApp)
  await fx.joined(t, 'coA')
  await fx.socket(t, 'coA')
  await fx.joined(t, 'k1')

  const res = await as.adm('GET', '/api/websocket/stats')
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    connectedUsers: 2,
    totalSockets: 3,
    rooms: 1,
    instances: [{ instanceId, connectedUsers: 2, totalSockets: 3, rooms: 1 }]
  })

  t.equal((await as.coA('GET', '/api/websocket/stats')).statusCode, 403)
  const url = '/api/websocket/stats'
  const anonymous = await fx.testApp.app.inject({ method: 'GET', url })
  t.equal(anonymous.statusCode, 401)
})

t.test('online users are listed, sorted and paged', async (t) => {
  await hubIdle(fx.testApp)
  await fx.socket(t, 'k2')
  await fx.socket(t, 'coA')
  await fx.socket(t, 'coA')

  const all = await as.adm('GET', '/api/websocket/online-users')
  t.same(all.json(), {
    items: [{ userId: 'coA' }, { userId: 'k2' }], page: 1, pageSize: 20, total: 2
  })

  const second = await as.adm('GET', '/api/websocket/online-users?page=2&pageSize=1')
  t.same(second.json(), { items: [{ userId: 'k2' }], page: 2, pageSize: 1, total: 2 })
  t.equal((await as.k2('GET', '/api/websocket/online-users')).statusCode, 403)
})

t.test('user status: administrators, the user, and users sharing a conversation', async (t) => {
  await hubIdle(fx.testApp)
  const k = await fx.socket(t, 'k1')

  const res = await as.coA('GET', '/api/websocket/user/k1/status')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { userId: 'k1', online: true, lastSeenAt: null })
  t.equal((await as.adm('GET', '/api/websocket/user/k1/status')).statusCode, 200)
  t.equal((await as.k1('GET', '/api/websocket/user/k1/status')).statusCode, 200)
  t.equal((await as.k2('GET', '/api/websocket/user/k1/status')).json().code, 'FORBIDDEN')
  const unknown = await as.adm('GET', '/api/websocket/user/nobody/status')
  t.equal(unknown.json().code, 'NOT_FOUND')

  k.close()
  await k.closed
  await hubIdle(fx.testApp)
  const offline = (await as.coA('GET', '/api/websocket/user/k1/status')).json()
  t.equal(offline.online, false)
  t.match(offline.lastSeenAt, /^\d{4}-\d\d-\d\dT/)
})

t.test('send-to-user delivers a broadcast frame to every socket of that user only', async (t) => {
  const k = await fx.socket(t, 'k1')
  const kTab = await fx.joined(t, 'k1')
  const other = await fx.socket(t, 'coA')
  const payload = { kind: 'notice', text: 'maintenance at noon' }

  const res = await as.adm('POST', SEND_TO_USER, { userId: 'k1', payload })
  t.same(res.json(), { userId: 'k1', online: true })
  for (const s of [k, kTab]) {
    t.same(await s.next((f) => f.type === 'broadcast'), { type: 'broadcast', payload })
  }
  await other.barrier()
  t.equal(other.frames.filter((f) => f.type === 'broadcast').length, 0)

  t.equal(await status(as.adm, SEND_TO_USER, { userId: 'nobody', payload }), 404)
  t.equal(await status(as.coA, SEND_TO_USER, { userId: 'k1', payload }), 403)
  t.equal(await status(as.adm, SEND_TO_USER, { userId: 'k1' }), 400)
})

t.test('broadcast reaches every socket, or only those joined to a conversation', async (t) => {
  const joined = await fx.joined(t, 'k1')
  const idle = await fx.socket(t, 'k2')

  await as.adm('POST', BROADCAST, { payload: 'everyone' })
  for (const s of [joined, idle]) await s.next((f) => f.payload === 'everyone')

  const res = await as.adm('POST', BROADCAST, { payload: [1, 2], conversationId })
  t.same(res.json(), { conversationId })
  const toConversation = await joined.next((f) => Array.isArray(f.payload))
  t.same(toConversation, { type: 'broadcast', payload: [1, 2] })
  await idle.barrier()
  t.equal(idle.frames.filter((f) => f.type === 'broadcast').length, 1)

  const unknown = randomUUID()
  t.equal(await status(as.adm, BROADCAST, { payload: 1, conversationId: unknown }), 404)
  t.equal(await status(as.adm, BROADCAST, { payload: 1, conversationId: 'nope' }), 400)
})

t.test('disconnect-user closes every socket of the user with 4000', async (t) => {
  const sockets = [await fx.socket(t, 'k2'), await fx.socket(t, 'k2')]
  const witness = await fx.socket(t, 'k1')

  const body = { userId: 'k2', reason: 'account review' }
  const res = await as.adm('POST', '/api/websocket/disconnect-user', body)
  t.same(res.json(), { userId: 'k2', online: true })

  for (const s of sockets) t.same(await s.closed, { code: 4000, reason: body.reason })
  t.equal((await witness.request({ type: 'ping' })).type, 'pong')
})

t.test('health needs no token', async (t) => {
  const res = await fx.testApp.app.inject({ method: 'GET', url: '/api/websocket/health' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    status: 'ok',
    broker: process.env.REDIS_URL ? 'redis' : 'memory',
    brokerConnected: true,
    sockets: Number
  })
})

t.test('a user id that cannot exist is 400 BAD_REQUEST on every user route', async (t) => {
  const nul = '\u0000'
  const calls = [
    await as.adm('GET', '/api/websocket/user/%00/status'),
    await as.adm('POST', SEND_TO_USER, { userId: nul, payload: 'x' }),
    await as.adm('POST', '/api/websocket/disconnect-user', { userId: nul })
  ]

  for (const res of calls) {
    t.equal(res.statusCode, 400)
    t.equal(res.json().code, 'BAD_REQUEST')
  }
})
