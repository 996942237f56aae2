import { test } from 'tap'
import { conversations, participants, users } from '../../src/db/schema.js'
import { MessageStore } from '../../src/chat/message-store.js'
import { buildTestApp } from '../helpers/app.js'

async function seedConversation (app: Awaited<ReturnType<typeof buildTestApp>>['app'], jobKey = '') {
  const { db } = app.db
  await db.insert(users).values([
    { id: 'coA', role: 'company' },
    { id: 'k1', role: 'candidate' }
  ]).onConflictDoNothing()
  const [conversation] = await db.insert(conversations)
    .values({ companyId: 'coA', candidateId: 'k1', jobKey })
    .returning()
  await db.insert(participants).values([
    { conversationId: conversation.id, userId: 'coA' },
    { conversationId: conversation.id, userId: 'k1' }
  ])
  return conversation.id
}

test('concurrent inserts get seq 1..N with no gap and no duplicate', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await seedConversation(app, 'a')
  const second = await seedConversation(app, 'b')
  const store = new MessageStore(app.db)

  const sends = Array.from({ length: 60 }, (_, i) => store.insert({
    conversationId: i % 2 === 0 ? first : second,
    senderId: i % 3 === 0 ? 'coA' : 'k1',
    content: `message ${i}`,
    clientMsgId: `c-${i}`,
    notifyUserId: null
  }))
  const results = await Promise.all(sends)

  for (const conversationId of [first, second]) {
    const seqs = results.filter((r) => r.message.conversationId === conversationId)
      .map((r) => r.message.seq).sort((a, b) => a - b)
    t.same(seqs, Array.from({ length: 30 }, (_, i) => i + 1))
  }
  t.ok(results.every((r) => r.created))
})

test('a repeated clientMsgId returns the stored message and leaves no gap', async (t) => {
  const { app } = await buildTestApp(t)
  const conversationId = await seedConversation(app)
  const store = new MessageStore(app.db)
  const input = { conversationId, senderId: 'k1', content: 'hello', clientMsgId: 'same', notifyUserId: 'coA' }

  const [a, b, c] = await Promise.all([
    store.insert(input),
    store.insert({ ...input, content: 'different text' }),
    store.insert({ ...input, clientMsgId: 'other' })
  ])
  const d = await store.insert(input)

  t.equal(a.created, true)
  t.equal(b.created, false)
  t.equal(b.message.id, a.message.id)
  t.equal(b.message.content, 'hello')
  t.equal(d.created, false)
  t.equal(d.message.seq, a.message.seq)
  t.same([a.message.seq, c.message.seq].sort(), [1, 2])
  t.equal(a.notification?.userId, 'coA')
  t.equal(b.notification, null)

  const after = await store.listAfter(conversationId, 0, 10)
  t.same(after.map((m) => m.seq), [1, 2])
})
