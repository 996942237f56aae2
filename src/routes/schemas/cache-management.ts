import { Type } from 'typebox'

const Nullable = <T extends ReturnType<typeof Type.Number>> (schema: T) =>
  Type.Union([schema, Type.Null()])

export const CacheStats = Type.Object({
  enabled: Type.Boolean(),
  tier: Type.Union([Type.Literal('redis'), Type.Literal('memory')]),
  hits: Type.Integer(),
  misses: Type.Integer(),
  hitRate: Type.Number({ description: 'hits / (hits + misses); 0 before any lookup' }),
  sets: Type.Integer(),
  deletes: Type.Integer(),
  errors: Type.Integer(),
  redisConnected: Type.Boolean(),
  memorySize: Type.Integer(),
  memoryMax: Type.Integer()
})

export const RedisInfo = Type.Object({
  connected: Type.Boolean(),
  version: Type.Union([Type.String(), Type.Null()]),
  uptimeSeconds: Nullable(Type.Number()),
  memory: Type.Object({ usedBytes: Nullable(Type.Number()), peakBytes: Nullable(Type.Number()) }),
  clients: Type.Object({ connected: Nullable(Type.Number()) }),
  keyspace: Type.Object({ prefix: Type.String(), keys: Nullable(Type.Number()) })
})

export const CacheEntry = Type.Object({
  key: Type.String(),
  value: Type.Unknown(),
  ttlMs: Type.Integer({ description: 'Remaining time to live' })
})

export const PutKeyBody = Type.Object({
  value: Type.Unknown(),
  ttlMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000_000 }))
}, { additionalProperties: false })

export const PatternBody = Type.Object({
  pattern: Type.String({ minLength: 1, maxLength: 1026, description: 'e.g. "dashboard:*"' })
}, { additionalProperties: false })

export const CacheHealth = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  tier: Type.Union([Type.Literal('redis'), Type.Literal('memory')]),
  redis: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('disabled')])
})
