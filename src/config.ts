import { hostname } from 'node:os'
import envSchema from 'env-schema'
import { Type, type Static } from 'typebox'

/**
 * Every environment variable the service reads, with its default.
 * Read once at start; a bad value stops the process with one line.
 */
const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
      .map((level) => Type.Literal(level)),
    { default: 'info' }
  ),
  INSTANCE_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),

  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),

  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_ENABLED: Type.Optional(Type.Boolean()),
  REDIS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  REDIS_PASSWORD: Type.Optional(Type.String()),
  REDIS_DB: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
  REDIS_PREFIX: Type.String({ default: 'jobboard:', pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),

  JWT_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  JWT_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 32 })),

  CACHE_ENABLED: Type.Boolean({ default: true }),
  CACHE_TTL: Type.Integer({ minimum: 1000, default: 3_600_000 }),
  CACHE_MAX_SIZE: Type.Integer({ minimum: 1, default: 1000 }),
  CACHE_PREFIX: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' })),
  CACHE_DEGRADED_TTL: Type.Integer({ minimum: 100, default: 5000 }),

  WS_SEND_LIMIT: Type.Integer({ minimum: 1, default: 20 }),
  WS_FRAME_LIMIT: Type.Integer({ minimum: 1, default: 60 }),
  HTTP_RATE_LIMIT: Type.Integer({ minimum: 1, default: 600 }),
  WS_MAX_FRAME_BYTES: Type.Integer({ minimum: 1024, default: 65_536 }),
  WS_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 65_536, default: 1_048_576 }),
  HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 25_000 }),

  BENCH_ROUTES: Type.Boolean({ default: false })
})

type Env = Static<typeof EnvSchema>

export interface Config {
  env: string
  production: boolean
  port: number
  host: string
  logLevel: string
  instanceId: string
  databaseUrl: string | undefined
  dataDir: string
  redisUrl: string | undefined
  redisPrefix: string
  jwtSecret: string | undefined
  jwtPublicKey: string | undefined
  cache: {
    enabled: boolean
    ttlMs: number
    maxSize: number
    prefix: string
    degradedTtlMs: number
  }
  limits: {
    sendsPer10s: number
    framesPerSecond: number
    httpPerMinute: number
    maxFrameBytes: number
    maxBufferedBytes: number
  }
  heartbeatMs: number
  /** Registers the routes `npm run bench` compares the cache against. */
  benchRoutes: boolean
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the environment. Throws ConfigError naming the variable. */
export function loadConfig (source: NodeJS.ProcessEnv = process.env): Config {
  const env = parseEnv(source)

  if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWT_PUBLIC_KEY) {
    throw new ConfigError('JWT_SECRET or JWT_PUBLIC_KEY is required when NODE_ENV=production')
  }

  const redisPrefix = env.REDIS_PREFIX

  return {
    env: env.NODE_ENV,
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    instanceId: env.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    redisUrl: buildRedisUrl(env),
    redisPrefix,
    jwtSecret: env.JWT_SECRET,
    jwtPublicKey: env.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    cache: {
      enabled: env.CACHE_ENABLED,
      ttlMs: env.CACHE_TTL,
      maxSize: env.CACHE_MAX_SIZE,
      prefix: env.CACHE_PREFIX ?? `${redisPrefix}cache:`,
      degradedTtlMs: env.CACHE_DEGRADED_TTL
    },
    limits: {
      sendsPer10s: env.WS_SEND_LIMIT,
      framesPerSecond: env.WS_FRAME_LIMIT,
      httpPerMinute: env.HTTP_RATE_LIMIT,
      maxFrameBytes: env.WS_MAX_FRAME_BYTES,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES
    },
    heartbeatMs: env.HEARTBEAT_MS,
    benchRoutes: env.BENCH_ROUTES
  }
}

function parseEnv (source: NodeJS.ProcessEnv): Env {
  const data = withoutEmptyValues(source)

  try {
    return envSchema<Env>({ schema: EnvSchema, data, dotenv: false, env: false })
  } catch (err) {
    throw new ConfigError(describeEnvError(err))
  }
}

// An empty variable means "not set", as it does for most twelve-factor services.
function withoutEmptyValues (source: NodeJS.ProcessEnv): Record<string, string> {
  const data: Record<string, string> = {}

  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && value !== '') data[key] = value
  }

  return data
}

function describeEnvError (err: unknown): string {
  const errors = (err as { errors?: Array<{ instancePath: string, message?: string }> }).errors
  const first = errors?.[0]
  if (!first) return `invalid configuration: ${(err as Error).message}`

  const variable = first.instancePath.replace(/^\//, '')
  return `invalid configuration: ${variable} ${first.message ?? 'is invalid'}`
}

/** REDIS_URL wins; otherwise REDIS_HOST and friends build one when enabled. */
function buildRedisUrl (env: Env): string | undefined {
  if (env.REDIS_ENABLED === false) return undefined
  if (env.REDIS_URL) return env.REDIS_URL

  const enabled = env.REDIS_ENABLED === true || env.REDIS_HOST !== undefined
  if (!enabled) return undefined

  const host = env.REDIS_HOST ?? '127.0.0.1'
  const port = env.REDIS_PORT ?? 6379
  const auth = env.REDIS_PASSWORD ? `:${encodeURIComponent(env.REDIS_PASSWORD)}@` : ''
  const db = env.REDIS_DB ?? 0

  return `redis://${auth}${host}:${port}/${db}`
}
