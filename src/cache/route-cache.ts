import type {
  FastifyReply, FastifyRequest, onRequestAbortHookHandler, onResponseHookHandler,
  onSendHookHandler, preHandlerHookHandler, RouteOptions
} from 'fastify'
import { AppError } from '../errors.js'
import type { CacheService } from './cache-service.js'
import { etagOf, ifNoneMatchHits } from './etag.js'
import { isValidKind, PUBLIC_SCOPE, responseKey, scopeName } from './keys.js'
import type { CacheScope, RouteCacheConfig } from './route-config.js'
import type { Flight } from './single-flight.js'

/** A cached response as stored. */
export interface CachedResponse {
  body: string
  contentType: string
  etag: string
}

/** Per-request state between the lookup and onSend. */
export interface CacheRequestState {
  key: string
  scope: string
  ttlMs: number
  /** Answered from the cache: onSend leaves the reply alone. */
  served: boolean
  /** Set when this request computes the response for the others. */
  flight?: Flight
}

declare module 'fastify' {
  interface FastifyRequest {
    cacheState: CacheRequestState | null
  }
}

const DEFAULT_CONTENT_TYPE = 'application/json; charset=utf-8'

/**
 * Adds the cache hooks to a route whose config has `cache`. They are
 * route-level, so they run after every global onRequest hook
 * (authentication, the role check, rate limits) and after validation: a
 * request refused there never reaches the cache. The lookup runs in
 * preHandler; onSend stores what the handler produced.
 */
export function attachRouteCache (route: RouteOptions, cache: CacheService): void {
  const config = route.config?.cache
  if (!config) return

  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (!methods.every((method) => method === 'GET' || method === 'HEAD')) {
    throw new Error(`config.cache is for GET routes only (${route.url})`)
  }
  if (!isValidKind(config.kind) || !(config.ttlSeconds > 0)) {
    throw new Error(`config.cache of ${route.url} needs a lowercase kind and a positive ttlSeconds`)
  }

  const hooks = routeCacheHooks(cache, config)
  route.preHandler = append(route.preHandler, hooks.preHandler)
  route.onSend = beforeHeadStripping(route.onSend, hooks.onSend)
  route.onResponse = append(route.onResponse, hooks.release)
  route.onRequestAbort = append(route.onRequestAbort, hooks.releaseOnAbort)
}

function routeCacheHooks (cache: CacheService, config: RouteCacheConfig) {
  const ttlMs = config.ttlSeconds * 1000

  const preHandler: preHandlerHookHandler = async function (request, reply) {
    const [path, query] = splitUrl(request.url)
    if (new URLSearchParams(query).has('waitMs')) return

    const scope = scopeName(config.kind, await scopeIdOf(config.scope, request))
    const key = responseKey(scope, path, query)
    const state: CacheRequestState = { key, scope, ttlMs, served: false }
    request.cacheState = state

    const running = cache.flights.find(key)
    const shared = running && await resultOf(cache, running)
    if (shared) return serve(request, reply, shared.raw, shared.expiresAt - Date.now())

    const { hit, generation } = await cache.lookup(key, scope)
    if (hit) {
      cache.counters.hits++
      return serve(request, reply, hit.raw, hit.ttlMs)
    }

    // Checked and started in one synchronous step, so two misses never both lead.
    const late = cache.flights.find(key)
    if (!late) {
      cache.counters.misses++
      state.flight = cache.flights.start(key, scope, generation)
      return
    }

    const result = await resultOf(cache, late)
    if (result) return serve(request, reply, result.raw, result.expiresAt - Date.now())

    // The computation failed or was not storable: compute it here, uncached.
    cache.counters.misses++
  }

  const onSend: onSendHookHandler = async function (request, reply, payload) {
    const state = request.cacheState
    const flight = state?.flight
    if (!state || !flight || state.served) return payload

    if (!storable(reply, payload)) {
      cache.flights.end(flight)
      return payload
    }

    const etag = etagOf(payload)
    const contentType = String(reply.getHeader('content-type') ?? DEFAULT_CONTENT_TYPE)
    const raw = JSON.stringify({ body: payload, contentType, etag } satisfies CachedResponse)

    // A computation that overlapped an invalidation is answered but not kept.
    const applied = flight.stale
      ? 0
      : await cache.storeRaw(state.key, raw, state.ttlMs, state.scope, flight.generation)
    flight.settle({ raw, expiresAt: Date.now() + applied })
    cache.flights.end(flight)

    setValidators(reply, 'MISS', etag, applied)
    if (!ifNoneMatchHits(request.headers['if-none-match'], etag)) return payload

    reply.code(304)
    return ''
  }

  const release: onResponseHookHandler = async function (request) {
    const flight = request.cacheState?.flight
    if (flight) cache.flights.end(flight)
  }

  const releaseOnAbort: onRequestAbortHookHandler = async function (request) {
    const flight = request.cacheState?.flight
    if (flight) cache.flights.end(flight)
  }

  return { preHandler, onSend, release, releaseOnAbort }
}

async function scopeIdOf (scope: CacheScope, request: FastifyRequest): Promise<string> {
  if (typeof scope === 'function') return await scope(request)
  if (scope === 'public') return PUBLIC_SCOPE

  const identity = request.identity
  if (!identity) throw new AppError('UNAUTHENTICATED')
  return identity.userId
}

// The result of a computation of the same key already running in this process.
async function resultOf (cache: CacheService, flight: Flight) {
  const result = await flight.result
  if (!result || result.expiresAt <= Date.now()) return null

  cache.counters.hits++
  return result
}

function serve (request: FastifyRequest, reply: FastifyReply, raw: string, ttlMs: number) {
  const cached = JSON.parse(raw) as CachedResponse
  const state = request.cacheState
  if (state) state.served = true

  setValidators(reply, 'HIT', cached.etag, ttlMs)
  if (ifNoneMatchHits(request.headers['if-none-match'], cached.etag)) {
    return reply.code(304).send()
  }

  return reply.header('content-type', cached.contentType).send(cached.body)
}

function setValidators (reply: FastifyReply, outcome: 'HIT' | 'MISS', etag: string, ttlMs: number) {
  const maxAge = Number.isFinite(ttlMs) ? Math.max(0, Math.ceil(ttlMs / 1000)) : 0

  reply.header('x-cache', outcome)
  reply.header('etag', etag)
  reply.header('cache-control', `private, max-age=${maxAge}`)
}

/** Only a complete 200 body that sets no cookie is worth keeping. */
function storable (reply: FastifyReply, payload: unknown): payload is string {
  return reply.statusCode === 200 &&
    typeof payload === 'string' &&
    payload.length > 0 &&
    !reply.hasHeader('set-cookie')
}

function splitUrl (url: string): [string, string] {
  const index = url.indexOf('?')
  return index === -1 ? [url, ''] : [url.slice(0, index), url.slice(index + 1)]
}

/*
 * Fastify's HEAD route for a GET route ends its onSend chain with a hook
 * that drops the body. Ours goes before it: it sees (and stores) the full
 * body, so a HEAD can fill the cache for the GET that follows.
 */
function beforeHeadStripping (existing: RouteOptions['onSend'], hook: onSendHookHandler) {
  const hooks = append(existing, hook)
  const last = hooks.length - 2
  if (last >= 0 && hooks[last].name === 'headRouteOnSendHandler') {
    [hooks[last], hooks[last + 1]] = [hooks[last + 1], hooks[last]]
  }
  return hooks
}

function append<T> (existing: T | T[] | undefined, hook: T): T[] {
  if (existing === undefined) return [hook]
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook]
}
