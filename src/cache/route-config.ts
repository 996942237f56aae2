import type { FastifyRequest } from 'fastify'

/**
 * Whose data a cached response is: 'user' and 'company' are the caller's
 * own id (a company user is its own tenant), 'public' the same for everyone;
 * a function names the scope itself and may refuse the request by throwing
 * (it runs after authentication and the role check, before the lookup).
 */
export type CacheScope =
  | 'user'
  | 'company'
  | 'public'
  | ((request: FastifyRequest) => string | Promise<string>)

/** `config.cache` of a GET route. */
export interface RouteCacheConfig {
  /** First key segment, named by invalidations: dashboard, jobs, ... */
  kind: string
  ttlSeconds: number
  scope: CacheScope
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Caches the route's 200 responses; see src/cache/route-cache.ts. */
    cache?: RouteCacheConfig
  }
}
