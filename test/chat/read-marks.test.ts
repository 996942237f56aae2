import t from 'tap'
import type { Identity } from '../../src/auth/identity.js'
import type { ReadEvent } from '../../src/chat/read-marks.js'
import { countUnreadNotifications } from '../../src/db/queries/notifications.js'
import { conversations, participants, users } from '../../src/db/schema.js'
import { buildTestApp } from '../helpers/app.js'

const { app } = await buildTestApp(t)
const expiresAt = Date.now() + 3_600_000
const company: Identity = { userId: 'coA', role: 'company', name: null, expiresAt }
const candidate: Identity = { ...company, userId: 'k1', role: 'candidate' }
const stranger: Identity = { ...company, userId: 'k2', role: 'candidate' }

await app.db.db.insert(users).values([
  { id: 'coA', role: 'company' }, { id: 'k1', role: 'candidate' }, { id: 'k2', role: 'candidate' }
])
const [conversation] = await app.db.db.insert(conversations)
  .values({ companyId: 'coA', candidateId: 'k1', jobKey: '' }).returning()
await app.db.db.insert(participants).values([
  { conversationId: conversation.id, userId: 'coA' },
  { conversationId: conversation.id, userId: 'k1' }
])
for (let i = 1; i <= 3; i++) {
  await app.chat.store.insert({
    conversationId: conversation.id,
    senderId: 'coA',
    content: `m${i}`,
    clientMsgId: `c${i}`,
    notifyUserId: 'k1'
  })
}

const events: ReadEvent[] = []
app.chat.reads.on('read', (event) => events.push(event))

t.test('a read mark moves to max(old, upToSeq) capped at lastSeq', async (t) => {
  t.equal(await countUnreadNotifications(app.db, 'k1'), 3)

  const first = await app.chat.reads.markRead(candidate, conversation.id, 2)
  t.same(first, { conversationId: conversation.id, userId: 'k1', lastReadSeq: 2, advanced: true })
  t.equal(await countUnreadNotifications(app.db, 'k1'), 1)

  const back = await app.chat.reads.markRead(candidate, conversation.id, 1)
  t.same(back, { conversationId: conversation.id, userId: 'k1', lastReadSeq: 2, advanced: false })

  const beyond = await app.chat.reads.markRead(candidate, conversation.id, 99)
  t.same(beyond, { conversationId: conversation.id, userId: 'k1', lastReadSeq: 3, advanced: true })
  t.equal(await countUnreadNotifications(app.db, 'k1'), 0)

  const again = await app.chat.reads.markRead(candidate, conversation.id, 3)
  t.equal(again.advanced, false)

  t.same(events.map((e) => [e.userId, e.lastReadSeq]), [['k1', 2], ['k1', 3]])
  t.equal(events[0].members.companyId, 'coA')
})

t.test('concurrent reads of one user advance once per new value', async (t) => {
  events.length = 0
  const marks = await Promise.all([1, 2, 3, 3, 2].map(async (seq) =>
    await app.chat.reads.markRead(company, conversation.id, seq)))

  t.equal(Math.max(...marks.map((m) => m.lastReadSeq)), 3)
  t.ok(events.length >= 1 && events.length <= 3)
  const seqs = events.map((e) => e.lastReadSeq)
  t.same(seqs, [...new Set(seqs)], 'no value is broadcast twice')
})

t.test('a non-participant, an unknown or malformed id, and a bad seq are refused', async (t) => {
  await t.rejects(app.chat.reads.markRead(stranger, conversation.id, 1), { code: 'FORBIDDEN' })
  await t.rejects(app.chat.reads.markRead(candidate, '00000000-0000-4000-8000-000000000000', 1),
    { code: 'NOT_FOUND' })
  await t.rejects(app.chat.reads.markRead(candidate, 'nope', 1), { code: 'BAD_REQUEST' })
  for (const bad of [-1, 1.5, '2', 2 ** 31, null]) {
    await t.rejects(app.chat.reads.markRead(candidate, conversation.id, bad), { code: 'BAD_REQUEST' })
  }
})
