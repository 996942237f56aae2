import fastifyRedis from '@fastify/redis'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RedisLink } from '../redis/link.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Null in embedded mode, where cache and pub/sub stay in process. */
    redisLink: RedisLink | null
  }
}

export interface RedisPluginOptions {
  url?: string
  prefix: string
}

/**
 * Connects to Redis when configured. Start-up waits briefly for it but never
 * fails because of it: the service runs degraded and recovers by itself.
 */
async function redisPlugin (app: FastifyInstance, options: RedisPluginOptions) {
  if (!options.url) {
    app.decorate('redisLink', null)
    return
  }

  const link = new RedisLink({ url: options.url, prefix: options.prefix, log: app.log })
  app.decorate('redisLink', link)
  await app.register(fastifyRedis, { client: link.command, closeClient: false })

  const up = await link.waitUntilUp(2000)
  if (!up) app.log.warn('redis not reachable at start; running degraded until it is')

  app.addHook('onClose', async () => {
    await link.close()
  })
}

export default fp(redisPlugin, { name: 'redis' })
