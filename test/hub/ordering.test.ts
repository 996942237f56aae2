import t from 'tap'
import { channels } from '../../src/broker/broker.js'
import type { MessageView } from '../../src/chat/message-view.js'
import { messageBody } from '../../src/hub/server-frames.js'
import { hubFixture } from './fixture.js'

/*
 * Messages published by other instances may arrive late, early or twice.
 * Publishing on the broker directly, as another instance would, shows that
 * each room delivers in seq order and once, filling gaps from PostgreSQL.
 */
const fx = await hubFixture(t)
const { conversationId } = fx
const { app } = fx.testApp

async function store (clientMsgId: string): Promise<MessageView> {
  const stored = await app.chat.store.insert({
    conversationId, senderId: 'coA', content: clientMsgId, clientMsgId, notifyUserId: null
  })
  return stored.message
}

function publish (message: MessageView): void {
  app.broker.publish(channels.conversation(conversationId), {
    type: 'message', conversationId, message: messageBody(message)
  })
}

t.test('a later seq arriving first waits for the gap to be filled from PostgreSQL', async (t) => {
  const k = await fx.joined(t, 'k1')
  const missed = await store('never-published')
  const later = await store('published')

  publish(later)
  await k.count((f) => f.type === 'message', 2)
  t.same(k.messages().map((f) => f.message.seq), [missed.seq, later.seq])
  t.same(k.messages()[0].message, messageBody(missed), 'the filled message as stored')
})

t.test('duplicates and stale seqs are dropped', async (t) => {
  const k = await fx.joined(t, 'k1')
  const first = await store('dup-1')
  publish(first)
  publish(first)
  await k.next((f) => f.type === 'message')

  publish({ ...first, seq: first.seq - 1 })
  await k.barrier()
  t.same(k.messages().map((f) => f.message.seq), [first.seq])
})

t.test('two messages published out of order are delivered in order', async (t) => {
  const k = await fx.joined(t, 'k1')
  const a = await store('swap-a')
  const b = await store('swap-b')

  publish(b)
  publish(a)
  await k.count((f) => f.type === 'message', 2)
  await k.barrier()
  t.same(k.messages().map((f) => f.message.seq), [a.seq, b.seq])
})
