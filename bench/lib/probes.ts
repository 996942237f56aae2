import postgres from 'postgres'
import { Redis } from 'ioredis'

/** Counters read at the start and end of a measured window. */
export interface ProbeSample {
  /** Transactions committed in the bench database. */
  commits: number
  /** Rows inserted in the bench database. */
  rowsInserted: number
  /** Redis calls per command, whole server (other users of that Redis count too). */
  redisCalls: Record<string, number>
  /** CPU seconds the Redis server has used. */
  redisCpuSeconds: number
}

export interface ProbeDelta {
  commitsPerSec: number
  rowsInsertedPerSec: number
  /** Commands executed, including those run inside scripts. */
  redisCallsPerSec: number
  /** The busiest Redis commands, calls per second. */
  redisTop: Record<string, number>
  /** Redis server CPU, percent of one core. */
  redisCpu: number
}

/** Where a run's database and Redis traffic is read from. */
export class Probes {
  private readonly sql: postgres.Sql | null
  private readonly redis: Redis
  private readonly databaseName: string | null

  constructor (options: {
    postgresAdminUrl: string
    databaseName: string | null
    redisUrl: string
  }) {
    this.databaseName = options.databaseName
    this.sql = options.databaseName
      ? postgres(options.postgresAdminUrl, { max: 1, onnotice: () => {} })
      : null
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 })
  }

  async sample (): Promise<ProbeSample> {
    const [database, commands, cpu] = await Promise.all([
      this.databaseCounters(),
      this.redis.info('commandstats'),
      this.redis.info('cpu')
    ])
    return {
      ...database,
      redisCalls: parseCommandStats(commands),
      redisCpuSeconds: parseCpu(cpu)
    }
  }

  async close (): Promise<void> {
    await this.sql?.end()
    this.redis.disconnect()
  }

  private async databaseCounters () {
    if (!this.sql || !this.databaseName) return { commits: 0, rowsInserted: 0 }

    // Statistics are flushed by each backend at most once a second: ask for fresh ones.
    await this.sql`select pg_stat_clear_snapshot()`
    const rows = await this.sql`
      select xact_commit::bigint as commits, tup_inserted::bigint as inserted
      from pg_stat_database where datname = ${this.databaseName}`
    return {
      commits: Number(rows[0]?.commits ?? 0),
      rowsInserted: Number(rows[0]?.inserted ?? 0)
    }
  }
}

export function probeDelta (
  from: ProbeSample,
  to: ProbeSample,
  seconds: number
): ProbeDelta {
  const perSec = (n: number) => Math.round(n / seconds)
  const calls = Object.entries(to.redisCalls)
    .map(([command, n]) => [command, perSec(n - (from.redisCalls[command] ?? 0))] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])

  return {
    commitsPerSec: perSec(to.commits - from.commits),
    rowsInsertedPerSec: perSec(to.rowsInserted - from.rowsInserted),
    redisCallsPerSec: calls.reduce((sum, [, n]) => sum + n, 0),
    redisTop: Object.fromEntries(calls.slice(0, 8)),
    redisCpu: Math.round((to.redisCpuSeconds - from.redisCpuSeconds) / seconds * 100)
  }
}

/** used_cpu_sys + used_cpu_user of `INFO cpu`, in seconds. */
export function parseCpu (info: string): number {
  const read = (name: string) =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return read('used_cpu_sys') + read('used_cpu_user')
}

/** `cmdstat_publish:calls=12,usec=...` lines into { publish: 12 }. */
export function parseCommandStats (info: string): Record<string, number> {
  const calls: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls[match[1]] = Number(match[2])
  }
  return calls
}
