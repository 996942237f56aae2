import t from 'tap'
import { CloseCodes } from '../../src/errors.js'
import { sleep } from '../helpers/wait.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

const fx = await hubFixture(t, { env: { WS_FRAME_LIMIT: '10', WS_SEND_LIMIT: '3' } })
const { conversationId } = fx

function burst (socket: TestSocket, count: number, prefix: string) {
  return Array.from({ length: count }, async (_, i) =>
    await socket.request({ type: 'ping', id: `${prefix}${i}` }))
}

function isRateLimited (frame: Frame): boolean {
  return frame.type === 'error' && frame.code === 'RATE_LIMITED' &&
    frame.retryAfterMs > 0 && frame.retryAfterMs <= 10_000
}

t.test('the frame limit is one per user across sockets', async (t) => {
  const s1 = await fx.socket(t, 'adm')
  const s2 = await fx.socket(t, 'adm')

  const answers = await Promise.all([...burst(s1, 7, 'a'), ...burst(s2, 7, 'b')])

  t.equal(answers.filter((f) => f.type === 'pong').length, 10)
  const limited = answers.filter(isRateLimited)
  t.equal(limited.length, 4)
  t.ok(limited.every((f) => f.retryAfterMs <= 1000), 'the frame window is one second')
})

t.test('refused frames do not count: the window reopens after retryAfterMs', async (t) => {
  const s = await fx.socket(t, 'coB')
  const answers = await Promise.all(burst(s, 14, 'w'))
  const refused = answers.filter(isRateLimited)
  t.equal(refused.length, 4)

  await sleep(Math.max(...refused.map((f) => f.retryAfterMs)) + 50)
  const after = await Promise.all(burst(s, 10, 'x'))
  t.equal(after.filter((f) => f.type === 'pong').length, 10)
})

t.test('the send budget refuses with RATE_LIMITED but a resend still gets its ack', async (t) => {
  const s = await fx.socket(t, 'coA')
  for (let i = 0; i < 3; i++) {
    await s.sendMessage(conversationId, `budget-${i}`)
  }

  const send = (clientMsgId: string) =>
    ({ type: 'send', conversationId, content: 'b', clientMsgId })
  const refused = await s.request(send('budget-3'))
  t.ok(isRateLimited(refused), JSON.stringify(refused))

  const resend = await s.request(send('budget-0'))
  t.equal(resend.type, 'ack')
  t.equal(resend.result.message.clientMsgId, 'budget-0')
})

t.test('20 RATE_LIMITED within 10 s close the socket with 4429', async (t) => {
  const s = await fx.socket(t, 'k2')
  const witness = await fx.socket(t, 'k1')

  for (let i = 0; i < 40; i++) s.send({ type: 'ping', id: `f${i}` })
  const closed = await s.closed

  t.equal(closed.code, CloseCodes.FLOODING.code)
  t.equal(s.frames.filter((f) => f.type === 'pong').length, 10)
  t.equal(s.frames.filter(isRateLimited).length, 20)
  const pong = await witness.request({ type: 'ping' })
  t.equal(pong.type, 'pong', 'another user is not affected')
})
