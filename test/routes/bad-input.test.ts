import t from 'tap'
import { createSigner } from 'fast-jwt'
import { ErrorCodes } from '../../src/errors.js'
import { TEST_SECRET, buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const { jobId, conversationId } = await setupS(testApp)
const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const hour = () => Math.floor(Date.now() / 1000) + 3600

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** Every route of the job board API, with a valid body where it takes one. */
const ROUTES: Array<{ method: Method, url: string, body?: Record<string, unknown> }> = [
  { method: 'POST', url: '/api/jobs', body: { title: 'x', description: 'y' } },
  { method: 'GET', url: '/api/jobs' },
  { method: 'GET', url: `/api/jobs/${jobId}` },
  { method: 'PATCH', url: `/api/jobs/${jobId}`, body: { title: 'x' } },
  { method: 'DELETE', url: `/api/jobs/${UNKNOWN}` },
  { method: 'POST', url: `/api/jobs/${jobId}/applications` },
  { method: 'GET', url: '/api/company/candidates' },
  { method: 'PATCH', url: `/api/applications/${UNKNOWN}`, body: { status: 'hired' } },
  { method: 'POST', url: '/api/conversations', body: { candidateId: 'k1' } },
  { method: 'GET', url: '/api/conversations' },
  { method: 'GET', url: `/api/conversations/${conversationId}` },
  { method: 'GET', url: `/api/conversations/${conversationId}/messages` },
  {
    method: 'POST',
    url: `/api/conversations/${conversationId}/messages`,
    body: { content: 'x', clientMsgId: 'y' }
  },
  { method: 'POST', url: `/api/conversations/${conversationId}/read`, body: { upToSeq: 0 } },
  { method: 'GET', url: '/api/notifications' },
  { method: 'POST', url: '/api/notifications/read', body: { all: true } },
  { method: 'GET', url: '/api/company/dashboard' },
  { method: 'GET', url: '/api/company/analytics' }
]
const WITH_BODY = ROUTES.filter((route) => route.body)

interface RawOptions {
  payload?: string
  headers?: Record<string, string>
}

async function raw (method: Method, url: string, options: RawOptions = {}) {
  return await testApp.app.inject({
    method,
    url,
    payload: options.payload,
    headers: { authorization: `Bearer ${testApp.token('coA', 'company')}`, ...options.headers }
  })
}

type Asserts = Pick<typeof t, 'equal'>

interface Reply {
  statusCode: number
  json(): { code: string }
}

/** The status, the code, and a code the registry maps to that very status. */
function expectCode (t: Asserts, res: Reply, status: number, code: string, label: string) {
  t.equal(res.statusCode, status, label)
  t.equal(res.json().code, code, label)
  const registered = ErrorCodes[res.json().code as keyof typeof ErrorCodes]
  t.equal(registered?.statusCode, res.statusCode, `${label}: registered code`)
}

t.test('tokens that prove nothing are 401 UNAUTHENTICATED on every route', async (t) => {
  const signer = createSigner({ key: TEST_SECRET })
  const foreign = createSigner({ key: 'another-secret-that-is-long-enough-9876' })
  const tokens: Record<string, string | undefined> = {
    missing: undefined,
    expired: testApp.token('coA', 'company', { expiresInSeconds: -60 }),
    'another secret': foreign({ sub: 'coA', role: 'company', exp: hour() }),
    'alg none': createSigner({ algorithm: 'none' })({ sub: 'coA', role: 'company', exp: hour() }),
    'no exp': signer({ sub: 'coA', role: 'company' }),
    'unknown role': signer({ sub: 'coA', role: 'superuser', exp: hour() }),
    'sub too long': signer({ sub: 'x'.repeat(129), role: 'company', exp: hour() }),
    'sub with NUL': signer({ sub: 'co\u0000A', role: 'company', exp: hour() }),
    garbage: 'not.a.token'
  }

  for (const [label, token] of Object.entries(tokens)) {
    for (const { method, url, body } of ROUTES) {
      const res = await testApp.app.inject({
        method, url, payload: body, headers: token ? { authorization: `Bearer ${token}` } : {}
      })
      expectCode(t, res, 401, 'UNAUTHENTICATED', `${label}: ${method} ${url}`)
    }
  }

  const basic = await raw('GET', '/api/jobs', { headers: { authorization: 'Basic Y286cGFzcw==' } })
  expectCode(t, basic, 401, 'UNAUTHENTICATED', 'Basic auth')
})

t.test('a token whose role differs from the recorded one is 403', async (t) => {
  const res = await raw('GET', '/api/notifications', {
    headers: { authorization: `Bearer ${testApp.token('k1', 'company')}` }
  })
  expectCode(t, res, 403, 'FORBIDDEN', 'k1 as company')
})

t.test('malformed JSON, wrong content types and non-object bodies are 400', async (t) => {
  const payloads: Array<[string, string]> = [
    ['{"title": "x",', 'application/json'],
    ['{title: "x"}', 'application/json'],
    ['', 'application/json'],
    ['null', 'application/json'],
    ['[]', 'application/json'],
    ['"text"', 'application/json'],
    ['42', 'application/json'],
    ['{"__proto__": {"admin": true}}', 'application/json'],
    ['{"constructor": {"prototype": {"admin": true}}}', 'application/json'],
    ['title=x&description=y', 'application/x-www-form-urlencoded'],
    ['<job/>', 'application/xml'],
    [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'application/json']
  ]
  for (const { method, url } of WITH_BODY) {
    for (const [payload, type] of payloads) {
      const res = await raw(method, url, { payload, headers: { 'content-type': type } })
      expectCode(t, res, 400, 'BAD_REQUEST', `${method} ${url} ${type} ${payload.slice(0, 30)}`)
    }
  }
})

t.test('wrong types and unknown fields in bodies are 400, never coerced', async (t) => {
  for (const { method, url, body } of WITH_BODY) {
    for (const [key, value] of Object.entries(body!)) {
      for (const wrong of [null, 12, true, [value], { value }]) {
        if (typeof wrong === typeof value && wrong !== null) continue
        const res = await as.coA(method, url, { ...body, [key]: wrong })
        expectCode(t, res, 400, 'BAD_REQUEST', `${method} ${url} ${key}=${JSON.stringify(wrong)}`)
      }
    }
    const extra = await as.coA(method, url, { ...body, isAdmin: true })
    expectCode(t, extra, 400, 'BAD_REQUEST', `${method} ${url} unknown field`)
  }
})

t.test('text PostgreSQL cannot store is 400 before it reaches the database', async (t) => {
  const messages = `/api/conversations/${conversationId}/messages`
  const cases: Array<[Method, string, unknown]> = [
    ['POST', '/api/jobs', { title: 'a\u0000b', description: 'y' }],
    ['POST', '/api/jobs', { title: 'a', description: 'y', location: '\u0000' }],
    ['PATCH', `/api/jobs/${jobId}`, { description: 'nul\u0000' }],
    ['POST', '/api/conversations', { candidateId: 'k\u00001' }],
    ['POST', messages, { content: 'ok', clientMsgId: 'id\u0000' }],
    ['POST', messages, { content: 'ok', clientMsgId: 'id\n' }],
    ['POST', messages, { content: 'lone \ud800 surrogate', clientMsgId: 'lone-1' }],
    ['POST', messages, { content: 'ok', clientMsgId: 'lone \udc00' }]
  ]
  for (const [method, url, body] of cases) {
    const res = await as.coA(method, url, body)
    expectCode(t, res, 400, 'BAD_REQUEST', `${method} ${url} ${JSON.stringify(body)}`)
  }

  const query = await as.coA('GET', '/api/jobs?companyId=%00')
  expectCode(t, query, 400, 'BAD_REQUEST', 'NUL in a query')
  const sign = createSigner({ key: TEST_SECRET })
  const token = sign({ sub: 'k9', role: 'candidate', name: 'K\u0000', exp: hour() })
  const named = await raw('GET', '/api/notifications', { headers: { authorization: `Bearer ${token}` } })
  t.equal(named.statusCode, 200, 'a name that cannot be stored is dropped, not fatal')
})

t.test('a body over the limit is 413 PAYLOAD_TOO_LARGE on every route that takes one', async (t) => {
  const huge = JSON.stringify({ title: 'x', description: 'y'.repeat(300 * 1024) })
  for (const { method, url } of WITH_BODY) {
    const headers = { 'content-type': 'application/json' }
    const res = await raw(method, url, { payload: huge, headers })
    expectCode(t, res, 413, 'PAYLOAD_TOO_LARGE', `${method} ${url}`)
  }
})

t.test('malformed ids in paths and queries are 400, unknown ids 404', async (t) => {
  const malformed = [
    'x', '123', `${jobId}0`, "1' or '1'='1", '%E0%A4%A', '..%2f..%2fetc', 'a'.repeat(5000)
  ]
  for (const id of malformed) {
    const urls = [`/api/jobs/${id}`, `/api/conversations/${id}`, `/api/conversations/${id}/messages`]
    for (const url of urls) {
      const res = await raw('GET', url)
      t.ok(res.statusCode === 400 || res.statusCode === 404, `${url.slice(0, 60)} -> ${res.statusCode}`)
      t.ok(['BAD_REQUEST', 'NOT_FOUND'].includes(res.json().code))
    }
  }
  expectCode(t, await raw('GET', '/api/jobs/x'), 400, 'BAD_REQUEST', 'short id')
  expectCode(t, await raw('GET', '/api/jobs/%E0%A4%A'), 400, 'BAD_REQUEST', 'bad percent-encoding')
  expectCode(t, await raw('GET', `/api/jobs/${UNKNOWN}`), 404, 'NOT_FOUND', 'unknown job')
  const unknownConversation = await raw('GET', `/api/conversations/${UNKNOWN}`)
  expectCode(t, unknownConversation, 404, 'NOT_FOUND', 'unknown conversation')
  const unknownFilter = await raw('GET', `/api/company/candidates?jobId=${UNKNOWN}`)
  expectCode(t, unknownFilter, 404, 'NOT_FOUND', 'unknown job filter')
})

t.test('odd query strings never reach a 5xx', async (t) => {
  const queries = [
    '/api/jobs?page=1e400', '/api/jobs?page[]=1', '/api/jobs?page=1&page=2', '/api/jobs?pageSize=-0',
    '/api/jobs?status[$ne]=open', '/api/jobs?companyId[]=coA', '/api/notifications?unread=yes',
    `/api/conversations/${conversationId}/messages?afterSeq=9999999999`,
    `/api/conversations/${conversationId}/messages?limit=NaN`,
    '/api/company/analytics?from=0000-00-00', '/api/company/analytics?to=9999-99-99',
    '/api/company/analytics?from=2026-01-01&from=2026-01-02'
  ]
  for (const url of queries) {
    const res = await raw('GET', url)
    t.ok(res.statusCode < 500, `${url} -> ${res.statusCode}`)
    if (res.statusCode >= 400) expectCode(t, res, 400, 'BAD_REQUEST', url)
  }
})
