import t from 'tap'
import { caller } from '../helpers/api.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

// Many sends in a burst: the send budget is tested on its own.
const fx = await hubFixture(t, { env: { WS_SEND_LIMIT: '1000', WS_FRAME_LIMIT: '1000' } })
const { conversationId } = fx

const coB = caller(fx.testApp, 'coB')
const k1 = caller(fx.testApp, 'k1')
const created = await coB('POST', '/api/conversations', { candidateId: 'k2' })
const other = created.json().id as string

function seqs (socket: TestSocket, conversation = conversationId): number[] {
  return socket.messages(conversation).map((f) => f.message.seq)
}

t.test('50 concurrent sends from two sockets reach every member once, in seq order', async (t) => {
  const a = await fx.joined(t, 'coA')
  const a2 = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')

  const sends = Array.from({ length: 50 }, (_, i) => {
    const socket = i % 2 === 0 ? a : k
    const frame = { type: 'send', conversationId, content: `message ${i}` }
    return socket.request({ ...frame, clientMsgId: `burst-${i}` })
  })
  const answers = await Promise.all(sends)
  for (const socket of [a, a2, k]) await socket.barrier()

  t.ok(answers.every((f) => f.type === 'ack'))
  t.same(answers.map((f) => f.result.message.seq).sort((x, y) => x - y), range(1, 50))

  const expected = range(1, 50)
  t.same(seqs(a), expected, 'sender socket')
  t.same(seqs(a2), expected, "sender's other socket")
  t.same(seqs(k), expected, 'other member')

  for (const socket of [a, k]) {
    const acks = socket.frames.filter((f) => f.type === 'ack' && f.result?.message)
    for (const ack of acks) {
      const ackAt = socket.frames.indexOf(ack)
      const { id } = ack.result.message
      const echoAt = socket.frames.findIndex((f) => f.message?.id === id)
      t.ok(ackAt < echoAt, `ack of seq ${ack.result.message.seq} precedes its message`)
    }
  }

  const message = a.messages()[0]
  t.same(Object.keys(message).sort(), ['conversationId', 'message', 'type'])
  t.same(Object.keys(message.message).sort(),
    ['clientMsgId', 'content', 'createdAt', 'id', 'senderId', 'seq'])
})

t.test('a resent clientMsgId returns the stored message and is not broadcast again', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')

  const first = await a.sendMessage(conversationId, 'again', 'once')
  const second = await a.sendMessage(conversationId, 'again', 'other text')
  await k.barrier()
  await a.barrier()

  t.same(second, first)
  t.equal(k.messages().filter((f) => f.message.clientMsgId === 'again').length, 1)
  t.equal(a.messages().filter((f) => f.message.clientMsgId === 'again').length, 1)
})

t.test('a message over HTTP fans out to the joined sockets like a socket send', async (t) => {
  const a = await fx.joined(t, 'coA')
  const url = `/api/conversations/${conversationId}/messages`
  const res = await k1('POST', url, { content: 'over http', clientMsgId: 'http-1' })
  t.equal(res.statusCode, 201)

  const frame = await a.next((f) => f.message?.clientMsgId === 'http-1')
  t.equal(frame.message.seq, res.json().seq)
})

t.test('an online recipient not joined gets a live notification; a joined one none', async (t) => {
  const sender = await fx.joined(t, 'coB', other)
  const senderIdle = await fx.socket(t, 'coB')
  const recipient = await fx.socket(t, 'k2')

  const sent = await sender.sendMessage(other, 'n1', 'ping you')
  const notification = await recipient.next((f) => f.type === 'notification')
  t.same(notification, {
    type: 'notification',
    notification: {
      id: notification.notification.id,
      kind: 'message',
      conversationId: other,
      messageId: sent.id,
      preview: 'ping you',
      createdAt: notification.notification.createdAt
    }
  })
  t.equal(recipient.messages().length, 0, 'not joined: no message frame')

  await recipient.ok({ type: 'join', conversationId: other })
  await sender.sendMessage(other, 'n2')
  await recipient.next((f) => f.type === 'message' && f.message.clientMsgId === 'n2')
  for (const socket of [recipient, sender, senderIdle]) await socket.barrier()

  t.equal(recipient.frames.filter((f) => f.type === 'notification').length, 1)
  const toSender = [...sender.frames, ...senderIdle.frames]
    .filter((f) => f.type === 'notification')
  t.same(toSender, [], 'never to the sender')

  const stored = await fx.testApp.app.db.query(
    'select count(*)::int as n from notifications where conversation_id = $1', [other])
  t.equal(stored[0].n, 1, 'stored only while no socket was joined')
})

t.test('the preview is the first 100 code points', async (t) => {
  const sender = await fx.socket(t, 'coB')
  const recipient = await fx.socket(t, 'k2')
  const content = '😀'.repeat(150)

  await sender.sendMessage(other, 'long-preview', content)
  const frame = await recipient.next((f) => f.type === 'notification')
  t.equal(frame.notification.preview, '😀'.repeat(100))
})

t.test("typing goes to the other user's joined sockets on changes of state only", async (t) => {
  const a = await fx.joined(t, 'coA')
  const a2 = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')
  const typing = (s: TestSocket) => s.frames.filter((f) => f.type === 'typing')

  await a.ok({ type: 'typing', conversationId, state: 'start' })
  await a2.ok({ type: 'typing', conversationId, state: 'start' })
  await a.ok({ type: 'typing', conversationId, state: 'start' })
  await a.ok({ type: 'typing', conversationId, state: 'stop' })
  await a.ok({ type: 'typing', conversationId, state: 'stop' })
  for (const s of [a, a2, k]) await s.barrier()

  t.same(typing(k), [
    { type: 'typing', conversationId, userId: 'coA', state: 'start' },
    { type: 'typing', conversationId, userId: 'coA', state: 'stop' }
  ])
  t.same(typing(a), [], 'not to the typist')
  t.same(typing(a2), [], "not to the typist's other socket")
})

t.test('a start not renewed within 6 s becomes a stop', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')

  await k.ok({ type: 'typing', conversationId, state: 'start' })
  await a.next((f) => f.type === 'typing' && f.state === 'start')
  const stop = await a.next((f) => f.type === 'typing' && f.state === 'stop', 8000)
  t.same(stop, { type: 'typing', conversationId, userId: 'k1', state: 'stop' })
})

t.test('read goes to every other joined socket, the reader\'s other tabs included', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')
  const kTab = await fx.joined(t, 'k1')
  const last = (await a.sendMessage(conversationId, 'read-1')).seq

  const ack = await k.request({ type: 'read', conversationId, upToSeq: last })
  t.same(ack.result, { conversationId, lastReadSeq: last })

  const expected = { type: 'read', conversationId, userId: 'k1', upToSeq: last }
  t.same(await a.next((f) => f.type === 'read'), expected)
  t.same(await kTab.next((f) => f.type === 'read'), expected)

  const again = await k.request({ type: 'read', conversationId, upToSeq: last - 1 })
  t.same(again.result, { conversationId, lastReadSeq: last }, 'a mark never moves back')
  const capped = await k.request({ type: 'read', conversationId, upToSeq: last + 100 })
  t.same(capped.result, { conversationId, lastReadSeq: last }, 'capped at lastSeq')

  for (const s of [a, k, kTab]) await s.barrier()
  const reads = (s: TestSocket) => s.frames.filter((f) => f.type === 'read').length
  t.equal(reads(a), 1, 'no broadcast when the mark did not advance')
  t.equal(reads(k), 0, 'not to the reading socket')
})

t.test('a read over HTTP reaches every joined socket', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')
  const last = (await a.sendMessage(conversationId, 'read-2')).seq

  const url = `/api/conversations/${conversationId}/read`
  const res = await k1('POST', url, { upToSeq: last })
  t.equal(res.statusCode, 200)

  const frames: Frame[] = await Promise.all([a, k].map(async (s) =>
    await s.next((f) => f.type === 'read')))
  t.ok(frames.every((f) => f.upToSeq === last && f.userId === 'k1'))
})

function range (from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
