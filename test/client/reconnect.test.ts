import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { waitFor } from '../helpers/wait.js'
import {
  closeLeftoverConnections, collectMessages, dropServerSockets, SocketGate, testClient
} from './harness.js'

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

async function storedWithClientMsgId (clientMsgId: string) {
  const res = await as.coA('GET', `${messagesUrl}?limit=100`)
  return res.json().items.filter((m: { clientMsgId: string }) => m.clientMsgId === clientMsgId)
}

function seqsFrom (first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}

t.test('after the server drops the socket it rejoins after the last seq: nothing missed, nothing twice', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    fallback: false
  })
  const seen = collectMessages(client, conversationId)
  const before = await sendOverHttp('before join', 'rc-0')

  await client.join(conversationId, { afterSeq: before - 1 })
  const first = await sendOverHttp('while connected', 'rc-1')
  await waitFor('live message', () => seen.length === 2)

  // The network fails, and stays down while three messages are sent.
  const states: string[] = []
  client.on('state', (state) => states.push(state))
  gate.open = false
  t.equal(dropServerSockets(testApp), 1)
  await waitFor('a refused reconnect', () => gate.sockets.length >= 3)

  const missed = [
    await sendOverHttp('missed 1', 'rc-2'),
    await sendOverHttp('missed 2', 'rc-3'),
    await sendOverHttp('missed 3', 'rc-4')
  ]
  gate.open = true
  await waitFor('the missed messages', () => seen.length === 5)

  const live = await sendOverHttp('after the reconnect', 'rc-5')
  await waitFor('the next live message', () => seen.length === 6)

  t.same(seen.map((m) => m.seq), seqsFrom(before, live), 'every seq once, in order')
  t.same(seen.slice(2, 5).map((m) => m.content), ['missed 1', 'missed 2', 'missed 3'])
  t.same(missed, [first + 1, first + 2, first + 3])

  const joins = gate.sentOfType('join')
  t.equal(joins.at(-1)?.afterSeq, first, 'the rejoin asks for what follows the last seq seen')
  t.same(states, ['reconnecting', 'open'])
  t.equal(client.lastSeq(conversationId), live)
})

t.test('a replay overlapping what was seen is not delivered again', async (t) => {
  const client = testClient(t, testApp, 'k1', 'candidate')
  const seen = collectMessages(client, conversationId)
  await sendOverHttp('overlap 1', 'dup-0')
  const last = await sendOverHttp('overlap 2', 'dup-1')

  await client.join(conversationId, { afterSeq: last - 2 })
  await waitFor('two messages', () => seen.length === 2)

  // The server replays everything after seq 0; the client has all of it.
  await client.request({ type: 'join', conversationId, afterSeq: 0 })
  await client.ping()
  const next = await sendOverHttp('next', 'dup-2')
  await waitFor('the next message', () => seen.length === 3)

  t.same(seen.map((m) => m.seq), [last - 1, last, next])
})

t.test('a send whose ack was lost is sent again with the same clientMsgId and stored once', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'coA', 'company', { WebSocket: gate.WebSocket })
  const seen = collectMessages(client, conversationId)
  await client.join(conversationId)

  // The server stores the message, but the socket dies before its ack arrives.
  gate.cutOn = (frame) => frame.type === 'ack' && gate.sent.some((sent) => {
    return sent.id === frame.id && sent.type === 'send'
  })
  const stored = await client.send(conversationId, 'lost ack', { clientMsgId: 'resend-1' })

  const sends = gate.sentOfType('send')
  t.equal(sends.length, 2, 'sent twice')
  t.same(sends.map((frame) => frame.clientMsgId), ['resend-1', 'resend-1'])
  t.notSame(sends[0].id, sends[1].id, 'each attempt is its own request')
  t.equal(gate.sockets.length, 2, 'the second attempt went on a new socket')

  const rows = await storedWithClientMsgId('resend-1')
  t.equal(rows.length, 1, 'one stored message')
  t.equal(rows[0].id, stored.id)

  await client.ping()
  t.same(seen.filter((m) => m.seq === stored.seq).length, 1, 'its message event arrived once')
})

t.test('sends made while disconnected go out after the reconnect', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'coA', 'company', {
    WebSocket: gate.WebSocket,
    fallback: false
  })
  await client.connect()

  gate.open = false
  dropServerSockets(testApp)
  await waitFor('disconnected', () => client.transport === null)

  const sending = [
    client.send(conversationId, 'queued 1', { clientMsgId: 'queued-1' }),
    client.send(conversationId, 'queued 2', { clientMsgId: 'queued-2' })
  ]
  gate.open = true
  const [one, two] = await Promise.all(sending)

  t.equal(two.seq, one.seq + 1, 'in the order they were made')
  t.same(gate.sentOfType('send').map((frame) => frame.clientMsgId), ['queued-1', 'queued-2'])
  t.equal((await storedWithClientMsgId('queued-1')).length, 1)
  t.equal((await storedWithClientMsgId('queued-2')).length, 1)
})

t.test('a disconnect by an administrator is final', async (t) => {
  const client = testClient(t, testApp, 'k2', 'candidate')
  await client.connect()
  const failed = client.next('error')

  const res = await as.adm('POST', '/api/websocket/disconnect-user', { userId: 'k2' })
  t.equal(res.statusCode, 200)

  t.equal((await failed).code, 'CLOSED')
  t.equal(client.state, 'closed')
})
