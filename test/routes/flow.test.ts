import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)

t.test('company posts a job, candidate applies, they talk over HTTP', async (t) => {
  const { jobId, conversationId } = await setupS(testApp)

  const applied = await as.k1('POST', `/api/jobs/${jobId}/applications`)
  t.equal(applied.statusCode, 201)
  t.match(applied.json(), { jobId, candidateId: 'k1', status: 'applied' })

  const first = await as.coA('POST', `/api/conversations/${conversationId}/messages`, {
    content: '  Hello k1  ', clientMsgId: 'flow-1'
  })
  const second = await as.k1('POST', `/api/conversations/${conversationId}/messages`, {
    content: 'Hello coA', clientMsgId: 'flow-2'
  })
  t.equal(first.statusCode, 201)
  t.equal(second.statusCode, 201)
  t.match(first.json(), {
    conversationId, seq: 1, senderId: 'coA', content: 'Hello k1', clientMsgId: 'flow-1'
  })
  t.match(second.json(), {
    conversationId, seq: 2, senderId: 'k1', content: 'Hello coA', clientMsgId: 'flow-2'
  })

  const page = await as.k1('GET', `/api/conversations/${conversationId}/messages`)
  t.equal(page.statusCode, 200)
  t.same(page.json(), { items: [first.json(), second.json()], hasMore: false })

  const listed = await as.coA('GET', '/api/conversations')
  t.equal(listed.statusCode, 200)
  t.same(listed.json(), {
    items: [{
      id: conversationId,
      companyId: 'coA',
      candidateId: 'k1',
      jobId,
      lastSeq: 2,
      lastMessage: second.json(),
      unreadCount: 1,
      createdAt: listed.json().items[0].createdAt
    }],
    page: 1,
    pageSize: 20,
    total: 1
  })
})
