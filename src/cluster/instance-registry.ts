import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { RedisLink } from '../redis/link.js'
import type { ClusterKeys } from './keys.js'
import { HEARTBEAT, REAP } from './shared-sets-lua.js'
import { parseField, type SharedSets, type SyncResult } from './shared-sets.js'

export interface InstanceRegistryOptions {
  link: RedisLink
  log: FastifyBaseLogger
  keys: ClusterKeys
  instanceId: string
  /** How often liveness is renewed and dead instances are looked for. */
  heartbeatMs?: number
  /** How long an instance counts as alive after its last heartbeat. */
  ttlMs?: number
}

/** Tells the cluster about transitions found by a sync or a reap. */
export type Announce = (change: SyncResult, at: string) => void

interface Part {
  sets: SharedSets
  announce: Announce
}

/**
 * This instance's membership of the cluster. A heartbeat renews a liveness
 * key; every instance also reaps the instances whose key expired, so the
 * users of a crashed instance go offline within ttl + heartbeat (20 s by
 * default), announced once cluster-wide. When Redis comes back, or lost its
 * data, each instance writes its share back.
 */
export class InstanceRegistry {
  private readonly link: RedisLink
  private readonly log: FastifyBaseLogger
  private readonly keys: ClusterKeys
  private readonly instanceId: string
  private readonly heartbeatMs: number
  private readonly ttlMs: number
  private readonly parts: Part[] = []
  private epoch: string | null = null
  private beating: Promise<void> | null = null
  private timer: NodeJS.Timeout | undefined

  constructor (options: InstanceRegistryOptions) {
    this.link = options.link
    this.log = options.log
    this.keys = options.keys
    this.instanceId = options.instanceId
    this.heartbeatMs = options.heartbeatMs ?? 5000
    this.ttlMs = options.ttlMs ?? 15_000
  }

  register (sets: SharedSets, announce: Announce): void {
    this.parts.push({ sets, announce })
  }

  async start (): Promise<void> {
    this.link.on('up', this.linkOnUp)
    this.timer = setInterval(this.tick, this.heartbeatMs)
    this.timer.unref()
    await this.beat()
  }

  /** Leaves the cluster: whatever this instance still held is announced gone. */
  async close (): Promise<void> {
    clearInterval(this.timer)
    this.link.off('up', this.linkOnUp)
    await this.beating
    if (this.link.command.status !== 'ready') return

    await this.link.command.del(this.keys.alivePrefix + this.instanceId).catch(() => {})
    await this.sweep()
  }

  /** Renews liveness; writes shares back when Redis may have lost them. */
  async beat (): Promise<void> {
    if (this.beating) return await this.beating

    this.beating = this.renew().finally(() => { this.beating = null })
    await this.beating
  }

  /** Removes instances that stopped renewing, announcing what they held. */
  async sweep (): Promise<void> {
    if (this.link.command.status !== 'ready') return

    const now = new Date().toISOString()
    const namespaces = this.parts.flatMap(({ sets }) =>
      [sets.names.inst, sets.names.global, sets.names.groups, sets.names.seen])
    const { instances, alivePrefix, statsPrefix } = this.keys
    const args = [instances, alivePrefix, statsPrefix, now, ...namespaces]

    let reply: [string[], ...string[][]]
    try {
      reply = await REAP.run(this.link.command, [], args) as [string[], ...string[][]]
    } catch (err) {
      this.log.debug({ err }, 'reaping dead instances failed')
      return
    }

    const [dead, ...downs] = reply
    const crashed = dead.filter((id) => id !== this.instanceId)
    if (crashed.length > 0) {
      this.log.warn({ instances: crashed }, 'instances stopped answering; removed')
    }

    this.parts.forEach((part, i) => {
      if (downs[i].length === 0) return
      part.announce({ ups: [], downs: downs[i].map(parseField) }, now)
    })
  }

  private async renew (): Promise<void> {
    if (this.link.command.status !== 'ready') return

    const { alivePrefix, instances, epoch: epochKey } = this.keys
    const args = [
      alivePrefix + this.instanceId, this.ttlMs, instances, this.instanceId,
      epochKey, randomBytes(8).toString('hex')
    ]
    let reply: unknown
    try {
      reply = await HEARTBEAT.run(this.link.command, [], args)
    } catch (err) {
      this.log.debug({ err }, 'heartbeat failed')
      return
    }
    const [expired, epoch] = reply as [number, string]

    // After Redis lost its data nobody knows the earlier state, so the
    // rebuilt share changes nothing anyone could see: it is not announced.
    const dataLost = epoch !== this.epoch
    if (dataLost && this.epoch !== null) {
      this.log.warn('redis lost the cluster state; writing this instance\'s share back')
    }
    this.epoch = epoch

    for (const part of this.parts) {
      if (expired === 0 && !dataLost && !part.sets.dirty) continue

      const now = new Date().toISOString()
      const change = await part.sets.sync(now)
      const changed = change.ups.length + change.downs.length > 0
      if (changed && !dataLost) part.announce(change, now)
    }
  }

  private readonly tick = (): void => {
    void this.beat().then(async () => { await this.sweep() })
  }

  private readonly linkOnUp = (): void => {
    void this.beat()
  }
}
