import { PassThrough } from 'node:stream'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { caller } from '../helpers/api.js'
import { TEST_SECRET } from '../helpers/app.js'
import { sleep } from '../helpers/wait.js'
import { TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

/*
 * F03: authentication checked only at the handshake lets an expired (or
 * swapped) token keep working on an open socket. The whole case runs with
 * LOG_LEVEL=debug, and no token may ever reach the log.
 */
const logs = new PassThrough()
let logText = ''
logs.on('data', (chunk: Buffer) => { logText += chunk.toString() })

const fx = await hubFixture(t, { logStream: logs, env: { LOG_LEVEL: 'debug' } })
const { baseUrl, conversationId, testApp } = fx
const tokens: string[] = []
const mint = (sub: string, role: string, expiresInSeconds: number) => {
  const token = testApp.token(sub, role, { expiresInSeconds })
  tokens.push(token)
  return token
}
const sleepUntil = async (at: number) => await sleep(Math.max(0, at - Date.now()))
const expiryOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000
const C = conversationId

t.test('a socket is closed 4401 when its token expires; a refreshed one lives on', async (t) => {
  const t1 = mint('coA', 'company', 6)
  const exp1 = expiryOf(t1)
  const start = Date.now()

  const s1 = await TestSocket.ready(t, baseUrl, t1)
  await s1.ok({ type: 'join', conversationId: C })
  const s2 = await TestSocket.ready(t, baseUrl, t1)
  await s2.ok({ type: 'join', conversationId: C })
  let s1ClosedAt = 0
  void s1.closed.then(() => { s1ClosedAt = Date.now() })

  await sleepUntil(start + 2000)
  const t2 = mint('coA', 'company', 120)
  const r1 = await s2.request({ type: 'auth', id: 'r1', token: t2 })
  t.same(r1, { type: 'ack', id: 'r1' })

  await sleepUntil(start + 3000)
  const t3 = mint('coB', 'company', 120)
  const r2 = await s1.request({ type: 'auth', id: 'r2', token: t3 })
  t.equal(r2.type, 'error')
  t.equal(r2.code, 'FORBIDDEN')
  const still = await s1.sendMessage(C, 'b03-identity')
  t.equal(still.senderId, 'coA', 's1 never acts as coB')

  await sleepUntil(exp1 + 2000)
  if (s1.isOpen) {
    const late = { type: 'send', id: 'late', conversationId: C, content: 'late' }
    s1.send({ ...late, clientMsgId: 'b03-late' })
  }
  const closed = await s1.closed
  t.equal(closed.code, 4401)
  t.ok(s1ClosedAt <= exp1 + 2000, 'closed no later than exp + 2 s')

  const url = `/api/conversations/${C}/messages`
  const body = { content: 'after expiry', clientMsgId: 'b03-k1' }
  const res = await caller(testApp, 'k1')('POST', url, body)
  t.equal(res.statusCode, 201)
  const delivered = await s2.next((f) => f.message?.clientMsgId === 'b03-k1')
  t.equal(delivered.message.senderId, 'k1')
  t.ok(s2.isOpen, 's2 stays open past exp(t1)')

  const page = await caller(testApp, 'coA')('GET', `${url}?limit=100`)
  const ids = page.json().items.map((m: { clientMsgId: string }) => m.clientMsgId)
  t.notOk(ids.includes('b03-late'), 'b03-late never stored')
  t.ok(ids.includes('b03-k1'))
})

t.test('bad tokens are refused with 401 at the handshake, as header and as query', async (t) => {
  const sign = createSigner({ key: TEST_SECRET, algorithm: 'HS256' })
  const now = Math.floor(Date.now() / 1000)
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
  const unsigned = [
    encode({ alg: 'none', typ: 'JWT' }),
    encode({ sub: 'coA', role: 'company', exp: now + 3600 }),
    ''
  ].join('.')
  const cases = {
    'a: expired': mint('coA', 'company', -60),
    'b: alg none': unsigned,
    'c: no exp': sign({ sub: 'coA', role: 'company' }),
    'd: role superuser': sign({ sub: 'coA', role: 'superuser', exp: now + 3600 })
  }
  tokens.push(...Object.values(cases))

  for (const [name, token] of Object.entries(cases)) {
    const asHeader = await TestSocket.refusedStatus(baseUrl, { token })
    const asQuery = await TestSocket.refusedStatus(baseUrl, { queryToken: token })
    t.equal(asHeader, 401, `${name} as header`)
    t.equal(asQuery, 401, `${name} as ?token=`)
  }

  const s = await TestSocket.open(t, baseUrl)
  s.send({ type: 'auth', token: cases['a: expired'] })
  const closed = await s.closed
  t.same(s.frames.map((f) => [f.type, f.code]), [['error', 'UNAUTHENTICATED']])
  t.equal(closed.code, 4401)
})

t.test('a ?token= connection at debug level leaves no token in the log', async (t) => {
  const token = mint('k1', 'candidate', 3600)
  const s = await TestSocket.open(t, baseUrl, { queryToken: token })
  await s.next((f) => f.type === 'ready')
  s.close()
  await s.closed

  t.ok(logText.includes('"level":20'), 'debug lines were written')
  t.ok(logText.includes('socket connected'))
  for (const each of tokens) {
    t.notOk(logText.includes(each), 'token absent from the log')
    t.notOk(logText.includes(each.split('.')[2] || each), 'signature absent from the log')
  }
})
