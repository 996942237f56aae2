import type { FastifyBaseLogger } from 'fastify'
import type { ClusterStats, InstanceStats } from '../hub/cluster-stats.js'
import type { RedisLink } from '../redis/link.js'
import type { ClusterKeys } from './keys.js'

export interface RedisClusterStatsOptions {
  link: RedisLink
  log: FastifyBaseLogger
  keys: ClusterKeys
  instanceId: string
  /** This instance's current figures. */
  local: () => InstanceStats
  /** How long written figures live without a refresh (an instance's liveness). */
  ttlMs?: number
  /** How often this instance's figures are compared with what it last wrote. */
  refreshMs?: number
}

/**
 * Each instance writes its figures to Redis when they change (checked every
 * refreshMs, 250 ms by default) and renews them within their TTL, so the
 * figures read on any instance are at most that old, and a dead instance
 * drops out when its key expires or the registry reaps it.
 */
export class RedisClusterStats implements ClusterStats {
  private readonly options: Required<RedisClusterStatsOptions>
  private readonly key: string
  private written = ''
  private writtenAt = 0
  private readonly timer: NodeJS.Timeout

  constructor (options: RedisClusterStatsOptions) {
    this.options = { ttlMs: 15_000, refreshMs: 250, ...options }
    this.key = options.keys.statsPrefix + options.instanceId
    this.timer = setInterval(this.refresh, this.options.refreshMs)
    this.timer.unref()
    options.link.on('up', this.linkOnUp)
  }

  async instances (): Promise<InstanceStats[]> {
    const own = this.options.local()
    const others = await this.others().catch((err: unknown) => {
      this.options.log.debug({ err }, 'reading cluster stats failed')
      return []
    })

    return [own, ...others].sort((a, b) => a.instanceId.localeCompare(b.instanceId))
  }

  async close (): Promise<void> {
    clearInterval(this.timer)
    this.options.link.off('up', this.linkOnUp)
    if (this.options.link.command.status !== 'ready') return
    await this.options.link.command.del(this.key).catch(() => {})
  }

  private async others (): Promise<InstanceStats[]> {
    const redis = this.options.link.command
    if (redis.status !== 'ready') return []

    const ids = (await redis.smembers(this.options.keys.instances))
      .filter((id) => id !== this.options.instanceId)
    if (ids.length === 0) return []

    const values = await redis.mget(ids.map((id) => this.options.keys.statsPrefix + id))
    return values.flatMap((value) => value === null ? [] : [parseStats(value)])
  }

  // Redis may have lost the figures while it was away.
  private readonly linkOnUp = (): void => {
    this.written = ''
  }

  // Writes when the figures changed, or when the last write is half its TTL old.
  private readonly refresh = (): void => {
    const redis = this.options.link.command
    if (redis.status !== 'ready') return

    const figures = JSON.stringify(this.options.local())
    const now = Date.now()
    if (figures === this.written && now - this.writtenAt < this.options.ttlMs / 2) return

    this.written = figures
    this.writtenAt = now
    redis.set(this.key, figures, 'PX', this.options.ttlMs).catch(() => {
      this.written = ''
    })
  }
}

function parseStats (value: string): InstanceStats {
  return JSON.parse(value) as InstanceStats
}
