import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const devToken = { sub: 'dev-alice', role: 'company', name: 'Alice' }

t.test('outside production', async (t) => {
  const { app } = await buildTestApp(t)

  t.test('signs a token the service accepts', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/api/dev/token', payload: devToken })

    t.equal(res.statusCode, 200)
    const { token, expiresAt } = res.json()
    t.same(Object.keys(res.json()).sort(), ['expiresAt', 'token'])
    t.ok(Date.parse(expiresAt) > Date.now() + 3500_000, 'lives an hour by default')

    const headers = { authorization: `Bearer ${token}` }
    const me = await app.inject({ url: '/api/me', headers })
    t.equal(me.statusCode, 200)
    t.match(me.json(), { userId: 'dev-alice', role: 'company', name: 'Alice', expiresAt })
  })

  t.test('takes a shorter lifetime', async (t) => {
    const payload = { sub: 'dev-bob', role: 'candidate', expiresInSeconds: 30 }
    const res = await app.inject({ method: 'POST', url: '/api/dev/token', payload })

    const remaining = Date.parse(res.json().expiresAt) - Date.now()
    t.ok(remaining > 25_000 && remaining <= 30_000, `expires in 30 s (${remaining} ms)`)
  })

  t.test('refuses an unknown role or a missing sub with 400', async (t) => {
    const refused = [{ sub: 'x', role: 'superuser' }, { role: 'company' }, { ...devToken, extra: 1 }]
    for (const payload of refused) {
      const res = await app.inject({ method: 'POST', url: '/api/dev/token', payload })
      t.equal(res.statusCode, 400)
      t.equal(res.json().code, 'BAD_REQUEST')
    }
  })

  t.test('serves the chat page at / without a token', async (t) => {
    const res = await app.inject({ url: '/' })

    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, '<script type="module" src="/app.js"></script>')

    const script = await app.inject({ url: '/app.js' })
    t.equal(script.statusCode, 200)
    t.match(script.headers['content-type'], /javascript/)
  })

  t.test('leaves unknown API paths to authentication and the API 404', async (t) => {
    t.equal((await app.inject({ url: '/api/me' })).statusCode, 401)

    const res = await app.inject({ url: '/no-such-page.html' })
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'NOT_FOUND')
  })
})

t.test('in production the route does not exist', async (t) => {
  const { app } = await buildTestApp(t, { env: { NODE_ENV: 'production' } })
  const res = await app.inject({ method: 'POST', url: '/api/dev/token', payload: devToken })

  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
})

t.test('with a public key the route does not exist', async (t) => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const { app } = await buildTestApp(t, { env: { JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem } })
  const res = await app.inject({ method: 'POST', url: '/api/dev/token', payload: devToken })

  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
})
