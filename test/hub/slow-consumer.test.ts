import type { Socket } from 'node:net'
import t from 'tap'
import { CloseCodes } from '../../src/errors.js'
import type { Connection } from '../../src/hub/connection.js'
import { hubFixture } from './fixture.js'

const MAX_BUFFERED = 65_536
const fx = await hubFixture(t, {
  env: {
    WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
    WS_SEND_LIMIT: '100000',
    WS_FRAME_LIMIT: '100000'
  }
})
const { conversationId } = fx
const { app } = fx.testApp
const coA = {
  userId: 'coA', role: 'company' as const, name: null, expiresAt: Date.now() + 3_600_000
}
// About 12 KB a frame, so the kernel's socket buffers fill in a few hundred messages.
const bulky = '€'.repeat(4000)
let sent = 0

async function sendBatch (count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, async () => {
    const clientMsgId = `bulk-${sent++}`
    await app.chat.sender.send(coA, { conversationId, content: bulky, clientMsgId })
  }))
}

function serverSide (sessionId: string): Connection {
  const conn = [...app.hub.connections].find((c) => c.sessionId === sessionId)
  if (!conn) throw new Error('no such connection')
  return conn
}

t.test('a client that stops reading is closed with 1013 and its buffer stays bounded', async (t) => {
  const witness = await fx.joined(t, 'coA')
  const slow = await fx.joined(t, 'k1')
  const conn = serverSide(slow.frames[0].sessionId)
  const raw = (slow.ws as unknown as { _socket: Socket })._socket
  raw.pause()

  let peak = 0
  while (conn.open && sent < 3000) {
    await sendBatch(25)
    peak = Math.max(peak, conn.bufferedAmount)
  }
  t.notOk(conn.open, 'closed by the server')
  t.ok(peak <= MAX_BUFFERED, `send buffer peaked at ${peak} bytes`)

  raw.resume()
  const closed = await slow.closed
  t.equal(closed.code, CloseCodes.TRY_AGAIN_LATER.code)
  t.equal(closed.reason, 'slow consumer')

  await witness.count((f) => f.type === 'message', sent, 30_000)
  const seqs = witness.messages().map((f) => f.message.seq)
  const all = Array.from({ length: sent }, (_, i) => i + 1)
  t.same(seqs, all, 'the reading socket got everything, in order')
})

t.test('a large replay is paced by the buffer and never trips the limit', async (t) => {
  const bytes = Buffer.byteLength(bulky) * sent
  t.ok(bytes > 4 * MAX_BUFFERED, `${sent} stored messages to replay`)
  const reader = await fx.socket(t, 'k1')
  const result = await reader.ok({ type: 'join', conversationId, afterSeq: 0 })
  t.equal(result.truncated, sent > 500)

  const due = Math.min(sent, 500)
  const replayed = await reader.count((f) => f.type === 'message', due, 60_000)
  t.equal(replayed.length, due)
  t.ok(reader.isOpen)
})
