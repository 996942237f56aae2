import { randomBytes } from 'node:crypto'
import type { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { signToken } from '../../src/auth/tokens.js'
import { loadConfig, type Config } from '../../src/config.js'
import type { Database } from '../../src/db/client.js'
import { loggerOptions } from '../../src/lib/logger.js'
import { freshDatabaseUrl } from './database.js'

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789'

interface Teardown { teardown(fn: () => unknown): void }

export interface TestAppOptions {
  /** Extra environment variables for this app's configuration. */
  env?: Record<string, string | undefined>
  /** Reuse the database of another app (two instances, one database). */
  databaseUrl?: string
  /** Share another app's opened embedded database (two instances without DATABASE_URL). */
  sharedDatabase?: Database
  /** Listen on a real port (needed for WebSocket clients). */
  listen?: boolean
  /** Use Redis when REDIS_URL is set in the environment (default true). */
  redis?: boolean
  /** Capture the service's own log lines (with its redaction) in this stream. */
  logStream?: Writable
}

export interface TestApp {
  app: FastifyInstance
  config: Config
  baseUrl: string
  databaseUrl?: string
  token(sub: string, role: string, options?: { expiresInSeconds?: number, name?: string }): string
  /** Authorization header for a user. */
  auth(sub: string, role: string): { authorization: string }
}

/**
 * Builds the service for one test: its own database (PostgreSQL when
 * DATABASE_URL is set, embedded otherwise), its own Redis key prefix, torn
 * down when the test ends.
 */
export async function buildTestApp (t: Teardown, options: TestAppOptions = {}): Promise<TestApp> {
  let databaseUrl = options.databaseUrl
  if (!databaseUrl && process.env.DATABASE_URL) {
    const fresh = await freshDatabaseUrl()
    databaseUrl = fresh.url
    t.teardown(fresh.drop)
  }

  const useRedis = options.redis !== false && process.env.REDIS_URL
  const prefix = `t${randomBytes(4).toString('hex')}:`
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_SECRET,
    DATA_DIR: 'memory://',
    DATABASE_URL: databaseUrl,
    REDIS_URL: useRedis ? process.env.REDIS_URL : undefined,
    REDIS_PREFIX: prefix,
    PORT: '0',
    ...options.env
  })

  const logger = options.logStream
    ? { ...(loggerOptions(config) as object), stream: options.logStream }
    : undefined
  // The owner of a shared database closes it; this app only lets go of it.
  const database = options.sharedDatabase && { ...options.sharedDatabase, close: async () => {} }
  const app = await buildApp({ config, logger, database })
  t.teardown(async () => { await app.close() })

  let baseUrl = ''
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    if (address && typeof address === 'object') baseUrl = `http://127.0.0.1:${address.port}`
  }

  const token = (sub: string, role: string, opts: { expiresInSeconds?: number, name?: string } = {}) =>
    signToken(config.jwtSecret ?? TEST_SECRET, { sub, role, ...opts })

  return {
    app,
    config,
    baseUrl,
    databaseUrl,
    token,
    auth: (sub, role) => ({ authorization: `Bearer ${token(sub, role)}` })
  }
}
