import { randomBytes } from 'node:crypto'
import { buildTestApp, type TestApp } from '../helpers/app.js'

interface Teardown { teardown(fn: () => unknown): void }

export interface InstanceOptions {
  /** The Redis both instances share; without it each keeps its own memory tier. */
  redisUrl?: string
  env?: Record<string, string | undefined>
  /** Settings of the second instance only (e.g. CACHE_ENABLED=false for a reference). */
  secondEnv?: Record<string, string | undefined>
}

/**
 * Two instances of the service on one database and one Redis namespace, as
 * behind a load balancer: PostgreSQL when DATABASE_URL is set, otherwise
 * one embedded database shared in process.
 */
export async function twoInstances (t: Teardown, options: InstanceOptions = {}): Promise<[TestApp, TestApp]> {
  const env = {
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    REDIS_URL: options.redisUrl,
    ...options.env
  }

  const first = await buildTestApp(t, { env: { ...env, INSTANCE_ID: 'I1' } })
  const second = await buildTestApp(t, {
    env: { ...env, INSTANCE_ID: 'I2', ...options.secondEnv },
    databaseUrl: first.databaseUrl,
    sharedDatabase: first.databaseUrl ? undefined : first.app.db
  })

  return [first, second]
}
