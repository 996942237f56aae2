import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t, { env: { WS_SEND_LIMIT: '1000' } })
const as = callers(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const { conversationId } = await setupS(testApp)
await as.adm('GET', '/api/notifications')
await as.coB('GET', '/api/notifications')
const url = `/api/conversations/${conversationId}/messages`

interface Message { id: string, seq: number, content: string, clientMsgId: string, senderId: string }
const seqs = (res: { json(): { items: Message[] } }) => res.json().items.map((m) => m.seq)

t.test('POST messages stores trimmed content and answers 201 with the message', async (t) => {
  const res = await as.coA('POST', url, { content: '\n  Welcome, k1 \t', clientMsgId: 'm-1' })

  t.equal(res.statusCode, 201)
  const message = res.json()
  t.same(Object.keys(message).sort(),
    ['clientMsgId', 'content', 'conversationId', 'createdAt', 'id', 'senderId', 'seq'])
  t.match(message, {
    conversationId, seq: 1, senderId: 'coA', content: 'Welcome, k1', clientMsgId: 'm-1'
  })
  t.equal(message.createdAt, new Date(message.createdAt).toISOString())
})

t.test('a resent clientMsgId answers 200 with the stored message, whatever its content', async (t) => {
  const first = await as.k1('POST', url, { content: 'original', clientMsgId: 'dup-1' })
  const again = await as.k1('POST', url, { content: 'edited', clientMsgId: 'dup-1' })

  t.equal(first.statusCode, 201)
  t.equal(again.statusCode, 200)
  t.same(again.json(), first.json())

  const other = await as.coA('POST', url, { content: 'same id, other sender', clientMsgId: 'dup-1' })
  t.equal(other.statusCode, 201, 'clientMsgId is scoped to its sender')
  t.equal(other.json().seq, first.json().seq + 1)
})

t.test('message content and clientMsgId rules', async (t) => {
  const emoji = '😀'.repeat(4000)
  const long = await as.k1('POST', url, { content: emoji, clientMsgId: 'emoji' })
  t.equal(long.statusCode, 201, '4000 code points fit although 8000 UTF-16 units')

  const cases: Array<[unknown, number, string]> = [
    [{ content: 'x'.repeat(4001), clientMsgId: 'c1' }, 413, 'PAYLOAD_TOO_LARGE'],
    [{ content: '😀'.repeat(4001), clientMsgId: 'c2' }, 413, 'PAYLOAD_TOO_LARGE'],
    [{ content: '', clientMsgId: 'c3' }, 400, 'BAD_REQUEST'],
    [{ content: '   \n\t ', clientMsgId: 'c4' }, 400, 'BAD_REQUEST'],
    [{ content: 'nul \u0000 inside', clientMsgId: 'c5' }, 400, 'BAD_REQUEST'],
    [{ content: 'bell \u0007', clientMsgId: 'c6' }, 400, 'BAD_REQUEST'],
    [{ content: 'ok', clientMsgId: '' }, 400, 'BAD_REQUEST'],
    [{ content: 'ok', clientMsgId: 'x'.repeat(65) }, 400, 'BAD_REQUEST'],
    [{ content: 'ok' }, 400, 'BAD_REQUEST'],
    [{ content: { a: 1 }, clientMsgId: 'c7' }, 400, 'BAD_REQUEST'],
    [{ content: 12, clientMsgId: 'c8' }, 400, 'BAD_REQUEST'],
    [{ content: 'ok', clientMsgId: 9 }, 400, 'BAD_REQUEST'],
    [{ content: 'ok', clientMsgId: 'c9', seq: 1 }, 400, 'BAD_REQUEST']
  ]
  for (const [body, status, code] of cases) {
    const res = await as.k1('POST', url, body)
    t.equal(res.statusCode, status, JSON.stringify(body).slice(0, 80))
    t.equal(res.json().code, code)
  }

  const stored = await testApp.app.db.query(
    'select 1 from messages where client_msg_id like $1', ['c_'])
  t.equal(stored.length, 0, 'nothing refused was stored')

  const tabs = await as.k1('POST', url, { content: 'a\tb\nc', clientMsgId: 'tabs' })
  t.equal(tabs.json().content, 'a\tb\nc')
})

t.test('sending: 403 not a participant, 404 unknown, 400 malformed', async (t) => {
  const body = { content: 'hi', clientMsgId: 'x-1' }
  const cases: Array<[keyof typeof as, string, number, string]> = [
    ['coB', url, 403, 'FORBIDDEN'],
    ['k2', url, 403, 'FORBIDDEN'],
    ['adm', url, 403, 'FORBIDDEN'],
    ['k1', `/api/conversations/${UNKNOWN}/messages`, 404, 'NOT_FOUND'],
    ['k1', '/api/conversations/abc/messages', 400, 'BAD_REQUEST']
  ]
  for (const [user, target, status, code] of cases) {
    const res = await as[user]('POST', target, body)
    t.equal(res.statusCode, status, `${user} ${target}`)
    t.equal(res.json().code, code)
    t.equal((await as[user]('GET', target)).statusCode, status, `GET ${user} ${target}`)
  }
})

t.test('history pages: newest by default, beforeSeq and afterSeq, hasMore', async (t) => {
  const { id } = (await as.coA('POST', '/api/conversations', { candidateId: 'k2' })).json()
  const history = `/api/conversations/${id}/messages`
  for (let i = 1; i <= 5; i++) {
    await as[i % 2 ? 'coA' : 'k2']('POST', history, { content: `m${i}`, clientMsgId: `h${i}` })
  }

  const newest = await as.k2('GET', history)
  t.same(seqs(newest), [1, 2, 3, 4, 5])
  t.equal(newest.json().hasMore, false)

  const pages: Array<[string, number[], boolean]> = [
    ['?limit=2', [4, 5], true],
    ['?beforeSeq=4&limit=2', [2, 3], true],
    ['?beforeSeq=3&limit=2', [1, 2], false],
    ['?beforeSeq=1', [], false],
    ['?afterSeq=0&limit=2', [1, 2], true],
    ['?afterSeq=3', [4, 5], false],
    ['?afterSeq=3&limit=2', [4, 5], false],
    ['?afterSeq=5', [], false],
    ['?afterSeq=99', [], false]
  ]
  for (const [query, expected, hasMore] of pages) {
    const res = await as.coA('GET', `${history}${query}`)
    t.same(seqs(res), expected, query)
    t.equal(res.json().hasMore, hasMore, `${query} hasMore`)
  }
  t.same((await as.coA('GET', `${history}?afterSeq=1&limit=1`)).json().items[0].content, 'm2')
})

t.test('history queries that make no sense are 400', async (t) => {
  const queries = [
    '?beforeSeq=3&afterSeq=1',
    '?waitMs=1000',
    '?beforeSeq=3&waitMs=1000',
    '?afterSeq=1&waitMs=30001',
    '?afterSeq=1&waitMs=-1',
    '?limit=101',
    '?limit=0',
    '?afterSeq=-1',
    '?beforeSeq=2147483648',
    '?afterSeq=abc',
    '?cursor=1'
  ]
  for (const query of queries) {
    const res = await as.k1('GET', `${url}${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'BAD_REQUEST')
  }
})

t.test('a long-poll with waitMs answers with the message sent while it waits', async (t) => {
  const { id } = (await as.coA('POST', '/api/conversations', { candidateId: 'k1' })).json()
  const target = `/api/conversations/${id}/messages`

  const waiting = as.k1('GET', `${target}?afterSeq=0&waitMs=5000`)
  await new Promise((resolve) => setTimeout(resolve, 100))
  await as.coA('POST', target, { content: 'while you wait', clientMsgId: 'lp-1' })
  const res = await waiting

  t.equal(res.statusCode, 200)
  if (testApp.app.hasDecorator('messageWaiter')) {
    t.same(res.json().items.map((m: Message) => m.content), ['while you wait'])
  } else {
    t.same(res.json(), { items: [], hasMore: false }, 'without a waiter it answers at once')
  }

  const ready = await as.k1('GET', `${target}?afterSeq=0&waitMs=5000`)
  t.same(ready.json().items.map((m: Message) => m.seq), [1], 'a message already there answers at once')
})

t.test('POST read moves my mark to max(old, upToSeq), capped at lastSeq', async (t) => {
  const read = `/api/conversations/${conversationId}/read`
  const { lastSeq } = (await as.k1('GET', `/api/conversations/${conversationId}`)).json()

  const first = await as.k1('POST', read, { upToSeq: 2 })
  t.equal(first.statusCode, 200)
  t.same(first.json(), { conversationId, userId: 'k1', lastReadSeq: 2 })
  t.same((await as.k1('POST', read, { upToSeq: 1 })).json().lastReadSeq, 2)
  t.same((await as.k1('POST', read, { upToSeq: 1_000_000 })).json().lastReadSeq, lastSeq)
  t.equal((await as.k1('GET', `/api/conversations/${conversationId}`)).json().unreadCount, 0)

  const coA = await as.coA('POST', read, { upToSeq: 0 })
  t.same(coA.json(), { conversationId, userId: 'coA', lastReadSeq: 0 })

  const cases: Array<[keyof typeof as, string, unknown, number, string]> = [
    ['k1', read, { upToSeq: -1 }, 400, 'BAD_REQUEST'],
    ['k1', read, { upToSeq: '3' }, 400, 'BAD_REQUEST'],
    ['k1', read, { upToSeq: 1.5 }, 400, 'BAD_REQUEST'],
    ['k1', read, {}, 400, 'BAD_REQUEST'],
    ['coB', read, { upToSeq: 1 }, 403, 'FORBIDDEN'],
    ['adm', read, { upToSeq: 1 }, 403, 'FORBIDDEN'],
    ['k1', `/api/conversations/${UNKNOWN}/read`, { upToSeq: 1 }, 404, 'NOT_FOUND'],
    ['k1', '/api/conversations/1/read', { upToSeq: 1 }, 400, 'BAD_REQUEST']
  ]
  for (const [user, target, body, status, code] of cases) {
    const res = await as[user]('POST', target, body)
    t.equal(res.statusCode, status, `${user} ${target} ${JSON.stringify(body)}`)
    t.equal(res.json().code, code)
  }
})

t.test('50 concurrent HTTP sends to one conversation get seq 1..50, no gap or repeat', async (t) => {
  await as.coB('GET', '/api/notifications')
  const { id } = (await as.coB('POST', '/api/conversations', { candidateId: 'k2' })).json()
  const target = `/api/conversations/${id}/messages`

  const oneToFifty = Array.from({ length: 50 }, (_, i) => i + 1)
  const results = await Promise.all(oneToFifty.map(async (i) => {
    const body = { content: `burst ${i}`, clientMsgId: `burst-${i}` }
    return await as[i % 2 ? 'coB' : 'k2']('POST', target, body)
  }))

  t.same(results.map((r) => r.statusCode), Array(50).fill(201))
  t.same(results.map((r) => r.json().seq).sort((a, b) => a - b), oneToFifty)

  const listed = await as.k2('GET', `${target}?limit=100`)
  t.same(seqs(listed), oneToFifty)
  const byClientId = new Map(listed.json().items.map((m: Message) => [m.clientMsgId, m.seq]))
  for (const res of results) t.equal(byClientId.get(res.json().clientMsgId), res.json().seq)
  t.equal((await as.k2('GET', `/api/conversations/${id}`)).json().lastSeq, 50)
})
