import { test } from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { sleep } from '../helpers/wait.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'

/*
 * F04, two-instance variant: per-user limits bypassed by opening more
 * sockets. coA's sockets are spread over two instances sharing Redis; the
 * send budget (20 per 10 s) is still one for the user, HTTP sends included.
 */
test('F04: one send budget per user across sockets, HTTP and instances', async (t) => {
  const cluster = await startCluster(t, { redisUrl: await redisUrlForTest(t) })
  const [i1, i2] = cluster.nodes
  const { conversationId: C } = await cluster.setupS()
  const windowStart = Date.now()
  const limited: Array<{ at: number, retryAfterMs: number }> = []
  const answerTo = async (socket: TestSocket, id: string) => {
    const isAnswer = (f: Frame) => f.id === id && (f.type === 'ack' || f.type === 'error')
    const answer = await socket.next(isAnswer, 10_000)
    if (answer.type === 'error' && answer.code === 'RATE_LIMITED') {
      limited.push({ at: Date.now(), retryAfterMs: answer.retryAfterMs })
    }
    return answer
  }

  // Step 1.
  const sockets = [await i1.socket(t, 'coA'), await i2.socket(t, 'coA'), await i1.socket(t, 'coA')]

  // Step 2: 10 sends on each socket within about 1.5 s, 20 frames/s combined.
  const ids: Array<[TestSocket, string]> = []
  for (let i = 0; i < 10; i++) {
    for (const [s, socket] of sockets.entries()) {
      const id = `a${s + 1}-${i}`
      socket.send({ type: 'send', id, conversationId: C, content: id, clientMsgId: id })
      ids.push([socket, id])
      await sleep(50)
    }
  }
  const answers = await Promise.all(ids.map(async ([socket, id]) => await answerTo(socket, id)))

  // Step 3.
  const http = await i2.call('coA', 'POST', `/api/conversations/${C}/messages`,
    { content: 'http', clientMsgId: 'a-http' })

  for (const [socket, id] of ids) {
    t.equal(socket.frames.filter((f) => f.id === id).length, 1, `exactly one answer to ${id}`)
  }
  const acked = answers.filter((f) => f.type === 'ack')
  const refused = answers.filter((f) => f.type === 'error')
  t.equal(acked.length, 20, 'the budget grants 20 sends across the three sockets and two instances')
  t.ok(acked.every((f) => f.result.message.senderId === 'coA'), 'each ack carries a stored message')
  t.equal(refused.length, 10)
  t.ok(refused.every(isBudgetRefusal), 'every other send: RATE_LIMITED with 0 < retryAfterMs <= 10000')
  t.equal(http.status, 429)
  t.equal(http.body.code, 'RATE_LIMITED', 'the HTTP send shares the budget')

  // Step 4: a new socket, on the other instance, does not reset the budget.
  for (const socket of sockets) socket.close()
  await Promise.all(sockets.map(async (socket) => await socket.closed))
  const a4 = await i2.socket(t, 'coA')
  a4.send({ type: 'send', id: 'a4-0', conversationId: C, content: 'a4', clientMsgId: 'a4-0' })
  t.ok(isBudgetRefusal(await answerTo(a4, 'a4-0')), 'still RATE_LIMITED on a new socket elsewhere')

  // Step 5: flooding after the first RATE_LIMITED closes the socket.
  for (let i = 1; i <= 100 && a4.isOpen; i++) {
    const id = `a4-${i}`
    a4.send({ type: 'send', id, conversationId: C, content: id, clientMsgId: id })
    await answerTo(a4, id).catch(() => null)
  }
  t.equal((await a4.closed).code, 4429)

  // Step 6: once every retryAfterMs has passed, a new socket may send again.
  const retryAt = Math.max(...limited.map((l) => l.at + l.retryAfterMs))
  await sleep(Math.max(0, retryAt - Date.now()) + 100)
  const a5 = await i1.socket(t, 'coA')
  const after = await a5.request({ type: 'send', conversationId: C, content: 'a5', clientMsgId: 'a5-0' })
  t.equal(after.type, 'ack', 'acked once the window moved on')

  const { body } = await i1.call('coA', 'GET', `/api/conversations/${C}/messages?limit=100`)
  const inWindow = body.items.filter((m: Frame) =>
    m.senderId === 'coA' && Date.parse(m.createdAt) < windowStart + 10_000)
  t.equal(inWindow.length, 20, 'the messages API lists 20 messages from coA in the window')
})

function isBudgetRefusal (frame: Frame): boolean {
  return frame.type === 'error' && frame.code === 'RATE_LIMITED' &&
    frame.retryAfterMs > 0 && frame.retryAfterMs <= 10_000
}
