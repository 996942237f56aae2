import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable')]),
  postgres: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  redis: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('disabled')])
})

/** Liveness and readiness; no token needed. */
export default async function healthRoutes (app: FastifyInstance) {
  app.get('/health', {
    config: { public: true },
    schema: {
      tags: ['service'],
      summary: 'Liveness: the process is up',
      response: { 200: Type.Object({ status: Type.Literal('ok'), instanceId: Type.String() }) }
    }
  }, async () => ({ status: 'ok' as const, instanceId: app.config.instanceId }))

  app.get('/ready', {
    config: { public: true },
    schema: {
      tags: ['service'],
      summary: 'Readiness: 503 while PostgreSQL is unreachable; reports Redis',
      response: { 200: ReadySchema, 503: ReadySchema }
    }
  }, async (_request, reply) => {
    const postgres = await pingWithin(() => app.db.ping(), 1000) ? 'up' : 'down'
    const redis = app.redisLink === null ? 'disabled' : app.readiness.redisReady() ? 'up' : 'down'
    const status = postgres === 'down' ? 'unavailable' : redis === 'down' ? 'degraded' : 'ok'

    return await reply.code(postgres === 'up' ? 200 : 503).send({ status, postgres, redis })
  })
}

async function pingWithin (ping: () => Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs) })

  try {
    return await Promise.race([ping().then(() => true, () => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}
