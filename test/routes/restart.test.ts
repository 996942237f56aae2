import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

t.test('data survives a restart in embedded mode', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobboard-restart-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const embedded = { env: { DATA_DIR: dataDir, DATABASE_URL: undefined }, redis: false }

  const first = await buildTestApp(t, embedded)
  t.equal(first.app.db.kind, 'pglite')
  const { jobId, conversationId } = await setupS(first)
  const as = callers(first)
  await as.k1('POST', `/api/jobs/${jobId}/applications`)
  const sent = (await as.coA('POST', `/api/conversations/${conversationId}/messages`, {
    content: 'kept across restarts', clientMsgId: 'keep-1'
  })).json()
  await as.k1('POST', `/api/conversations/${conversationId}/read`, { upToSeq: 1 })
  await first.app.close()

  const second = await buildTestApp(t, embedded)
  const again = callers(second)

  const job = await again.k2('GET', `/api/jobs/${jobId}`)
  t.equal(job.statusCode, 200)
  t.equal(job.json().title, 'Backend dev')

  const messages = await again.k1('GET', `/api/conversations/${conversationId}/messages`)
  t.same(messages.json(), { items: [sent], hasMore: false })

  const conversation = await again.k1('GET', `/api/conversations/${conversationId}`)
  t.match(conversation.json(), { lastSeq: 1, unreadCount: 0, lastMessage: sent })

  const candidates = await again.coA('GET', `/api/company/candidates?jobId=${jobId}`)
  t.same(candidates.json().items.map((a: { candidateId: string }) => a.candidateId), ['k1'])

  const next = await again.k1('POST', `/api/conversations/${conversationId}/messages`, {
    content: 'after the restart', clientMsgId: 'keep-2'
  })
  t.equal(next.json().seq, 2, 'seq carries on from the stored conversation')
  const resend = await again.coA('POST', `/api/conversations/${conversationId}/messages`, {
    content: 'kept across restarts', clientMsgId: 'keep-1'
  })
  t.equal(resend.statusCode, 200, 'idempotency survives the restart')
  t.same(resend.json(), sent)
})
