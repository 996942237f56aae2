import t from 'tap'
import { caller } from '../helpers/api.js'
import { TestSocket, type Frame } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

const fx = await hubFixture(t, { env: { WS_SEND_LIMIT: '1000', WS_FRAME_LIMIT: '1000' } })
const { conversationId } = fx
const coB = caller(fx.testApp, 'coB')

// coB talks to k2 about two jobs: two conversations with the same pair.
const jobs = await Promise.all(['one', 'two'].map(async (title) =>
  (await coB('POST', '/api/jobs', { title, description: 'x' })).json().id as string))
const [withK2, alsoWithK2] = await Promise.all(jobs.map(async (jobId) => {
  const res = await coB('POST', '/api/conversations', { candidateId: 'k2', jobId })
  return res.json().id as string
}))

const ofType = (s: TestSocket, type: string) => s.frames.filter((f) => f.type === type)

t.test('the join ack reports the conversation, the read mark and who is online', async (t) => {
  const k = await fx.socket(t, 'k1')
  const a = await fx.socket(t, 'coA')
  await a.ok({ type: 'send', conversationId, content: 'one', clientMsgId: 'ack-1' })
  await k.ok({ type: 'read', conversationId, upToSeq: 1 })

  t.same(await a.ok({ type: 'join', conversationId }), {
    conversationId, lastSeq: 1, lastReadSeq: 0, online: ['k1'], truncated: false
  })
  t.same(await k.ok({ type: 'join', conversationId }), {
    conversationId, lastSeq: 1, lastReadSeq: 1, online: ['coA'], truncated: false
  })

  const alone = await fx.socket(t, 'coB')
  const ack = await alone.ok({ type: 'join', conversationId: withK2 })
  t.same(ack.online, [], 'k2 offline')
})

t.test('join without afterSeq replays nothing; with it, every later message in order', async (t) => {
  const a = await fx.socket(t, 'coA')
  for (let i = 0; i < 3; i++) {
    await a.sendMessage(conversationId, `replay-${i}`)
  }
  const last = (await a.ok({ type: 'join', conversationId })).lastSeq
  await a.barrier()
  t.same(a.messages(), [], 'no replay without afterSeq')

  const k = await fx.socket(t, 'k1')
  await k.ok({ type: 'join', conversationId, afterSeq: last - 2 })
  await k.barrier()
  t.same(k.messages().map((f) => f.message.seq), [last - 1, last])

  const ackAt = k.frames.findIndex((f) => f.type === 'ack')
  const firstReplay = k.frames.findIndex((f) => f.type === 'message')
  t.ok(ackAt < firstReplay, 'the ack comes before the replay')
})

t.test('a replay stops at 500 messages and says truncated', async (t) => {
  const store = fx.testApp.app.chat.store
  await Promise.all(Array.from({ length: 510 }, async (_, i) => await store.insert({
    conversationId: alsoWithK2,
    senderId: 'coB',
    content: `bulk ${i}`,
    clientMsgId: `bulk-${i}`,
    notifyUserId: null
  })))

  const k = await fx.socket(t, 'k2')
  const result = await k.ok({ type: 'join', conversationId: alsoWithK2, afterSeq: 0 })
  t.equal(result.truncated, true)
  t.equal(result.lastSeq, 510)

  const replayed = await k.count((f) => f.type === 'message', 500)
  await k.barrier()
  const first500 = Array.from({ length: 500 }, (_, i) => i + 1)
  t.same(k.messages().map((f) => f.message.seq), first500)
  t.equal(replayed.length, 500)

  const near = await fx.socket(t, 'k2')
  const close = await near.ok({ type: 'join', conversationId: alsoWithK2, afterSeq: 10 })
  t.equal(close.truncated, false)
})

t.test("joined and left describe a user's first and last socket, to the other user", async (t) => {
  const a = await fx.joined(t, 'coB', withK2)
  const aTab = await fx.joined(t, 'coB', withK2)
  const k = await fx.socket(t, 'k2')
  const kTab = await fx.socket(t, 'k2')

  await k.ok({ type: 'join', conversationId: withK2 })
  await kTab.ok({ type: 'join', conversationId: withK2 })
  await k.ok({ type: 'join', conversationId: withK2 })
  for (const s of [a, aTab, k, kTab]) await s.barrier()

  const joined = { type: 'joined', conversationId: withK2, userId: 'k2' }
  t.same(ofType(a, 'joined'), [joined], 'one joined however many sockets and rejoins')
  t.same(ofType(aTab, 'joined'), [joined])
  t.same(ofType(k, 'joined'), [], 'not to the user who joined')

  await k.ok({ type: 'leave', conversationId: withK2 })
  await a.barrier()
  t.same(ofType(a, 'left'), [], 'another socket of k2 is still joined')

  kTab.close()
  const left = await a.next((f) => f.type === 'left')
  t.same(left, { type: 'left', conversationId: withK2, userId: 'k2' },
    'closing the last joined socket leaves')

  const again = await k.request({ type: 'leave', id: 'l2', conversationId: withK2 })
  t.same(again, { type: 'ack', id: 'l2' }, 'leaving when not joined is acknowledged')
})

t.test('a socket that left gets nothing more from the conversation', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')
  await k.ok({ type: 'leave', conversationId })

  await a.sendMessage(conversationId, 'after-leave')
  await k.barrier()
  t.same(k.messages(), [])
  t.equal(ofType(k, 'notification').length, 1, 'online, not joined: a notification')
})

t.test('presence: one frame per transition per joined socket of the other participant', async (t) => {
  const both = await fx.socket(t, 'coB')
  await both.ok({ type: 'join', conversationId: withK2 })
  await both.ok({ type: 'join', conversationId: alsoWithK2 })
  const one = await fx.joined(t, 'coB', withK2)
  const notJoined = await fx.socket(t, 'coB')
  const stranger = await fx.joined(t, 'coA')

  const k = await TestSocket.ready(t, fx.baseUrl, fx.tokenOf('k2'))
  const kTab = await TestSocket.ready(t, fx.baseUrl, fx.tokenOf('k2'))
  await kTab.ok({ type: 'join', conversationId: withK2 })
  for (const s of [both, one, notJoined, stranger]) await s.barrier()

  const online = { type: 'presence', userId: 'k2', status: 'online' }
  t.same(ofType(both, 'presence'), [online], 'once, though joined to two conversations')
  t.same(ofType(one, 'presence'), [online])
  t.same(ofType(notJoined, 'presence'), [], 'not joined to any of them')
  t.same(ofType(stranger, 'presence'), [], 'no conversation with k2')
  t.same(ofType(kTab, 'presence'), [], 'not about oneself')

  k.close()
  await kTab.request({ type: 'ping' })
  t.equal(ofType(both, 'presence').length, 1, 'k2 still has a socket')

  const before = Date.now()
  kTab.close()
  const offline: Frame = await both.next((f) => f.status === 'offline')
  t.same(Object.keys(offline).sort(), ['lastSeenAt', 'status', 'type', 'userId'])
  t.ok(Date.parse(offline.lastSeenAt) >= before - 1000)
  await one.next((f) => f.status === 'offline')
  await both.barrier()
  t.equal(ofType(both, 'presence').length, 2)
})
