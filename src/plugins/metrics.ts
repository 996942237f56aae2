import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface ServiceMetrics {
  registry: Registry
  framesIn: Counter
  framesOut: Counter
  deliveryLatency: Histogram
  httpDuration: Histogram
  /** Gauges read their value from these when scraped. */
  readers: {
    sockets?: () => number
    cache?: () => { hits: number, misses: number }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

/** Prometheus metrics on GET /metrics; one registry per instance. */
async function metricsPlugin (app: FastifyInstance) {
  const metrics = createMetrics(app)
  app.decorate('metrics', metrics)

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    if (!route || route === '/metrics') return
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000
    )
  })

  app.get('/metrics', {
    config: { public: true },
    schema: { tags: ['service'], summary: 'Prometheus metrics', hide: true }
  }, async (_request, reply) => {
    return await reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}

function createMetrics (app: FastifyInstance): ServiceMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const readers: ServiceMetrics['readers'] = {}

  new Gauge({
    name: 'ws_sockets',
    help: 'Open WebSocket connections on this instance',
    registers: [registry],
    collect () { this.set(readers.sockets?.() ?? 0) }
  })
  new Gauge({
    name: 'redis_up',
    help: '1 while Redis is reachable, 0 otherwise (absent in embedded mode)',
    registers: [registry],
    collect () { this.set(app.redisLink?.up ? 1 : 0) }
  })
  new Counter({
    name: 'cache_hits_total',
    help: 'Responses served from the cache',
    registers: [registry],
    collect () { setCounter(this, readers.cache?.().hits ?? 0) }
  })
  new Counter({
    name: 'cache_misses_total',
    help: 'Cacheable requests the cache could not answer',
    registers: [registry],
    collect () { setCounter(this, readers.cache?.().misses ?? 0) }
  })

  return {
    registry,
    readers,
    framesIn: new Counter({ name: 'ws_frames_in_total', help: 'Frames received from clients', registers: [registry] }),
    framesOut: new Counter({ name: 'ws_frames_out_total', help: 'Frames sent to clients', registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'message_delivery_latency_seconds',
      help: 'From a message being stored to its frame being written to a socket',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    })
  }
}

// Counters mirrored from another component's running totals.
function setCounter (counter: Counter, total: number): void {
  counter.reset()
  counter.inc(total)
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['redis'] })
