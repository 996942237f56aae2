import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const { jobId, conversationId } = await setupS(testApp)
await as.adm('GET', '/api/notifications')
await as.coB('GET', '/api/notifications')
const foreignJob = (await as.coB('POST', '/api/jobs', { title: 'B job', description: 'b' })).json()

async function send (user: 'coA' | 'k1' | 'k2', id: string, content: string) {
  const body = { content, clientMsgId: content }
  return (await as[user]('POST', `/api/conversations/${id}/messages`, body)).json()
}

t.test('POST /api/conversations answers 201 when new and 200 with the existing one', async (t) => {
  const again = await as.coA('POST', '/api/conversations', { candidateId: 'k1', jobId })
  t.equal(again.statusCode, 200)
  t.same(again.json(), {
    id: conversationId,
    companyId: 'coA',
    candidateId: 'k1',
    jobId,
    lastSeq: 0,
    lastMessage: null,
    unreadCount: 0,
    createdAt: again.json().createdAt
  })

  const noJob = await as.coA('POST', '/api/conversations', { candidateId: 'k1' })
  t.equal(noJob.statusCode, 201)
  t.not(noJob.json().id, conversationId)
  t.equal(noJob.json().jobId, null)

  const nullJob = await as.coA('POST', '/api/conversations', { candidateId: 'k1', jobId: null })
  t.equal(nullJob.statusCode, 200)
  t.equal(nullJob.json().id, noJob.json().id)
})

t.test('concurrent creates of one conversation give one row, one 201 and the same id', async (t) => {
  const results = await Promise.all(Array.from({ length: 8 }, async () =>
    await as.coA('POST', '/api/conversations', { candidateId: 'k2', jobId })))

  t.same(results.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201])
  const ids = new Set(results.map((r) => r.json().id))
  t.equal(ids.size, 1)

  const [id] = ids
  const rows = await testApp.app.db.query<{ user_id: string }>(
    'select user_id from conversation_participants where conversation_id = $1 order by user_id', [id])
  t.same(rows.map((r) => r.user_id), ['coA', 'k2'])
})

t.test('opening: 404 unknown candidate, 400 not a candidate, 403 foreign job', async (t) => {
  const cases: Array<[keyof typeof as, unknown, number, string]> = [
    ['coA', { candidateId: 'nobody' }, 404, 'NOT_FOUND'],
    ['coA', { candidateId: 'coB' }, 400, 'BAD_REQUEST'],
    ['coA', { candidateId: 'adm' }, 400, 'BAD_REQUEST'],
    ['coA', { candidateId: 'k1', jobId: foreignJob.id }, 403, 'FORBIDDEN'],
    ['coA', { candidateId: 'k1', jobId: UNKNOWN }, 404, 'NOT_FOUND'],
    ['coA', { candidateId: 'k1', jobId: 'job-1' }, 400, 'BAD_REQUEST'],
    ['coA', { candidateId: '' }, 400, 'BAD_REQUEST'],
    ['coA', { candidateId: 42 }, 400, 'BAD_REQUEST'],
    ['coA', { candidateId: 'k1', companyId: 'coB' }, 400, 'BAD_REQUEST'],
    ['coA', {}, 400, 'BAD_REQUEST'],
    ['k1', { candidateId: 'k2' }, 403, 'FORBIDDEN'],
    ['adm', { candidateId: 'k1' }, 403, 'FORBIDDEN']
  ]
  for (const [user, body, status, code] of cases) {
    const res = await as[user]('POST', '/api/conversations', body)
    t.equal(res.statusCode, status, `${user} ${JSON.stringify(body)}`)
    t.equal(res.json().code, code)
  }
})

t.test('GET /api/conversations lists mine by latest activity, with unread counts', async (t) => {
  const solo = (await as.coB('POST', '/api/conversations', { candidateId: 'k1' })).json()
  await send('coA', conversationId, 'one')
  await send('coA', conversationId, 'two')
  const reply = await send('k1', conversationId, 'three')
  await send('k1', solo.id, 'hello B')

  const k1 = await as.k1('GET', '/api/conversations')
  t.equal(k1.statusCode, 200)
  const items = k1.json().items
  t.equal(items[0].id, solo.id, 'latest activity first')
  t.equal(items[1].id, conversationId)
  t.match(items[1], { lastSeq: 3, unreadCount: 2, companyId: 'coA', candidateId: 'k1', jobId })
  t.same(items[1].lastMessage, reply)
  t.equal(k1.json().total, 3)

  const coA = await as.coA('GET', `/api/conversations/${conversationId}`)
  t.match(coA.json(), { lastSeq: 3, unreadCount: 1 })

  await as.k1('POST', `/api/conversations/${conversationId}/read`, { upToSeq: 3 })
  const afterRead = (await as.k1('GET', '/api/conversations')).json().items
  t.equal(afterRead.find((c: { id: string }) => c.id === conversationId).unreadCount, 0)

  const paged = await as.k1('GET', '/api/conversations?page=2&pageSize=1')
  t.same(paged.json().items.map((c: { id: string }) => c.id), [conversationId])
  t.match(paged.json(), { page: 2, pageSize: 1, total: 3 })

  const none = { items: [], page: 1, pageSize: 20, total: 0 }
  t.same((await as.adm('GET', '/api/conversations')).json(), none)
  t.equal((await as.k1('GET', '/api/conversations?pageSize=500')).statusCode, 400)
})

t.test('GET /api/conversations/:id: participants only', async (t) => {
  t.equal((await as.k1('GET', `/api/conversations/${conversationId}`)).statusCode, 200)

  const cases: Array<[keyof typeof as, string, number, string]> = [
    ['coB', conversationId, 403, 'FORBIDDEN'],
    ['k2', conversationId, 403, 'FORBIDDEN'],
    ['adm', conversationId, 403, 'FORBIDDEN'],
    ['k1', UNKNOWN, 404, 'NOT_FOUND'],
    ['k1', 'not-a-conversation', 400, 'BAD_REQUEST'],
    ['k1', `${conversationId}x`, 400, 'BAD_REQUEST']
  ]
  for (const [user, id, status, code] of cases) {
    const res = await as[user]('GET', `/api/conversations/${id}`)
    t.equal(res.statusCode, status, `${user} ${id}`)
    t.equal(res.json().code, code)
  }
})
