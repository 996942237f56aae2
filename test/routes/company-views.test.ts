import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { caller, callers } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = { ...callers(testApp), k3: caller(testApp, { sub: 'k3', role: 'candidate' }) }
const db = testApp.app.db
const DAY = 86_400_000

// Days are placed relative to today (UTC) so "the last 30 days" holds them.
const today = new Date().toISOString().slice(0, 10)
const day = (offset: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + offset * DAY).toISOString().slice(0, 10)
const at = (offset: number, time: string) => `${day(offset)}T${time}Z`
const D0 = -5

type User = keyof typeof as

async function json (user: User, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  const res = await as[user](method, url, body)
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

async function job (user: User, title: string) {
  return (await json(user, 'POST', '/api/jobs', { title, description: title })).id as string
}

async function apply (user: User, jobId: string, createdAt: string) {
  const { id } = await json(user, 'POST', `/api/jobs/${jobId}/applications`)
  await db.query('update applications set created_at = $1 where id = $2', [createdAt, id])
  return id as string
}

async function conversation (company: User, candidateId: string, jobId?: string) {
  return (await json(company, 'POST', '/api/conversations', { candidateId, jobId })).id as string
}

/** Sends messages in order, then dates each one. */
async function talk (conversationId: string, lines: Array<[User, string]>) {
  for (const [i, [user, createdAt]] of lines.entries()) {
    const message = await json(user, 'POST', `/api/conversations/${conversationId}/messages`, {
      content: `line ${i + 1}`, clientMsgId: `${conversationId}-${i}`
    })
    await db.query('update messages set created_at = $1 where id = $2', [createdAt, message.id])
  }
}

for (const user of ['k1', 'k2', 'k3', 'adm'] as const) await json(user, 'GET', '/api/notifications')

const J1 = await job('coA', 'J1')
const J2 = await job('coA', 'J2')
const J3 = await job('coA', 'J3')
await json('coA', 'PATCH', `/api/jobs/${J3}`, { status: 'closed' })
const JB = await job('coB', 'JB')

await apply('k1', J1, at(D0, '09:00:00'))
const k2J1 = await apply('k2', J1, at(D0, '23:59:59.999'))
const k3J1 = await apply('k3', J1, at(D0 + 1, '00:00:00'))
const k1J2 = await apply('k1', J2, at(D0 + 2, '12:00:00'))
const k2J2 = await apply('k2', J2, at(-45, '12:00:00'))
await apply('k3', J2, at(D0 + 2, '13:00:00'))
await apply('k1', JB, at(D0, '10:00:00'))
const moves = [[k2J1, 'reviewing'], [k3J1, 'interview'], [k1J2, 'rejected'], [k2J2, 'hired']]
for (const [id, status] of moves) {
  await json('coA', 'PATCH', `/api/applications/${id}`, { status })
}

// First replies: CA1 30 s, CA2 24 h (the company's opening line does not count),
// CA5 5 min; CA3 is 40 days old, CA4 silent, CB1 another company's.
const CA1 = await conversation('coA', 'k1', J1)
const CA2 = await conversation('coA', 'k2', J1)
const CA3 = await conversation('coA', 'k3')
const CA4 = await conversation('coA', 'k1')
const CA5 = await conversation('coA', 'k2')
const CB1 = await conversation('coB', 'k1')
await talk(CA1, [
  ['k1', at(D0, '10:00:00')], ['coA', at(D0, '10:00:30')], ['k1', at(D0 + 1, '09:00:00')]
])
await talk(CA2, [
  ['coA', at(D0, '08:00:00')], ['k2', at(D0, '11:00:00')], ['coA', at(D0 + 1, '11:00:00')]
])
await talk(CA3, [['k3', at(-40, '12:00:00')], ['coA', at(-40, '12:02:00')]])
await talk(CA5, [['k2', at(D0 + 2, '15:00:00')], ['coA', at(D0 + 2, '15:05:00')]])
await talk(CB1, [['k1', at(D0, '10:00:00')], ['coB', at(D0, '10:01:00')]])
await json('coA', 'POST', `/api/conversations/${CA1}/read`, { upToSeq: 2 })
await json('coA', 'POST', `/api/conversations/${CA3}/read`, { upToSeq: 2 })

t.test('the dashboard counts the company\'s own data exactly', async (t) => {
  const res = await as.coA('GET', '/api/company/dashboard')

  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    openJobs: 2,
    applicationsByStatus: { applied: 2, reviewing: 1, interview: 1, rejected: 1, hired: 1 },
    activeConversations: 3,
    unreadMessages: 3
  })
  t.ok(CA4)

  t.same((await as.coB('GET', '/api/company/dashboard')).json(), {
    openJobs: 1,
    applicationsByStatus: { applied: 1, reviewing: 0, interview: 0, rejected: 0, hired: 0 },
    activeConversations: 1,
    unreadMessages: 1
  })
})

t.test('the dashboard follows reads and new messages', async (t) => {
  await json('coA', 'POST', `/api/conversations/${CA2}/read`, { upToSeq: 3 })
  t.equal((await as.coA('GET', '/api/company/dashboard')).json().unreadMessages, 2)

  await talk(CA2, [['k2', new Date().toISOString()]])
  t.equal((await as.coA('GET', '/api/company/dashboard')).json().unreadMessages, 3)
})

t.test('analytics count messages and applications per UTC day with every day present', async (t) => {
  const res = await as.coA('GET', `/api/company/analytics?from=${day(D0 - 1)}&to=${day(D0 + 2)}`)

  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    days: [
      { date: day(D0 - 1), messages: 0, applications: 0 },
      { date: day(D0), messages: 4, applications: 2 },
      { date: day(D0 + 1), messages: 2, applications: 1 },
      { date: day(D0 + 2), messages: 2, applications: 2 }
    ],
    medianFirstReplyMs: 300_000
  })
})

t.test('the median covers conversations whose first candidate message is in the range', async (t) => {
  const twoDays = await as.coA('GET', `/api/company/analytics?from=${day(D0)}&to=${day(D0 + 1)}`)
  t.equal(twoDays.json().medianFirstReplyMs, (30_000 + 86_400_000) / 2)

  const old = await as.coA('GET', `/api/company/analytics?from=${day(-40)}&to=${day(-40)}`)
  t.same(old.json(), {
    days: [{ date: day(-40), messages: 2, applications: 0 }], medianFirstReplyMs: 120_000
  })

  const quiet = await as.coA('GET', `/api/company/analytics?from=${day(-60)}&to=${day(-50)}`)
  t.equal(quiet.json().medianFirstReplyMs, null)
  t.equal(quiet.json().days.length, 11)

  const coB = await as.coB('GET', `/api/company/analytics?from=${day(D0)}&to=${day(D0)}`)
  t.same(coB.json(), {
    days: [{ date: day(D0), messages: 2, applications: 1 }], medianFirstReplyMs: 60_000
  })
})

t.test('analytics default to the last 30 days, today included', async (t) => {
  const res = await as.coA('GET', '/api/company/analytics')
  const { days, medianFirstReplyMs } = res.json()

  t.equal(days.length, 30)
  t.equal(days[0].date, day(-29))
  t.equal(days[29].date, today)
  t.equal(days.reduce((sum: number, d: { applications: number }) => sum + d.applications, 0), 5)
  t.equal(days.reduce((sum: number, d: { messages: number }) => sum + d.messages, 0), 9)
  t.equal(medianFirstReplyMs, 300_000)

  const onlyTo = await as.coA('GET', `/api/company/analytics?to=${day(-1)}`)
  t.equal(onlyTo.json().days[0].date, day(-30))
  const onlyFrom = await as.coA('GET', `/api/company/analytics?from=${day(-2)}`)
  t.same(onlyFrom.json().days.map((d: { date: string }) => d.date), [day(-2), day(-1), today])
})

t.test('analytics refuse bad ranges and other roles', async (t) => {
  const cases: Array<[User, string, number, string]> = [
    ['coA', '?from=2026-03-10&to=2026-03-09', 400, 'BAD_REQUEST'],
    ['coA', '?from=2025-01-01&to=2026-01-02', 400, 'BAD_REQUEST'],
    ['coA', '?from=2026-02-30', 400, 'BAD_REQUEST'],
    ['coA', '?from=yesterday', 400, 'BAD_REQUEST'],
    ['coA', '?from=2026-03-01T00:00:00Z', 400, 'BAD_REQUEST'],
    ['coA', '?to=0001-01-01', 400, 'BAD_REQUEST'],
    ['coA', '?from=1969-12-31&to=1970-01-02', 400, 'BAD_REQUEST'],
    ['coA', '?from=9999-12-01&to=9999-12-31', 400, 'BAD_REQUEST'],
    ['coA', '?range=7d', 400, 'BAD_REQUEST'],
    ['k1', '', 403, 'FORBIDDEN'],
    ['adm', '', 403, 'FORBIDDEN']
  ]
  for (const [user, query, status, code] of cases) {
    const res = await as[user]('GET', `/api/company/analytics${query}`)
    t.equal(res.statusCode, status, `${user} ${query}`)
    t.equal(res.json().code, code)
  }

  const leap = await as.coA('GET', '/api/company/analytics?from=2024-01-01&to=2024-12-31')
  t.equal(leap.json().days.length, 366)
  const edges = ['?from=1970-01-01&to=1970-01-02', '?from=9999-12-01&to=9999-12-30']
  for (const query of edges) {
    t.equal((await as.coA('GET', `/api/company/analytics${query}`)).statusCode, 200, query)
  }
  t.equal((await as.k2('GET', '/api/company/dashboard')).statusCode, 403)
})
