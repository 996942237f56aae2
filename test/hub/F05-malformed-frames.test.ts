import { PassThrough } from 'node:stream'
import t from 'tap'
import { caller } from '../helpers/api.js'
import { RawWebSocket } from '../helpers/raw-ws.js'
import { hubFixture } from './fixture.js'

/*
 * F05: protocol-level garbage or an oversized frame must close only the
 * socket that sent it, never crash or bloat the process. Every frame here
 * is built by hand over raw TCP.
 */
const logs = new PassThrough()
const lines: string[] = []
logs.on('data', (chunk: Buffer) => {
  lines.push(...chunk.toString().split('\n').filter(Boolean))
})

const fx = await hubFixture(t, { logStream: logs, env: { LOG_LEVEL: 'info' } })
const { conversationId } = fx
const port = Number(new URL(fx.baseUrl).port)
const pid = process.pid
const open = async () => await RawWebSocket.open(port, fx.tokenOf('coA'))

const witness = await fx.joined(t, 'k1')

t.test('1: invalid UTF-8 in a text frame closes 1007', async (t) => {
  const s = await open()
  s.write({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28]) })
  t.equal(await s.closeCode, 1007)
})

t.test('2: a text frame with RSV2 set closes 1002', async (t) => {
  const s = await open()
  s.write({ opcode: 0x1, rsv: 0b010, payload: Buffer.from('{"type":"ping"}') })
  t.equal(await s.closeCode, 1002)
})

t.test('3: a frame with the reserved opcode 0x3 closes 1002', async (t) => {
  const s = await open()
  s.write({ opcode: 0x3, payload: Buffer.from('x') })
  t.equal(await s.closeCode, 1002)
})

t.test('4: one text frame of 65,537 bytes closes 1009', async (t) => {
  const s = await open()
  const head = '{"type":"ping","pad":"'
  const text = head + 'a'.repeat(65_537 - head.length - 2) + '"}'
  t.equal(Buffer.byteLength(text), 65_537)
  s.write({ opcode: 0x1, payload: Buffer.from(text) })
  t.equal(await s.closeCode, 1009)
})

t.test('5: a header announcing 8 GiB closes 1009 at once, memory stays flat', async (t) => {
  const s = await open()
  global.gc?.()
  const before = process.memoryUsage().rss

  s.write({ opcode: 0x1, announcedLength: 8 * 1024 ** 3 })
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  for (let i = 0; i < 16 && !s.socket.destroyed; i++) s.socket.write(chunk)

  t.equal(await s.closeCode, 1009)
  const grown = process.memoryUsage().rss - before
  t.ok(grown < 16 * 1024 * 1024, `RSS grew by ${grown} bytes`)
})

t.test('6: a message in 100 fragments of 1 KiB closes 1009', async (t) => {
  const s = await open()
  const piece = Buffer.alloc(1024, 0x61)
  for (let i = 0; i < 100 && !s.socket.destroyed; i++) {
    s.write({ opcode: i === 0 ? 0x1 : 0x0, fin: i === 99, payload: piece })
  }
  t.equal(await s.closeCode, 1009)
})

t.test('7: JSON garbage gets BAD_REQUEST, frame by frame, on a socket that stays open', async (t) => {
  const s = await open()
  const depth = 30_720
  const nested = `{"type":"ping","id":"c6","x":${'['.repeat(depth)}${']'.repeat(depth)}}`
  t.ok(nested.length >= 60 * 1024 && nested.length < 64 * 1024,
    'a 60 KiB frame nested about 30,000 deep')
  const c5 = {
    type: 'send', id: 'c5', conversationId, content: { a: 1 }, clientMsgId: 'x'
  }

  const garbage: Array<[string, string | undefined]> = [
    ['not json', undefined],
    ['[]', undefined],
    ['null', undefined],
    ['42', undefined],
    ['{"type":"constructor","id":"c1"}', 'c1'],
    ['{"type":"__proto__","id":"c2"}', 'c2'],
    ['{"type":"toString","id":"c3"}', 'c3'],
    ['{"type":"join","id":"c4","conversationId":{"$ne":null}}', 'c4'],
    [JSON.stringify(c5), 'c5'],
    [nested, 'c6'],
    [`{"type":"ping","id":"${'i'.repeat(65)}"}`, undefined]
  ]

  for (const [text, id] of garbage) {
    const before = s.texts().length
    s.sendText(text)
    await waitFor(() => s.texts().length > before)
    const answer = s.texts()[before]
    const got = [answer.type, answer.code, answer.id]
    t.same(got, ['error', 'BAD_REQUEST', id], text.slice(0, 40))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  s.sendText('{"type":"ping","id":"p1"}')
  const pong = await s.nextText((f) => f.id === 'p1')
  t.equal(pong.type, 'pong')
  t.ok(s.open, 'open throughout')

  const stored = await fx.testApp.app.db.query(
    "select count(*)::int as n from messages where client_msg_id = 'x'")
  t.equal(stored[0].n, 0, 'nothing stored for c5')
  s.destroy()
})

t.test('8: afterwards the process is alive and the witness untouched', async (t) => {
  const url = `/api/conversations/${conversationId}/messages`
  const body = { content: 'still here', clientMsgId: 'f05-after' }
  const res = await caller(fx.testApp, 'coA')('POST', url, body)
  t.equal(res.statusCode, 201)

  const health = await fetch(`${fx.baseUrl}/health`)
  t.equal(health.status, 200)
  t.equal(process.pid, pid)

  const message = await witness.next((f) => f.message?.clientMsgId === 'f05-after')
  t.equal(message.message.content, 'still here')
  t.ok(witness.isOpen, 'the witness was never closed')

  const faults = lines.map((line) => JSON.parse(line))
    .filter((entry) => entry.level >= 50)
  t.same(faults, [], 'no error logged: nothing uncaught, nothing unhandled')
})

async function waitFor (check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
