import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ROLES } from '../auth/identity.js'
import { IsoTime, responses, UserId } from './schemas/common.js'
import { withTypeBox } from './validation.js'

const DevTokenBody = Type.Object({
  sub: UserId,
  role: Type.Union(ROLES.map((role) => Type.Literal(role))),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  expiresInSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 }))
}, { additionalProperties: false })

const DevToken = Type.Object({ token: Type.String(), expiresAt: IsoTime })

/**
 * Signs a token for any user with the development secret, so the demo page
 * can log in. Registered only outside production and only when tokens are
 * verified with a shared secret: never with a public key.
 */
export default async function devTokenRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.post('/dev/token', {
    config: { public: true },
    schema: {
      tags: ['development'],
      summary: 'A token for any user, signed with the development secret',
      description: 'Registered only outside production and without JWT_PUBLIC_KEY.',
      security: [],
      body: DevTokenBody,
      response: responses({ 200: DevToken })
    }
  }, async (request) => {
    const { sub, role, name } = request.body
    const exp = Math.floor(Date.now() / 1000) + (request.body.expiresInSeconds ?? 3600)
    const claims = name === undefined ? { sub, role, exp } : { sub, role, name, exp }

    const token = app.jwt.sign(claims)
    return { token, expiresAt: new Date(exp * 1000).toISOString() }
  })
}
