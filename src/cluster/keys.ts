import type { SharedSetsNames } from './shared-sets.js'

/**
 * Every Redis key of the cluster's shared state, in one place. All start
 * with REDIS_PREFIX and stay outside the cache namespace, so a cache flush
 * never touches presence.
 */
export function clusterKeys (prefix: string) {
  return {
    instances: `${prefix}cluster:instances`,
    alivePrefix: `${prefix}cluster:alive:`,
    statsPrefix: `${prefix}cluster:stats:`,
    epoch: `${prefix}cluster:epoch`,
    presence: {
      inst: `${prefix}presence:inst:`,
      global: `${prefix}presence:online`,
      groups: '',
      seen: `${prefix}presence:last-seen`
    } satisfies SharedSetsNames,
    joins: {
      inst: `${prefix}joins:inst:`,
      global: `${prefix}joins:conv:`,
      groups: `${prefix}joins:rooms`,
      seen: ''
    } satisfies SharedSetsNames
  }
}

export type ClusterKeys = ReturnType<typeof clusterKeys>
