import { eq } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { keyProblem, manualKey, patternProblem } from '../cache/key-rules.js'
import { disconnectedInfo, readRedisInfo } from '../cache/redis-info.js'
import { jobs, users } from '../db/schema.js'
import { AppError } from '../errors.js'
import { IdParams, responses, UserId } from './schemas/common.js'
import {
  CacheEntry, CacheHealth, CacheStats, PatternBody, PutKeyBody, RedisInfo
} from './schemas/cache-management.js'
import { withTypeBox } from './validation.js'

const tags = ['cache']
const admin = { roles: ['admin' as const] }
const adminOrCompany = { roles: ['admin' as const, 'company' as const] }
const NoContent = Type.Null()

/**
 * Cache management, for administrators; a company may invalidate its own
 * entries. Every key and pattern is relative to CACHE_PREFIX, so nothing
 * outside the cache namespace can be read, written or deleted.
 */
export default async function cacheManagementRoutes (instance: FastifyInstance) {
  const app = withTypeBox(instance)

  app.get('/stats', {
    config: admin,
    schema: {
      tags,
      summary: 'Cache statistics of this instance',
      response: responses({ 200: CacheStats }, 403)
    }
  }, async () => app.cache.stats())

  app.get('/redis/info', {
    config: admin,
    schema: {
      tags,
      summary: 'Redis version, uptime, memory, clients and cache keys',
      response: responses({ 200: RedisInfo }, 403)
    }
  }, async () => {
    const link = app.redisLink
    const store = app.cache.redisStore
    if (!link || !store || !link.up) return disconnectedInfo(app.config.cache.prefix)

    try {
      return await readRedisInfo(link.command, store, app.config.cache.prefix)
    } catch {
      return disconnectedInfo(app.config.cache.prefix)
    }
  })

  app.get('/key/*', {
    config: admin,
    schema: {
      tags,
      summary: 'Read one key (HEAD: does it exist)',
      response: responses({ 200: CacheEntry }, 403, 404)
    }
  }, async (request) => {
    const key = requireKey(keyParam(request))
    const found = await app.cache.peek(key)
    if (!found) throw new AppError('NOT_FOUND', 'Key not found')

    return { key, value: found.value, ttlMs: finiteTtl(found.ttlMs) }
  })

  app.put('/key/*', {
    config: admin,
    schema: {
      tags,
      summary: 'Write manual:<key> (kept as is when it starts with manual:); ttlMs default CACHE_TTL',
      body: PutKeyBody,
      response: responses({ 200: CacheEntry }, 403, 413)
    }
  }, async (request) => {
    const key = manualKey(requireKey(keyParam(request)))
    const { value, ttlMs: requestedTtl } = request.body
    const ttlMs = await app.cache.set(key, value, requestedTtl ?? app.cache.defaultTtlMs)
    return { key, value, ttlMs }
  })

  app.delete('/key/*', {
    config: admin,
    schema: {
      tags,
      summary: 'Delete one key',
      response: responses({ 204: NoContent }, 403, 404)
    }
  }, async (request, reply) => {
    const deleted = await app.cache.del(requireKey(keyParam(request)))
    if (!deleted) throw new AppError('NOT_FOUND', 'Key not found')

    return await reply.code(204).send(null)
  })

  app.delete('/pattern', {
    config: admin,
    schema: {
      tags,
      summary: 'Delete the keys matching a pattern ending in ":*" (SCAN, never KEYS)',
      body: PatternBody,
      response: responses({ 204: NoContent }, 403)
    }
  }, async (request, reply) => {
    const problem = patternProblem(request.body.pattern)
    if (problem) throw new AppError('BAD_REQUEST', problem)

    await app.cache.delPattern(request.body.pattern)
    return await reply.code(204).send(null)
  })

  app.delete('/company/:id', {
    config: adminOrCompany,
    schema: {
      tags,
      summary: 'Invalidate everything cached for a company (admin, or the company itself)',
      params: Type.Object({ id: UserId }),
      response: responses({ 204: NoContent }, 403, 404)
    }
  }, async (request, reply) => {
    const companyId = request.params.id
    requireSelfOrAdmin(request, companyId)
    await requireCompany(app, companyId)

    await app.cacheInvalidation.companyEverything(companyId)
    return await reply.code(204).send(null)
  })

  app.delete('/job/:id', {
    config: adminOrCompany,
    schema: {
      tags,
      summary: 'Invalidate what a job appears in (admin, or the owning company)',
      params: IdParams,
      response: responses({ 204: NoContent }, 403, 404)
    }
  }, async (request, reply) => {
    const [job] = await app.db.db.select({ companyId: jobs.companyId }).from(jobs)
      .where(eq(jobs.id, request.params.id))
    if (!job) throw new AppError('NOT_FOUND', 'Job not found')
    requireSelfOrAdmin(request, job.companyId)

    await app.cacheInvalidation.jobChanged(job.companyId)
    return await reply.code(204).send(null)
  })

  app.delete('/flush-all', {
    config: admin,
    schema: {
      tags,
      summary: 'Delete every key under CACHE_PREFIX, and nothing else',
      response: responses({ 204: NoContent }, 403)
    }
  }, async (_request, reply) => {
    await app.cache.flush()
    return await reply.code(204).send(null)
  })

  app.get('/health', {
    config: admin,
    schema: {
      tags,
      summary: 'Which tier serves, and Redis state',
      response: responses({ 200: CacheHealth }, 403)
    }
  }, async () => {
    const link = app.redisLink
    const redis = link === null ? 'disabled' : link.up ? 'up' : 'down'
    const tier = app.cache.tier
    const degraded = redis === 'down' || (redis === 'up' && tier === 'memory')
    const status = degraded ? 'degraded' : 'ok'

    return { status, tier, redis } as const
  })
}

// The key is the rest of the path (it may hold "/"); checked by keyProblem
// rather than a params schema, which cannot name the "*" parameter.
function keyParam (request: FastifyRequest): string {
  return (request.params as Record<string, string>)['*'] ?? ''
}

function requireKey (key: string): string {
  const problem = keyProblem(key)
  if (problem) throw new AppError('BAD_REQUEST', problem)
  return key
}

function requireSelfOrAdmin (request: FastifyRequest, companyId: string): void {
  const identity = request.identity
  if (identity?.role === 'admin' || identity?.userId === companyId) return
  throw new AppError('FORBIDDEN', 'A company may only invalidate its own cache entries')
}

async function requireCompany (app: FastifyInstance, companyId: string): Promise<void> {
  const [user] = await app.db.db.select({ role: users.role }).from(users)
    .where(eq(users.id, companyId))
  if (!user || user.role !== 'company') throw new AppError('NOT_FOUND', 'Company not found')
}

function finiteTtl (ttlMs: number): number {
  return Number.isFinite(ttlMs) ? Math.ceil(ttlMs) : -1
}
