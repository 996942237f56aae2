import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

/**
 * Registered only with BENCH_ROUTES=true. GET /bench/bare is the baseline a
 * cached route is measured against: it answers bytes serialised in advance
 * (the last body given to PUT /bench/bare), after the same authentication
 * and rate limit as every route, and does nothing else.
 */
export default async function benchRoutes (app: FastifyInstance) {
  let body = '{}'

  app.get('/bench/bare', { schema: { hide: true } }, async (_request, reply) => {
    return await reply.type('application/json; charset=utf-8').send(body)
  })

  app.put('/bench/bare', {
    config: { roles: ['admin'] },
    schema: { hide: true, body: Type.Object({}, { additionalProperties: true }) }
  }, async (request, reply) => {
    body = JSON.stringify(request.body)
    return await reply.code(204).send()
  })
}
