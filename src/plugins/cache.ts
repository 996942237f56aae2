import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CacheService } from '../cache/cache-service.js'
import { CacheInvalidation } from '../cache/invalidation.js'
import { MemoryStore } from '../cache/memory-store.js'
import { RedisStore } from '../cache/redis-store.js'
import { attachRouteCache } from '../cache/route-cache.js'
import type { ConversationMembers } from '../chat/conversation-access.js'
import '../cache/route-config.js'

declare module 'fastify' {
  interface FastifyInstance {
    cache: CacheService
    cacheInvalidation: CacheInvalidation
  }
}

/*
 * A scope's generation only has to outlive the computations that read it,
 * which take milliseconds; a minute keeps Redis tidy under many scopes.
 */
const GENERATION_TTL_MS = 60_000

/** Pattern deletes and flush-all may wait this long per command; requests never do. */
const BULK_TIMEOUT_MS = 5000

/**
 * The response cache: `app.cache`, `app.cacheInvalidation`, and hooks on
 * every route whose config has `cache`. Register it before the routes.
 */
async function cachePlugin (app: FastifyInstance) {
  const settings = app.config.cache
  const link = app.redisLink

  const cache = new CacheService({
    enabled: settings.enabled,
    defaultTtlMs: settings.ttlMs,
    degradedTtlMs: settings.degradedTtlMs,
    memory: new MemoryStore(settings.maxSize),
    redis: link
      ? {
          link,
          store: new RedisStore({
            client: link.command,
            bulkClient: link.createSubscriber('cache-admin', { commandTimeout: BULK_TIMEOUT_MS }),
            prefix: settings.prefix,
            generationTtlMs: GENERATION_TTL_MS
          })
        }
      : undefined,
    log: app.log.child({ component: 'cache' })
  })
  const invalidation = new CacheInvalidation(cache)

  app.decorate('cache', cache)
  app.decorate('cacheInvalidation', invalidation)
  app.decorateRequest('cacheState', null)

  if (settings.enabled) {
    app.addHook('onRoute', (route) => attachRouteCache(route, cache))
  }

  // Messages and read marks change conversation lists, pages and dashboards.
  const conversationActivity = async (members: ConversationMembers) => {
    await invalidation.conversationActivity(members)
  }
  app.chat.sender.afterStore = conversationActivity
  app.chat.reads.afterMark = conversationActivity

  if (app.hasDecorator('metrics')) app.metrics.readers.cache = () => cache.stats()

  app.addHook('onClose', async () => {
    cache.close()
  })
}

export default fp(cachePlugin, { name: 'cache', dependencies: ['redis', 'chat'] })
