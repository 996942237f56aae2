import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { callers, setupS } from '../helpers/api.js'

const testApp = await buildTestApp(t)
const as = callers(testApp)
const { conversationId } = await setupS(testApp)
const url = `/api/conversations/${conversationId}/messages`

t.test('the 21st send within 10 s is 429 RATE_LIMITED with Retry-After', async (t) => {
  t.equal(testApp.config.limits.sendsPer10s, 20, 'WS_SEND_LIMIT defaults to 20')

  for (let i = 1; i <= 20; i++) {
    const res = await as.coA('POST', url, { content: `msg ${i}`, clientMsgId: `b-${i}` })
    t.equal(res.statusCode, 201, `send ${i}`)
  }

  const refused = await as.coA('POST', url, { content: 'one too many', clientMsgId: 'b-21' })
  t.equal(refused.statusCode, 429)
  t.equal(refused.json().code, 'RATE_LIMITED')
  t.equal(refused.json().statusCode, 429)
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10, `Retry-After ${retryAfter}`)
  t.ok(refused.json().retryAfterMs > 0 && refused.json().retryAfterMs <= 10_000)

  const stored = await testApp.app.db.query('select 1 from messages where client_msg_id = $1', ['b-21'])
  t.equal(stored.length, 0, 'the refused send is not stored')
})

t.test('a resend of a stored message costs nothing and passes while the budget is spent', async (t) => {
  const res = await as.coA('POST', url, { content: 'msg 3', clientMsgId: 'b-3' })

  t.equal(res.statusCode, 200)
  t.equal(res.json().seq, 3)
})

t.test('the budget is the user\'s own: the other participant still sends', async (t) => {
  const res = await as.k1('POST', url, { content: 'my turn', clientMsgId: 'k-1' })

  t.equal(res.statusCode, 201)
  t.equal(res.json().seq, 21)
})
