import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { InstanceRegistry } from '../cluster/instance-registry.js'
import { clusterKeys } from '../cluster/keys.js'
import { RedisClusterStats } from '../cluster/redis-cluster-stats.js'
import { announceMembership, RedisMembership } from '../cluster/redis-membership.js'
import { announcePresence, RedisPresence } from '../cluster/redis-presence.js'
import { SharedSets } from '../cluster/shared-sets.js'
import type { ClusterStats, InstanceStats } from '../hub/cluster-stats.js'
import { LocalClusterStats } from '../hub/local-cluster-stats.js'
import type { ConversationMembership } from '../hub/membership.js'
import { MemoryMembership } from '../hub/memory-membership.js'
import { MemoryPresence } from '../hub/memory-presence.js'
import type { Presence } from '../hub/presence.js'

declare module 'fastify' {
  interface FastifyInstance {
    cluster: Cluster
  }
}

/** The state the instances share: in Redis when configured, in process otherwise. */
export interface Cluster {
  readonly kind: 'memory' | 'redis'
  presence: Presence
  membership: ConversationMembership
  /** Figures of every live instance; `local` gives this instance's own. */
  stats(local: () => InstanceStats): ClusterStats
}

async function clusterPlugin (app: FastifyInstance) {
  const link = app.redisLink
  if (!link) {
    app.decorate('cluster', {
      kind: 'memory' as const,
      presence: new MemoryPresence(),
      membership: new MemoryMembership(),
      stats: (local: () => InstanceStats) => new LocalClusterStats(local)
    })
    return
  }

  const { instanceId } = app.config
  const keys = clusterKeys(link.prefix)
  const presenceSets = new SharedSets(link, instanceId, keys.presence)
  const joinSets = new SharedSets(link, instanceId, keys.joins)
  const registry = new InstanceRegistry({ link, log: app.log, keys, instanceId })
  registry.register(presenceSets, announcePresence(app.broker))
  registry.register(joinSets, announceMembership(app.broker))

  app.decorate('cluster', {
    kind: 'redis' as const,
    presence: new RedisPresence(presenceSets),
    membership: new RedisMembership(joinSets),
    stats: (local: () => InstanceStats) =>
      new RedisClusterStats({ link, log: app.log, keys, instanceId, local })
  })

  await registry.start()

  // Runs before the broker closes, so what this instance still holds is
  // announced gone to the others.
  app.addHook('onClose', async () => {
    await registry.close()
  })
}

export default fp(clusterPlugin, { name: 'cluster', dependencies: ['redis', 'chat'] })
