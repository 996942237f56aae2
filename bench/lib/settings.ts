import { randomBytes } from 'node:crypto'

/**
 * Where the benchmarks find PostgreSQL and Redis, and the secret that every
 * server under test shares with the load generators. Overridable from the
 * environment; the defaults are the local services.
 */
export interface BenchSettings {
  /** A database the harness can connect to in order to create and drop its own. */
  postgresAdminUrl: string
  redisUrl: string
  jwtSecret: string
  /** Prefix of every Redis key and channel this run touches. */
  redisPrefix: string
}

export function loadSettings (env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const run = randomBytes(3).toString('hex')

  return {
    postgresAdminUrl: env.BENCH_POSTGRES_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    jwtSecret: env.BENCH_JWT_SECRET ?? `bench-secret-${randomBytes(16).toString('hex')}`,
    redisPrefix: `bench${run}:`
  }
}

/** The product's limits, raised so that load tests measure speed and not the limiter. */
export const raisedLimits: Record<string, string> = {
  WS_SEND_LIMIT: '100000000',
  WS_FRAME_LIMIT: '100000000',
  HTTP_RATE_LIMIT: '1000000000'
}
