import t from 'tap'
import { caller } from '../helpers/api.js'
import { TestSocket } from '../helpers/ws-client.js'
import { hubFixture, hubIdle } from './fixture.js'

const fx = await hubFixture(t, {
  env: { WS_FRAME_LIMIT: '100000', WS_SEND_LIMIT: '1000', HEARTBEAT_MS: '2000' }
})
const { conversationId } = fx
const adm = caller(fx.testApp, 'adm')
const zero = {
  sockets: 0, users: 0, rooms: 0, channels: 0, timers: 0, listeners: 0, waiters: 0
}
const join = { type: 'join', conversationId }
const leave = { type: 'leave', conversationId }

t.test('2,000 sockets that join and leave leave every hub counter at zero', async (t) => {
  const users = ['coA', 'k1'] as const
  let peak = 0

  for (let batch = 0; batch < 10; batch++) {
    const sockets = await Promise.all(Array.from({ length: 200 }, async (_, i) =>
      await TestSocket.ready(t, fx.baseUrl, fx.tokenOf(users[i % 2]))))
    await Promise.all(sockets.map(async (s) => await s.ok(join)))
    peak = Math.max(peak, fx.testApp.app.hub.stats().sockets)

    // Half leave first, half are closed while joined.
    await Promise.all(sockets.slice(0, 100).map(async (s) => await s.ok(leave)))
    for (const s of sockets) s.close()
    await Promise.all(sockets.map(async (s) => await s.closed))
  }

  t.equal(peak, 200)
  t.same(await hubIdle(fx.testApp), zero)

  const stats = await adm('GET', '/api/websocket/stats')
  t.match(stats.json(), { connectedUsers: 0, totalSockets: 0, rooms: 0 })
})

t.test('a socket that does not answer pings is dropped; one that does is kept', async (t) => {
  const token = fx.tokenOf('k2')
  const silent = await TestSocket.open(t, fx.baseUrl, { token })
  silent.ws.pong = () => {}
  ;(silent.ws as unknown as { _autoPong: boolean })._autoPong = false
  const lively = await TestSocket.ready(t, fx.baseUrl, token)

  const closed = await silent.closed
  t.equal(closed.code, 1006, 'terminated without a close frame')
  t.equal((await lively.request({ type: 'ping' })).type, 'pong')
  t.equal(fx.testApp.app.hub.stats().sockets, 1)
})

t.test('a long-poll answers as soon as a message is published', async (t) => {
  const a = await fx.socket(t, 'coA')
  const lastSeq = (await a.ok({ type: 'join', conversationId })).lastSeq

  const poll = longPoll(lastSeq, 20_000)
  await waitUntil(() => fx.testApp.app.hub.stats().waiters === 1)

  await a.ok({ type: 'send', conversationId, content: 'wake up', clientMsgId: 'lp-1' })
  const res = await poll
  t.equal(res.status, 200)
  t.same((await res.json()).items.map((m: { seq: number }) => m.seq), [lastSeq + 1])
  t.equal(fx.testApp.app.hub.stats().waiters, 0)
})

t.test('a long-poll ends empty at waitMs and when its client goes away', async (t) => {
  const lastSeq = await fx.testApp.app.hub.options.queries.lastSeq(conversationId)

  const res = await longPoll(lastSeq, 300)
  t.same((await res.json()).items, [])

  const abort = new AbortController()
  const gone = longPoll(lastSeq, 20_000, abort.signal).catch(() => 'aborted')
  await waitUntil(() => fx.testApp.app.hub.stats().waiters === 1)
  abort.abort()
  t.equal(await gone, 'aborted')
  await waitUntil(() => fx.testApp.app.hub.stats().waiters === 0)
  t.same(await hubIdle(fx.testApp), zero)
})

t.test('closing the app closes every socket with 1001 and answers long-polls at once', async (t) => {
  const other = await hubFixture(t)
  const sockets = await Promise.all(['coA', 'k1', 'k1'].map(async (user) =>
    await TestSocket.ready(t, other.baseUrl, other.tokenOf(user as 'coA' | 'k1'))))
  await sockets[1].ok({ type: 'join', conversationId: other.conversationId })

  const path = `/api/conversations/${other.conversationId}/messages`
  const url = `${other.baseUrl}${path}?afterSeq=0&waitMs=30000`
  const poll = fetch(url, { headers: { authorization: `Bearer ${other.tokenOf('k1')}` } })
  await waitUntil(() => other.testApp.app.hub.stats().waiters === 1)

  const started = Date.now()
  const closing = other.testApp.app.close()
  const res = await poll
  t.same((await res.json()).items, [])
  t.ok(Date.now() - started < 5000, 'answered before the wait ended')

  const codes = await Promise.all(sockets.map(async (s) => (await s.closed).code))
  t.same(codes, [1001, 1001, 1001])
  await closing
  t.ok(Date.now() - started < 10_000, 'the close finished within the shutdown budget')
  t.same(other.testApp.app.hub.stats(), zero)
})

async function longPoll (afterSeq: number, waitMs: number, signal?: AbortSignal) {
  const path = `/api/conversations/${conversationId}/messages`
  const url = `${fx.baseUrl}${path}?afterSeq=${afterSeq}&waitMs=${waitMs}`
  const headers = { authorization: `Bearer ${fx.tokenOf('k1')}` }
  return await fetch(url, { headers, signal })
}

async function waitUntil (check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
