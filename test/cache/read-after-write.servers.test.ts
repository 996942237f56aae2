import { test } from 'tap'
import { callers, setupS } from '../helpers/api.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { twoInstances } from './instances.js'

/*
 * A write invalidates before it responds: a read that follows it, on the
 * same instance or another one sharing Redis, never gets the old value.
 * Every read below is warmed first, so a stale entry would be served.
 */
test('reads after writes see the write, on both instances', async (t) => {
  const [i1, i2] = await twoInstances(t, { redisUrl: await redisUrlForTest(t) })
  const on1 = callers(i1)
  const on2 = callers(i2)
  const { jobId, conversationId } = await setupS(i1)

  async function warm (caller: typeof on1.coA, url: string) {
    await caller('GET', url)
    const again = await caller('GET', url)
    t.equal(again.headers['x-cache'], 'HIT', `${url} is cached before the write`)
  }

  t.test('a job change shows in the job lists and the dashboard', async (t) => {
    await warm(on1.k1, '/api/jobs?companyId=coA')
    await warm(on1.k2, '/api/jobs')
    await warm(on1.coA, '/api/company/dashboard')

    const patched = await on2.coA('PATCH', `/api/jobs/${jobId}`, { title: 'Renamed', status: 'closed' })
    t.equal(patched.statusCode, 200)

    const filtered = (await on1.k1('GET', '/api/jobs?companyId=coA')).json()
    const all = (await on1.k2('GET', '/api/jobs')).json()
    const dashboard = (await on1.coA('GET', '/api/company/dashboard')).json()
    t.equal(filtered.items[0].title, 'Renamed')
    t.equal(all.items[0].status, 'closed')
    t.equal(dashboard.openJobs, 0)

    const sameInstance = (await on2.k1('GET', '/api/jobs?companyId=coA')).json()
    t.equal(sameInstance.items[0].title, 'Renamed')
  })

  t.test('a new job shows at once', async (t) => {
    await warm(on2.k1, '/api/jobs?companyId=coA')

    const created = await on1.coA('POST', '/api/jobs', { title: 'Second', description: 'y' })
    t.equal(created.statusCode, 201)

    const list = (await on2.k1('GET', '/api/jobs?companyId=coA')).json()
    t.equal(list.total, 2)
    t.equal(list.items[0].title, 'Second')
  })

  t.test('an application shows in candidates and the dashboard', async (t) => {
    const openJob = (await on1.coA('POST', '/api/jobs', { title: 'Open', description: 'z' })).json()
    await warm(on1.coA, '/api/company/candidates')
    await warm(on1.coA, '/api/company/dashboard')

    const applied = await on2.k2('POST', `/api/jobs/${openJob.id}/applications`)
    t.equal(applied.statusCode, 201)

    const candidates = (await on1.coA('GET', '/api/company/candidates')).json()
    const dashboard = (await on1.coA('GET', '/api/company/dashboard')).json()
    t.equal(candidates.total, 1)
    t.equal(dashboard.applicationsByStatus.applied, 1)

    await on2.coA('PATCH', `/api/applications/${applied.json().id}`, { status: 'interview' })
    const after = (await on1.coA('GET', '/api/company/dashboard')).json()
    t.equal(after.applicationsByStatus.interview, 1)
    t.equal((await on1.coA('GET', '/api/company/candidates')).json().items[0].status, 'interview')
  })

  t.test('a message shows in lists, pages and the dashboard', async (t) => {
    const page = `/api/conversations/${conversationId}/messages`
    await warm(on1.k1, '/api/conversations')
    await warm(on1.coA, '/api/conversations')
    await warm(on1.k1, page)
    await warm(on1.coA, '/api/company/dashboard')

    const sent = await on2.coA('POST', page, { content: 'hello k1', clientMsgId: 'raw-1' })
    t.equal(sent.statusCode, 201)

    const k1List = (await on1.k1('GET', '/api/conversations')).json()
    const coAList = (await on1.coA('GET', '/api/conversations')).json()
    const messages = (await on1.k1('GET', page)).json()
    const dashboard = (await on1.coA('GET', '/api/company/dashboard')).json()
    t.equal(k1List.items[0].lastMessage.content, 'hello k1')
    t.equal(k1List.items[0].unreadCount, 1)
    t.equal(coAList.items[0].lastMessage.content, 'hello k1')
    t.same(messages.items.map((m: { content: string }) => m.content), ['hello k1'])
    t.equal(dashboard.activeConversations, 1)
  })

  t.test('a read mark shows in the reader\'s list', async (t) => {
    await warm(on1.k1, '/api/conversations')

    const read = await on2.k1('POST', `/api/conversations/${conversationId}/read`, { upToSeq: 1 })
    t.equal(read.statusCode, 200)

    const list = (await on1.k1('GET', '/api/conversations')).json()
    t.equal(list.items[0].unreadCount, 0)
  })

  t.test('a new conversation shows in both participants\' lists', async (t) => {
    await warm(on1.k2, '/api/conversations')
    await warm(on1.coA, '/api/conversations')

    const opened = await on2.coA('POST', '/api/conversations', { candidateId: 'k2' })
    t.equal(opened.statusCode, 201)

    t.equal((await on1.k2('GET', '/api/conversations')).json().items.length, 1)
    t.equal((await on1.coA('GET', '/api/conversations')).json().items.length, 2)
  })
})
