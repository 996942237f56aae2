import t from 'tap'
import { ChatClientError, type ChatClient } from '../../src/client/index.js'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'
import { waitFor } from '../helpers/wait.js'
import { closeLeftoverConnections, collectMessages, SocketGate, testClient } from './harness.js'

const testApp = await buildTestApp(t, { listen: true })
closeLeftoverConnections(t, testApp)
const as = callers(testApp)
const { conversationId } = await setupS(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

interface Teardown { teardown(fn: () => unknown): void }

async function rejection (promise: Promise<unknown>): Promise<ChatClientError> {
  try {
    await promise
  } catch (err) {
    return err as ChatClientError
  }
  throw new Error('expected a rejection')
}

function connected (t: Teardown, sub: string, role: string, gate = new SocketGate()) {
  const client = testClient(t, testApp, sub, role, { WebSocket: gate.WebSocket })
  return { client, gate }
}

t.test('connects with a first auth frame and reports the session', async (t) => {
  const { client, gate } = connected(t, 'coA', 'company')
  const states: string[] = []
  client.on('state', (state) => states.push(state))

  t.equal(await client.connect(), 'socket')
  t.equal(client.state, 'open')
  t.same(states, ['connecting', 'open'])
  t.equal(client.session?.userId, 'coA')
  const first = gate.sent[0] as { type: string, token: string }
  const claims = JSON.parse(Buffer.from(first.token.split('.')[1], 'base64url').toString())
  t.same(Object.keys(first).sort(), ['token', 'type'])
  t.equal(first.type, 'auth')
  t.match(claims, { sub: 'coA', role: 'company' })
  t.equal(gate.sockets[0].url, `${testApp.baseUrl.replace('http', 'ws')}/ws`)
})

t.test('connects with ?token= in the URL when asked to', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'k1', 'candidate', {
    WebSocket: gate.WebSocket,
    authMode: 'query'
  })

  await client.connect()
  t.equal(client.session?.userId, 'k1')
  t.same(gate.sentOfType('auth'), [])
  const url = new URL(gate.sockets[0].url)
  t.equal(url.searchParams.get('token'), testApp.token('k1', 'candidate'))
})

t.test('requests resolve with their answer, each id answered once', async (t) => {
  const { client, gate } = connected(t, 'coA', 'company')
  await client.connect()

  const pong = await client.ping()
  t.equal(pong.type, 'pong')
  t.ok(Date.parse(pong.serverTime) > 0, 'pong carries the server time')

  const joined = await client.join(conversationId)
  t.same(joined, { conversationId, lastSeq: 0, lastReadSeq: 0, online: [], truncated: false })

  const message = await client.send(conversationId, '  hello  ', { clientMsgId: 'ack-1' })
  t.match(message, { seq: 1, senderId: 'coA', content: 'hello', clientMsgId: 'ack-1' })

  await client.markRead(conversationId, 1)
  await client.leave(conversationId)

  const answers = gate.answersPerRequest()
  t.equal(answers.size, 5, 'ping, join, send, read and leave each carried an id')
  t.same([...answers.values()], [1, 1, 1, 1, 1])
})

t.test('server refusals reject with the server code', async (t) => {
  const { client } = connected(t, 'k2', 'candidate')
  await client.connect()

  t.equal((await rejection(client.join(UNKNOWN))).code, 'NOT_FOUND')
  t.equal((await rejection(client.join(conversationId))).code, 'FORBIDDEN')
  t.equal((await rejection(client.join('not-a-uuid'))).code, 'BAD_REQUEST')

  const refused = await rejection(client.send(conversationId, 'not mine'))
  t.ok(refused instanceof ChatClientError)
  t.equal(refused.code, 'FORBIDDEN')
  t.equal(client.lastSeq(conversationId), null, 'a refused join leaves nothing joined')
})

t.test('a request without an answer fails with TIMEOUT', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'coA', 'company', {
    WebSocket: gate.WebSocket,
    requestTimeoutMs: 200
  })
  await client.connect()

  gate.swallow = (frame) => frame.type === 'pong'
  const err = await rejection(client.ping())
  t.equal(err.code, 'TIMEOUT')
  t.equal(client.state, 'open', 'one lost answer does not drop the socket')

  gate.swallow = null
  t.equal((await client.ping()).type, 'pong')
})

t.test('live events: message, typing, read, presence, joined and left', async (t) => {
  const { client: company } = connected(t, 'coA', 'company')
  await company.connect()
  await company.join(conversationId)
  const lastSeq = company.lastSeq(conversationId)!

  const events: string[] = []
  const record = (name: string) => (frame: { userId?: string }) => {
    events.push(`${name}:${frame.userId ?? ''}`)
  }
  company.on('presence', (frame) => events.push(`presence:${frame.userId}:${frame.status}`))
  company.on('joined', record('joined'))
  company.on('left', record('left'))
  company.on('typing', (frame) => events.push(`typing:${frame.userId}:${frame.state}`))
  company.on('read', (frame) => events.push(`read:${frame.userId}:${frame.upToSeq}`))
  const seen = collectMessages(company, conversationId)

  const candidate: ChatClient = connected(t, 'k1', 'candidate').client
  await candidate.connect()
  await waitFor('k1 online', () => events.includes('presence:k1:online'))

  await candidate.join(conversationId, { afterSeq: lastSeq })
  t.equal(candidate.typing(conversationId, 'start'), true)
  await waitFor('typing', () => events.includes('typing:k1:start'))

  const reply = await candidate.send(conversationId, 'hi from k1', { clientMsgId: 'live-1' })
  await candidate.markRead(conversationId, reply.seq)
  await waitFor('read mark', () => events.includes(`read:k1:${reply.seq}`))

  candidate.close()
  await waitFor('k1 offline', () => events.includes('presence:k1:offline'))

  t.same(seen, [{ seq: reply.seq, content: 'hi from k1' }])
  t.same(events, [
    'presence:k1:online',
    'joined:k1',
    'typing:k1:start',
    `read:k1:${reply.seq}`,
    'typing:k1:stop',
    'left:k1',
    'presence:k1:offline'
  ])
})

t.test('a notification reaches a participant who has not joined', async (t) => {
  const { client } = connected(t, 'k1', 'candidate')
  await client.connect()
  const notified = client.next('notification')

  const res = await as.coA('POST', `/api/conversations/${conversationId}/messages`, {
    content: 'are you there?',
    clientMsgId: 'notify-1'
  })
  const { notification } = await notified

  t.match(notification, { kind: 'message', conversationId, messageId: res.json().id })
  t.equal(notification.preview, 'are you there?')
})

t.test('a closed client refuses new work and fails what was pending', async (t) => {
  const { client } = connected(t, 'coA', 'company')
  const pending = client.join(conversationId)
  client.close()

  t.equal((await rejection(pending)).code, 'CLOSED')
  t.equal((await rejection(client.send(conversationId, 'late'))).code, 'CLOSED')
  t.equal((await rejection(client.connect())).code, 'CLOSED')
  t.equal(client.state, 'closed')
})
