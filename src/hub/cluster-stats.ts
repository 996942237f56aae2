/** One instance's own figures, as the management routes show them. */
export interface InstanceStats {
  instanceId: string
  connectedUsers: number
  totalSockets: number
  rooms: number
}

/**
 * The figures of every live instance, for GET /api/websocket/stats.
 *
 * Contract shared by every implementation:
 * - instances() lists each live instance once, this one always included
 *   with its current figures; an instance that died drops out within 30 s.
 * - It never throws and never waits long on a shared store that is away:
 *   it then answers with this instance alone.
 */
export interface ClusterStats {
  instances(): Promise<InstanceStats[]>
  close(): Promise<void>
}
