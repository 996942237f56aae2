import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import { loadOrCreateDevSecret } from './auth/dev-secret.js'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/client.js'
import { errorBody, frameworkErrors } from './plugins/error-handler.js'
import authPlugin from './plugins/auth.js'
import cachePlugin from './plugins/cache.js'
import chatPlugin from './plugins/chat.js'
import clusterPlugin from './plugins/cluster.js'
import databasePlugin from './plugins/database.js'
import errorHandlerPlugin from './plugins/error-handler.js'
import hubPlugin from './hub/plugin.js'
import metricsPlugin from './plugins/metrics.js'
import readinessPlugin from './plugins/readiness.js'
import redisPlugin from './plugins/redis.js'
import staticPlugin from './plugins/static.js'
import { loggerOptions } from './lib/logger.js'
import cacheManagementRoutes from './routes/cache-management.js'
import healthRoutes from './routes/health.js'
import apiRoutes from './routes/index.js'
import devTokenRoutes from './routes/dev-token.js'
import benchRoutes from './routes/bench.js'
import meRoutes from './routes/me.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface BuildOptions {
  config: Config
  /** An already opened database (tests share one per file). */
  database?: Database
  /** Logger override (tests pass false or a stream). */
  logger?: object | boolean
}

/** Builds the whole service without listening. */
export async function buildApp (options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    bodyLimit: 256 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    frameworkErrors
  })

  app.decorate('config', config)
  await app.register(errorHandlerPlugin)

  const database = options.database ?? await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir
  })
  await app.register(databasePlugin, { database })
  await app.register(redisPlugin, { url: config.redisUrl, prefix: config.redisPrefix })
  await app.register(readinessPlugin)
  await app.register(metricsPlugin)
  await registerDocs(app)

  const secret = config.jwtSecret ?? (config.jwtPublicKey ? undefined : await loadOrCreateDevSecret(config.dataDir))
  await app.register(authPlugin, { secret, publicKey: config.jwtPublicKey })
  await registerRateLimit(app)
  await app.register(chatPlugin)
  await app.register(clusterPlugin)
  await app.register(hubPlugin)
  await app.register(cachePlugin)

  await app.register(healthRoutes)
  if (config.benchRoutes) await app.register(benchRoutes)
  await app.register(meRoutes, { prefix: '/api' })
  await app.register(apiRoutes, { prefix: '/api' })
  // Development log-in for the demo page; never where real identities are at stake.
  if (!config.production && !config.jwtPublicKey) {
    await app.register(devTokenRoutes, { prefix: '/api' })
  }
  await app.register(staticPlugin)
  await app.register(cacheManagementRoutes, { prefix: '/api/cache-management' })

  app.log.info({
    database: database.kind,
    redis: config.redisUrl ? 'redis' : 'in-process'
  }, database.kind === 'pglite' ? 'running in embedded mode' : 'running with PostgreSQL')

  return app
}

async function registerDocs (app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true }
  })

  await app.register(swagger, {
    openapi: {
      info: { title: 'Job board chat and cache service', version: '1.0.0' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }
      },
      security: [{ bearer: [] }]
    }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {},
    staticCSP: false
  })
}

async function registerRateLimit (app: FastifyInstance) {
  const link = app.redisLink

  await app.register(rateLimit, {
    global: true,
    max: app.config.limits.httpPerMinute,
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (request) => request.identity?.userId ?? `ip:${request.ip}`,
    allowList: (request) => request.routeOptions.config?.public === true,
    ...(link ? { redis: link.command, nameSpace: `${app.config.redisPrefix}http-rate:`, skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => {
      const body = errorBody('RATE_LIMITED', `Rate limit exceeded, retry in ${context.after}`, context.ttl)
      return Object.assign(new Error(body.message), body)
    }
  })
}
