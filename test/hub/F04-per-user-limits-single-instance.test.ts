import t from 'tap'
import { caller } from '../helpers/api.js'
import { sleep } from '../helpers/wait.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

/*
 * F04 on one instance: a rate limiter keyed by connection lets N tabs send
 * N times as much, and reconnecting resets it. The send budget (20 per 10 s)
 * must be one per user, across sockets, reconnects and HTTP sends.
 */
const fx = await hubFixture(t)
const { conversationId: C } = fx
const coA = caller(fx.testApp, 'coA')

const isBudgetRefusal = (frame: Frame) =>
  frame.type === 'error' && frame.code === 'RATE_LIMITED' &&
  frame.retryAfterMs > 0 && frame.retryAfterMs <= 10_000
const isAnswer = (id: string) => (f: Frame) =>
  f.id === id && (f.type === 'ack' || f.type === 'error')
const sendFrame = (id: string) =>
  ({ type: 'send', id, conversationId: C, content: id, clientMsgId: id })

t.test('F04: one send budget per user across sockets, reconnects and HTTP', async (t) => {
  const refusals: Array<{ at: number, retryAfterMs: number }> = []
  const answerTo = async (socket: TestSocket, id: string) => {
    const answer = await socket.next(isAnswer(id), 10_000)
    if (isBudgetRefusal(answer)) {
      refusals.push({ at: Date.now(), retryAfterMs: answer.retryAfterMs })
    }
    return answer
  }

  // Steps 1 and 2: three sockets, ten sends each, about 20 frames/s combined.
  const sockets = []
  for (let i = 0; i < 3; i++) sockets.push(await fx.socket(t, 'coA'))
  const sent: Array<[TestSocket, string]> = []
  for (let i = 0; i < 10; i++) {
    for (const [n, socket] of sockets.entries()) {
      const id = `a${n + 1}-${i}`
      socket.send(sendFrame(id))
      sent.push([socket, id])
      await sleep(50)
    }
  }
  const answers = await Promise.all(sent.map(async ([socket, id]) =>
    await answerTo(socket, id)))

  // Step 3: HTTP shares the budget.
  const url = `/api/conversations/${C}/messages`
  const http = await coA('POST', url, { content: 'http', clientMsgId: 'a-http' })
  t.equal(http.statusCode, 429)
  t.equal(http.json().code, 'RATE_LIMITED')

  for (const [socket, id] of sent) {
    const answered = socket.frames.filter((f) => f.id === id)
    t.equal(answered.length, 1, `exactly one answer to ${id}`)
  }
  const acked = answers.filter((f) => f.type === 'ack')
  t.equal(acked.length, 20, 'at most 20 sends stored, here all 20 of the budget')
  t.ok(acked.every((f) => f.result.message.senderId === 'coA'))
  t.equal(answers.filter(isBudgetRefusal).length, 10,
    'every other send: RATE_LIMITED with 0 < retryAfterMs <= 10000')

  // Step 4: closing every socket and opening a new one resets nothing.
  for (const socket of sockets) socket.close()
  await Promise.all(sockets.map(async (socket) => await socket.closed))
  const a4 = await fx.socket(t, 'coA')
  a4.send(sendFrame('a4-0'))
  t.ok(isBudgetRefusal(await answerTo(a4, 'a4-0')), 'still RATE_LIMITED on a new socket')

  // Step 5: about 100 more frames after the first RATE_LIMITED: closed 4429.
  for (let i = 1; i <= 100 && a4.isOpen; i++) {
    const id = `a4-${i}`
    a4.send(sendFrame(id))
    await answerTo(a4, id).catch(() => null)
  }
  t.equal((await a4.closed).code, 4429)

  const page = await coA('GET', `${url}?limit=100`)
  const fromCoA = page.json().items.filter((m: Frame) => m.senderId === 'coA')
  t.equal(fromCoA.length, 20, 'the messages API lists 20 messages from coA')

  // Step 6: once retryAfterMs has passed, a new socket is acked.
  const retryAt = Math.max(...refusals.map((r) => r.at + r.retryAfterMs))
  await sleep(Math.max(0, retryAt - Date.now()) + 100)
  const a5 = await fx.socket(t, 'coA')
  const after = await a5.request(sendFrame('a5-0'))
  t.equal(after.type, 'ack')
})
