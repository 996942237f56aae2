import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServerProcess, freePort } from './processes.js'
import { raisedLimits, type BenchSettings } from './settings.js'

/** How the harness starts servers: the built product or its sources through tsx. */
export interface TargetContext {
  root: string
  settings: BenchSettings
  serverMode: 'dist' | 'tsx'
  /** Log level of the product under load (request logs at info would be measured too). */
  logLevel: string
  /** When set, the product writes a V8 CPU profile here on exit (node --cpu-prof). */
  profileDir?: string
  /** When set, the product writes a heap snapshot here on SIGUSR2. */
  heapDir?: string
}

export interface ProductOptions {
  /** PostgreSQL; embedded PGlite in a temporary folder when absent. */
  databaseUrl?: string
  redis: boolean
  /** Key prefix for this scenario, under the run's prefix. */
  redisPrefix?: string
  instanceId?: string
  env?: Record<string, string>
}

const tsx = ['--import', 'tsx']

function heapArgs (context: TargetContext): string[] {
  if (!context.heapDir) return []
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${context.heapDir}`]
}

export async function startProduct (
  context: TargetContext,
  options: ProductOptions
): Promise<ServerProcess> {
  const port = await freePort()
  const dataDir = options.databaseUrl
    ? undefined
    : mkdtempSync(join(tmpdir(), 'bench-data-'))
  const profile = [
    ...(context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`] : []),
    ...heapArgs(context)
  ]
  const entry = context.serverMode === 'dist'
    ? ['dist/src/server.js']
    : [...tsx, 'src/server.ts']
  if (context.serverMode === 'dist' && !existsSync(join(context.root, entry[0]))) {
    throw new Error('dist/src/server.js is missing: run npm run build or pass --server tsx')
  }

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: context.logLevel,
    JWT_SECRET: context.settings.jwtSecret,
    INSTANCE_ID: options.instanceId ?? `bench-${port}`,
    REDIS_PREFIX: options.redisPrefix ?? context.settings.redisPrefix,
    ...raisedLimits,
    ...(options.databaseUrl
      ? { DATABASE_URL: options.databaseUrl }
      : { DATA_DIR: dataDir ?? '' }),
    ...(options.redis ? { REDIS_URL: context.settings.redisUrl } : {}),
    ...options.env
  }
  const wantsRedis = options.redis

  return await ServerProcess.start({
    name: `product:${port}`,
    command: [process.execPath, ...profile, ...entry],
    env,
    port,
    cwd: context.root,
    readyPath: '/ready',
    readyBody: (body) =>
      !wantsRedis || (JSON.parse(body) as { redis?: string }).redis === 'up',
    afterExit: () => { if (dataDir) rmSync(dataDir, { recursive: true, force: true }) }
  }, dataDir ? 90_000 : 60_000)
}

export async function startSocketIo (
  context: TargetContext,
  options: { databaseUrl: string, redisPrefix?: string }
): Promise<ServerProcess> {
  const port = await freePort()

  return await ServerProcess.start({
    name: `socketio:${port}`,
    command: [process.execPath, ...tsx, 'bench/socketio/server.ts'],
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      JWT_SECRET: context.settings.jwtSecret,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: context.settings.redisUrl,
      REDIS_PREFIX: options.redisPrefix ?? context.settings.redisPrefix
    },
    port,
    cwd: context.root,
    readyPath: '/health'
  })
}

export async function startBare (context: TargetContext): Promise<ServerProcess> {
  const port = await freePort()

  return await ServerProcess.start({
    name: `bare-ws:${port}`,
    command: [process.execPath, ...heapArgs(context), ...tsx, 'bench/bare/server.ts'],
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      JWT_SECRET: context.settings.jwtSecret
    },
    port,
    cwd: context.root,
    readyPath: '/health'
  })
}
