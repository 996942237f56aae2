import { randomUUID } from 'node:crypto'
import t from 'tap'
import { caller } from '../helpers/api.js'
import { hubFixture } from './fixture.js'

// These cases send many frames quickly; the frame limit has a test of its own.
const fx = await hubFixture(t, { env: { WS_FRAME_LIMIT: '1000' } })
const { conversationId } = fx
const C = conversationId
const json = (frame: object) => JSON.stringify(frame)
const send = { type: 'send', conversationId: C, content: 'hi', clientMsgId: 'x' }
const join = { type: 'join', conversationId: C }
const typing = { type: 'typing', conversationId: C }
const read = { type: 'read', conversationId: C }

t.test('malformed frames get BAD_REQUEST and the socket stays open', async (t) => {
  const s = await fx.socket(t, 'coA')
  const cases: Array<[string, string, string | undefined]> = [
    ['bad JSON', '{"type":', undefined],
    ['an array', '[]', undefined],
    ['null', 'null', undefined],
    ['a number', '42', undefined],
    ['a string', '"ping"', undefined],
    ['no type', '{"id":"n1"}', 'n1'],
    ['a numeric type', '{"type":7,"id":"n2"}', 'n2'],
    ['an unknown type', '{"type":"shout","id":"u1"}', 'u1'],
    ['constructor', '{"type":"constructor","id":"u2"}', 'u2'],
    ['__proto__ as type', '{"type":"__proto__","id":"u3"}', 'u3'],
    ['__proto__ as field', '{"type":"ping","id":"u4","__proto__":{"admin":true}}', 'u4'],
    ['hasOwnProperty', '{"type":"hasOwnProperty","id":"u5"}', 'u5'],
    ['an unknown field', '{"type":"ping","id":"f1","extra":1}', 'f1'],
    ['conversationId a number', '{"type":"join","id":"w1","conversationId":5}', 'w1'],
    ['an object as id', json({ ...join, id: 'w2', conversationId: { $ne: null } }), 'w2'],
    ['afterSeq negative', json({ ...join, id: 'w3', afterSeq: -1 }), 'w3'],
    ['afterSeq fractional', json({ ...join, id: 'w4', afterSeq: 1.5 }), 'w4'],
    ['afterSeq a string', json({ ...join, id: 'w5', afterSeq: '3' }), 'w5'],
    ['content an object', json({ ...send, id: 'w6', content: { a: 1 } }), 'w6'],
    ['clientMsgId missing', json({ ...send, id: 'w7', clientMsgId: undefined }), 'w7'],
    ['clientMsgId of 65', json({ ...send, id: 'w8', clientMsgId: 'c'.repeat(65) }), 'w8'],
    ['typing state unknown', json({ ...typing, id: 'w9', state: 'maybe' }), 'w9'],
    ['upToSeq null', json({ ...read, id: 'w10', upToSeq: null }), 'w10'],
    ['token a number', '{"type":"auth","id":"w11","token":12}', 'w11'],
    ['an id too long', `{"type":"ping","id":"${'i'.repeat(65)}"}`, undefined],
    ['an id a number', '{"type":"ping","id":12}', undefined],
    ['an empty id', '{"type":"ping","id":""}', undefined],
    ['a malformed uuid', json({ ...join, id: 'm1', conversationId: 'x-1' }), 'm1']
  ]

  for (const [name, raw, id] of cases) {
    const before = s.frames.length
    s.send(raw)
    await s.barrier()

    const answers = s.frames.slice(before).filter((f) => f.type === 'error')
    t.equal(answers.length, 1, `${name}: one error`)
    t.equal(answers[0]?.code, 'BAD_REQUEST', name)
    t.equal(answers[0]?.id, id, `${name}: id`)
    t.type(answers[0]?.message, 'string')
  }

  t.ok(s.isOpen)
  await s.ok({ type: 'join', conversationId })
})

t.test('an id of 64 characters is echoed', async (t) => {
  const s = await fx.socket(t, 'coA')
  const id = 'i'.repeat(64)
  t.same((await s.request({ type: 'ping', id })).id, id)
})

t.test('a binary frame is BAD_REQUEST', async (t) => {
  const s = await fx.socket(t, 'coA')
  s.ws.send(Buffer.from('{"type":"ping","id":"b1"}'), { binary: true })
  const error = await s.next((f) => f.type === 'error')
  t.equal(error.code, 'BAD_REQUEST')
  t.ok(s.isOpen)
})

t.test("someone else's conversation is FORBIDDEN, an unknown one NOT_FOUND", async (t) => {
  const s = await fx.socket(t, 'coB')
  const unknown = randomUUID()
  const frames = [
    { type: 'join', conversationId },
    { type: 'leave', conversationId },
    { type: 'send', conversationId, content: 'hi', clientMsgId: 'f1' },
    { type: 'typing', conversationId, state: 'start' },
    { type: 'read', conversationId, upToSeq: 1 }
  ]

  for (const frame of frames) {
    t.equal((await s.request(frame)).code, 'FORBIDDEN', `${frame.type} foreign`)
    const answer = await s.request({ ...frame, conversationId: unknown })
    t.equal(answer.code, 'NOT_FOUND', `${frame.type} unknown`)
  }

  t.ok(s.isOpen)
  const stored = await fx.testApp.app.db.query(
    "select count(*)::int as n from messages where client_msg_id = 'f1'")
  t.equal(stored[0].n, 0)
})

t.test('content rules: empty or control characters BAD_REQUEST, over 4000 PAYLOAD_TOO_LARGE', async (t) => {
  const s = await fx.socket(t, 'coA')
  const send = async (content: string, clientMsgId: string) =>
    await s.request({ type: 'send', conversationId, content, clientMsgId })

  t.equal((await send('   ', 'c1')).code, 'BAD_REQUEST')
  t.equal((await send('bell\u0007', 'c2')).code, 'BAD_REQUEST')
  t.equal((await send('é'.repeat(4001), 'c3')).code, 'PAYLOAD_TOO_LARGE')

  const exactly = await s.sendMessage(conversationId, 'c4', ` ${'😀'.repeat(4000)} `)
  t.equal(exactly.content, '😀'.repeat(4000), 'stored trimmed, counted in code points')
  t.ok(s.isOpen)
})

t.test('a fault of ours is INTERNAL and the socket stays open', async (t) => {
  // A conversation whose row disappears under the cached access check makes
  // the store fail: a real server-side fault, not a client mistake.
  const coB = caller(fx.testApp, 'coB')
  const res = await coB('POST', '/api/conversations', { candidateId: 'k2' })
  t.equal(res.statusCode, 201)
  const doomed = res.json().id as string

  const s = await fx.socket(t, 'coB')
  await s.ok({ type: 'typing', conversationId: doomed, state: 'stop' })
  await fx.testApp.app.db.query('delete from conversations where id = $1', [doomed])

  const frame = { ...send, id: 'i1', conversationId: doomed, clientMsgId: 'i1' }
  const answer = await s.request(frame)
  t.same(answer, { type: 'error', id: 'i1', code: 'INTERNAL', message: 'Internal error' })
  t.equal((await s.request({ type: 'ping' })).type, 'pong')
})
