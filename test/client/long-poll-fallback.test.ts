import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { waitFor } from '../helpers/wait.js'
import { closeLeftoverConnections, collectMessages, SocketGate, testClient } from './harness.js'

const testApp = await buildTestApp(t, { listen: true })
closeLeftoverConnections(t, testApp)
const as = callers(testApp)
const { conversationId } = await setupS(testApp)
const messagesUrl = `/api/conversations/${conversationId}/messages`

async function sendOverHttp (content: string, clientMsgId: string): Promise<number> {
  const res = await as.coA('POST', messagesUrl, { content, clientMsgId })
  if (res.statusCode !== 201) throw new Error(`send failed: ${res.statusCode} ${res.body}`)
  return res.json().seq
}

t.test('when /ws is unreachable it long-polls and sends over HTTP, then returns to the socket', async (t) => {
  const gate = new SocketGate()
  gate.open = false
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    fallback: { afterFailures: 2, waitMs: 1000 }
  })
  const seen = collectMessages(client, conversationId)
  const first = await sendOverHttp('before', 'lp-0')

  t.equal(await client.connect(), 'http')
  t.equal(client.state, 'polling')
  t.equal(gate.sockets.length, 2, 'after two refused sockets')

  const joined = await client.join(conversationId)
  t.same(joined, {
    conversationId, lastSeq: first, lastReadSeq: null, online: [], truncated: false
  })

  const polled = await sendOverHttp('over long-poll', 'lp-1')
  await waitFor('the polled message', () => seen.length === 1)
  t.same(seen, [{ seq: polled, content: 'over long-poll' }])

  const mine = await client.send(conversationId, 'sent over HTTP', { clientMsgId: 'lp-2' })
  t.match(mine, { seq: polled + 1, senderId: 'k1', content: 'sent over HTTP' })
  await waitFor('my own message, polled', () => seen.length === 2)

  await client.markRead(conversationId, mine.seq)
  const conversation = (await as.k1('GET', `/api/conversations/${conversationId}`)).json()
  t.equal(conversation.unreadCount, 0, 'the read mark went over HTTP')
  t.equal(client.typing(conversationId, 'start'), false, 'typing needs the socket')
  t.same(gate.sentOfType('send'), [], 'nothing went over a socket')

  // The socket becomes reachable: the client moves back and rejoins after the last seq.
  gate.open = true
  await waitFor('the socket', () => client.state === 'open', 10_000)
  const live = await sendOverHttp('over the socket again', 'lp-3')
  await waitFor('the live message', () => seen.length === 3)

  t.same(seen.map((m) => m.seq), [polled, polled + 1, live], 'every seq once, in order')
  t.equal(gate.sentOfType('join').at(-1)?.afterSeq, mine.seq)
})

t.test('a send waiting while the socket is away goes over HTTP once polling starts', async (t) => {
  const gate = new SocketGate()
  gate.open = false
  const client = testClient(t, testApp, 'coA', 'company', {
    WebSocket: gate.WebSocket,
    fallback: { afterFailures: 3, waitMs: 1000 }
  })

  const sent = await client.send(conversationId, 'queued for HTTP', { clientMsgId: 'lp-q1' })
  t.equal(client.state, 'polling')
  t.equal(sent.content, 'queued for HTTP')
  t.equal(gate.sockets.length, 3)
})
