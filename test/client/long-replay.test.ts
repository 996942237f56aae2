import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { setupS } from '../helpers/api.js'
import { waitFor } from '../helpers/wait.js'
import { closeLeftoverConnections, collectMessages, SocketGate, testClient } from './harness.js'

const testApp = await buildTestApp(t, { listen: true, env: { WS_SEND_LIMIT: '100000' } })
closeLeftoverConnections(t, testApp)
const { conversationId } = await setupS(testApp)
const TOTAL = 540

// Sent 60 at a time, which the store writes in few batched statements.
const company = {
  userId: 'coA', role: 'company' as const, name: null, expiresAt: Date.now() + 3600_000
}
for (let start = 1; start <= TOTAL; start += 60) {
  await Promise.all(Array.from({ length: 60 }, async (_, i) => {
    const n = start + i
    const input = { conversationId, content: `m${n}`, clientMsgId: `bulk-${n}` }
    await testApp.app.chat.sender.send(company, input)
  }))
}

t.test('a replay cut at 500 messages is completed over HTTP, in order, each once', async (t) => {
  const gate = new SocketGate()
  const client = testClient(t, testApp, 'k1', 'candidate', { WebSocket: gate.WebSocket })
  const seen = collectMessages(client, conversationId)

  const joined = await client.join(conversationId, { afterSeq: 10 })
  t.equal(joined.truncated, true)
  t.equal(joined.lastSeq, TOTAL)

  await waitFor('every message after seq 10', () => seen.length === TOTAL - 10)
  const replayed = gate.received.filter((frame) => frame.type === 'message').length
  t.equal(replayed, 500, 'the socket replayed 500')

  t.same(seen.map((m) => m.seq), Array.from({ length: TOTAL - 10 }, (_, i) => i + 11))
  t.equal(new Set(seen.map((m) => m.content)).size, TOTAL - 10, 'each message once')
  t.equal(client.lastSeq(conversationId), TOTAL)
})
