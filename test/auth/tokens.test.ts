import { generateKeyPairSync } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import { test } from 'tap'
import { buildTestApp, TEST_SECRET } from '../helpers/app.js'

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600

function hs256 (payload: Record<string, unknown>, secret = TEST_SECRET) {
  return createSigner({ key: secret, algorithm: 'HS256' })(payload)
}

function unsigned (payload: Record<string, unknown>) {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`
}

test('HS256 tokens', async (t) => {
  const { app } = await buildTestApp(t)
  const me = async (authorization?: string) =>
    await app.inject({ method: 'GET', url: '/api/me', headers: authorization ? { authorization } : {} })

  await t.test('a valid token identifies the caller', async (t) => {
    const res = await me(`Bearer ${hs256({ sub: 'alice', role: 'company', name: 'Alice', exp: inAnHour() })}`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), { userId: 'alice', role: 'company', name: 'Alice' })
  })

  const refused: Array<[string, string | undefined]> = [
    ['no Authorization header', undefined],
    ['a header that is not Bearer', 'Basic abc'],
    ['an expired token', `Bearer ${hs256({ sub: 'u1', role: 'company', exp: 1000 })}`],
    ['a token without exp', `Bearer ${hs256({ sub: 'u1', role: 'company' })}`],
    ['alg none', `Bearer ${unsigned({ sub: 'u1', role: 'admin', exp: inAnHour() })}`],
    ['another secret', `Bearer ${hs256({ sub: 'u1', role: 'company', exp: inAnHour() }, 'x'.repeat(40))}`],
    ['an unknown role', `Bearer ${hs256({ sub: 'u1', role: 'superuser', exp: inAnHour() })}`],
    ['a sub over 128 characters', `Bearer ${hs256({ sub: 'u'.repeat(129), role: 'company', exp: inAnHour() })}`],
    ['an exp past year 9999', `Bearer ${hs256({ sub: 'u1', role: 'company', exp: 1e20 })}`],
    ['a numeric sub', `Bearer ${hs256({ sub: 42, role: 'company', exp: inAnHour() })}`],
    ['garbage', 'Bearer not.a.token']
  ]

  for (const [name, header] of refused) {
    await t.test(`${name} is 401 UNAUTHENTICATED`, async (t) => {
      const res = await me(header)
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'UNAUTHENTICATED')
      t.equal(res.json().error, 'Unauthorized')
    })
  }

  await t.test('a role differing from the recorded one is 403', async (t) => {
    const first = await me(`Bearer ${hs256({ sub: 'bob', role: 'candidate', exp: inAnHour() })}`)
    t.equal(first.statusCode, 200)

    const res = await me(`Bearer ${hs256({ sub: 'bob', role: 'admin', exp: inAnHour() })}`)
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'FORBIDDEN')
  })
})

for (const [alg, keyOptions] of [
  ['RS256', { type: 'rsa', modulusLength: 2048 }],
  ['ES256', { type: 'ec', namedCurve: 'P-256' }]
] as const) {
  test(`${alg} tokens verified with JWT_PUBLIC_KEY`, async (t) => {
    const { publicKey, privateKey } = keyOptions.type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: keyOptions.modulusLength })
      : generateKeyPairSync('ec', { namedCurve: keyOptions.namedCurve })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const { app } = await buildTestApp(t, { env: { JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem } })
    const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: alg })

    const ok = await app.inject({
      method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${sign({ sub: 'carol', role: 'admin', exp: inAnHour() })}` }
    })
    t.equal(ok.statusCode, 200)
    t.equal(ok.json().userId, 'carol')

    const hsToken = hs256({ sub: 'carol', role: 'admin', exp: inAnHour() })
    const refused = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${hsToken}` } })
    t.equal(refused.statusCode, 401)
    t.equal(refused.json().code, 'UNAUTHENTICATED')
  })
}
