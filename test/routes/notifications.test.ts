import t from 'tap'
import { countUnreadNotifications } from '../../src/db/queries/notifications.js'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const { conversationId } = await setupS(testApp)
const url = `/api/conversations/${conversationId}/messages`

interface Notification { id: string, messageId: string, preview: string, readAt: string | null }

async function send (user: 'coA' | 'k1', content: string, clientMsgId: string) {
  return (await as[user]('POST', url, { content, clientMsgId })).json()
}

async function unread (user: 'coA' | 'k1'): Promise<Notification[]> {
  return (await as[user]('GET', '/api/notifications?unread=true')).json().items
}

const first = await send('coA', 'first', 'n-1')
const second = await send('coA', 'second', 'n-2')
const long = await send('coA', `${'é'.repeat(60)}${'😀'.repeat(90)}`, 'n-3')

t.test('the recipient gets one notification per message, newest first; the sender none', async (t) => {
  const res = await as.k1('GET', '/api/notifications')

  t.equal(res.statusCode, 200)
  const { items, page, pageSize, total } = res.json()
  t.same({ page, pageSize, total }, { page: 1, pageSize: 20, total: 3 })
  t.same(items.map((n: Notification) => n.messageId), [long.id, second.id, first.id])
  t.same(Object.keys(items[0]).sort(),
    ['conversationId', 'createdAt', 'id', 'kind', 'messageId', 'preview', 'readAt'])
  t.match(items[1], { kind: 'message', conversationId, preview: 'second', readAt: null })
  const preview = `${'é'.repeat(60)}${'😀'.repeat(40)}`
  t.equal(items[0].preview, preview, 'preview is the first 100 code points')

  t.same((await as.coA('GET', '/api/notifications')).json().items, [])
  t.equal(await countUnreadNotifications(testApp.app.db, 'k1'), 3)
})

t.test('POST /api/notifications/read {ids} marks mine and counts those that were unread', async (t) => {
  const [newest] = await unread('k1')

  t.same((await as.k1('POST', '/api/notifications/read', { ids: [newest.id] })).json(), { updated: 1 })
  t.same((await as.k1('POST', '/api/notifications/read', { ids: [newest.id] })).json(), { updated: 0 })

  const left = await unread('k1')
  t.same(left.map((n) => n.messageId), [second.id, first.id])
  const all = (await as.k1('GET', '/api/notifications?unread=false')).json().items
  const readOne = all.find((n: Notification) => n.id === newest.id)
  t.equal(readOne.readAt, new Date(readOne.readAt).toISOString())
  t.equal(await countUnreadNotifications(testApp.app.db, 'k1'), 2)
})

t.test('POST /api/notifications/read: 403 another user\'s, 404 unknown, 400 bad body', async (t) => {
  const [mine] = await unread('k1')
  const cases: Array<[keyof typeof as, unknown, number, string]> = [
    ['coA', { ids: [mine.id] }, 403, 'FORBIDDEN'],
    ['k1', { ids: [mine.id, UNKNOWN] }, 404, 'NOT_FOUND'],
    ['k1', { ids: ['nope'] }, 400, 'BAD_REQUEST'],
    ['k1', { ids: [] }, 400, 'BAD_REQUEST'],
    ['k1', { ids: Array(101).fill(mine.id) }, 400, 'BAD_REQUEST'],
    ['k1', { ids: mine.id }, 400, 'BAD_REQUEST'],
    ['k1', { all: false }, 400, 'BAD_REQUEST'],
    ['k1', { all: 'true' }, 400, 'BAD_REQUEST'],
    ['k1', { ids: [mine.id], all: true }, 400, 'BAD_REQUEST'],
    ['k1', {}, 400, 'BAD_REQUEST']
  ]
  for (const [user, body, status, code] of cases) {
    const res = await as[user]('POST', '/api/notifications/read', body)
    t.equal(res.statusCode, status, `${user} ${JSON.stringify(body).slice(0, 60)}`)
    t.equal(res.json().code, code)
  }
  t.equal((await unread('k1')).length, 2, 'a refused call changes nothing')
  t.equal((await as.k1('GET', '/api/notifications?unread=maybe')).statusCode, 400)
})

t.test('POST /api/notifications/read {all: true} marks every unread one', async (t) => {
  t.same((await as.k1('POST', '/api/notifications/read', { all: true })).json(), { updated: 2 })
  t.same(await unread('k1'), [])
  t.same((await as.k1('POST', '/api/notifications/read', { all: true })).json(), { updated: 0 })
})

t.test('reading a conversation marks its notifications read up to the mark', async (t) => {
  const fourth = await send('coA', 'fourth', 'n-4')
  const fifth = await send('coA', 'fifth', 'n-5')
  await send('k1', 'a reply', 'n-6')
  t.same((await unread('coA')).length, 1)

  await as.k1('POST', `/api/conversations/${conversationId}/read`, { upToSeq: fourth.seq })
  t.same((await unread('k1')).map((n) => n.messageId), [fifth.id])

  await as.k1('POST', `/api/conversations/${conversationId}/read`, { upToSeq: fifth.seq })
  t.same(await unread('k1'), [])
  t.equal((await unread('coA')).length, 1, 'the other participant\'s stay unread')
})

t.test('notifications page like every list', async (t) => {
  const res = await as.k1('GET', '/api/notifications?page=2&pageSize=2')

  t.match(res.json(), { page: 2, pageSize: 2, total: 5 })
  t.same(res.json().items.map((n: Notification) => n.messageId), [long.id, second.id])
})
