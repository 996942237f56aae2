import autocannon from 'autocannon'
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js'
import type { ServerProcess } from '../lib/processes.js'
import { printJson, printTable, progress, type Row } from '../lib/report.js'
import { ratio } from '../lib/stats.js'
import { startProduct, type TargetContext } from '../lib/targets.js'
import { ADMIN, Api, COMPANY, seedDashboard } from './api.js'

export interface HttpOptions {
  durationMs: number
  warmupMs: number
  connections: number
}

interface Load {
  reqPerSec: number
  p50: number
  p99: number
  bad: number
}

interface Mode {
  name: 'memory' | 'redis' | 'uncached'
  describe: string
  database: boolean
  redis: boolean
  env: Record<string, string>
}

const DASHBOARD = '/api/company/dashboard'
const BARE = '/bench/bare'

const MODES: Mode[] = [
  {
    name: 'memory',
    describe: 'embedded, memory tier',
    database: false,
    redis: false,
    env: {}
  },
  {
    name: 'redis',
    describe: 'PostgreSQL + Redis tier',
    database: true,
    redis: true,
    env: {}
  },
  {
    name: 'uncached',
    describe: 'PostgreSQL, CACHE_ENABLED=false',
    database: true,
    redis: true,
    env: { CACHE_ENABLED: 'false' }
  }
]

/**
 * The company dashboard served from the memory tier, from Redis and
 * uncached, each against GET /bench/bare on the same server: the same bytes,
 * already serialised, behind the same authentication and rate limit.
 */
export async function runHttp (context: TargetContext, options: HttpOptions) {
  const rows: Row[] = []
  const results: Record<string, { route: Load, bare: Load, xCache: string | null }> = {}

  for (const mode of MODES) {
    progress(`http ${mode.name}: starting the product (${mode.describe})`)
    const database = mode.database
      ? await createBenchDatabase(context.settings.postgresAdminUrl)
      : null
    let server: ServerProcess | null = null

    try {
      server = await startProduct(context, {
        databaseUrl: database?.url,
        redis: mode.redis,
        redisPrefix: `${context.settings.redisPrefix}http-${mode.name}:`,
        env: { BENCH_ROUTES: 'true', ...mode.env }
      })
      const measured = await measureMode(context, server, options)
      results[mode.name] = measured
      rows.push(row(mode, DASHBOARD, measured.route, measured.xCache))
      rows.push(row(mode, BARE, measured.bare, null))
      const { connections } = options
      printJson({ bench: 'http', mode: mode.name, connections, ...measured })
    } finally {
      await server?.stop()
      await (database as BenchDatabase | null)?.drop()
    }
  }

  const seconds = options.durationMs / 1000
  printTable(`HTTP, ${options.connections} connections, ${seconds} s per route`, rows)
  printRatios(results)
}

async function measureMode (
  context: TargetContext,
  server: ServerProcess,
  options: HttpOptions
) {
  const api = new Api(server.url, context.settings.jwtSecret)
  progress('http: seeding a company through the API')
  await seedDashboard(api)

  await api.call(COMPANY, 'company', 'GET', DASHBOARD)
  const second = await api.call(COMPANY, 'company', 'GET', DASHBOARD)
  await api.call(ADMIN, 'admin', 'PUT', BARE, second.json)
  const bare = await api.call(COMPANY, 'company', 'GET', BARE)
  if (bare.text !== second.text) {
    throw new Error('GET /bench/bare does not answer the dashboard bytes')
  }

  const headers = { authorization: `Bearer ${api.token(COMPANY, 'company')}` }
  const load = async (path: string, durationMs: number) =>
    await hammer(`${server.url}${path}`, headers, options.connections, durationMs)

  await load(DASHBOARD, options.warmupMs)
  await load(BARE, options.warmupMs)
  const route = await load(DASHBOARD, options.durationMs)
  const bareLoad = await load(BARE, options.durationMs)

  const xCache = second.headers.get('x-cache')
  return { route, bare: bareLoad, xCache, bytes: second.text.length }
}

async function hammer (
  url: string,
  headers: Record<string, string>,
  connections: number,
  durationMs: number
) {
  const result = await autocannon({ url, headers, connections, duration: durationMs / 1000 })
  const load: Load = {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors
  }
  return load
}

function row (mode: Mode, path: string, load: Load, xCache: string | null): Row {
  return {
    mode: mode.describe,
    route: path,
    'x-cache': xCache ?? '',
    'req/s': load.reqPerSec,
    'p50 ms': load.p50,
    'p99 ms': load.p99,
    'non-2xx+errors': load.bad
  }
}

function printRatios (results: Record<string, { route: Load, bare: Load }>) {
  const { memory, redis, uncached } = results
  const rps = (load: Load | undefined) => load?.reqPerSec ?? 0
  const ratios = {
    memoryHitVsBare: ratio(rps(memory?.route), rps(memory?.bare)),
    redisHitVsBare: ratio(rps(redis?.route), rps(redis?.bare)),
    redisHitVsUncached: ratio(rps(redis?.route), rps(uncached?.route)),
    memoryHitVsUncached: ratio(rps(memory?.route), rps(uncached?.route))
  }

  const title = 'HTTP ratios ' +
    '(target: memory ≥ 0.90, Redis ≥ 0.70 of bare; cached ≥ 10× uncached)'
  printTable(title, [
    { ratio: 'memory-tier hit / bare route', value: ratios.memoryHitVsBare },
    { ratio: 'Redis hit / bare route', value: ratios.redisHitVsBare },
    { ratio: 'Redis-cached / uncached dashboard', value: ratios.redisHitVsUncached },
    { ratio: 'memory-cached / uncached dashboard', value: ratios.memoryHitVsUncached }
  ])
  printJson({ bench: 'http-ratios', ...ratios })
}
