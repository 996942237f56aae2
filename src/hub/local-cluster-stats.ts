import type { ClusterStats, InstanceStats } from './cluster-stats.js'

/** One instance only: the cluster is this instance. */
export class LocalClusterStats implements ClusterStats {
  constructor (private readonly local: () => InstanceStats) {}

  async instances (): Promise<InstanceStats[]> {
    return [this.local()]
  }

  async close (): Promise<void> {}
}
