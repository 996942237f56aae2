import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

const MeSchema = Type.Object({
  userId: Type.String(),
  role: Type.Union([Type.Literal('company'), Type.Literal('candidate'), Type.Literal('admin')]),
  name: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time' })
})

/** Who the token says the caller is; handy for clients checking a token. */
export default async function meRoutes (app: FastifyInstance) {
  app.get('/me', {
    schema: { tags: ['identity'], summary: 'The caller, as the token identifies them', response: { 200: MeSchema } }
  }, async (request) => {
    const identity = request.identity!
    return {
      userId: identity.userId,
      role: identity.role,
      name: identity.name,
      expiresAt: new Date(identity.expiresAt).toISOString()
    }
  })
}
