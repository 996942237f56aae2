/**
 * Which users are online anywhere in the cluster. Online means at least one
 * authenticated socket on some instance; long-poll clients do not count.
 *
 * The hub calls connect() when a user's first socket on this instance is
 * authenticated and disconnect() when their last socket here closes, so each
 * instance counts once per user whatever its number of sockets.
 *
 * Contract shared by every implementation:
 * - connect() resolves true exactly when the user was offline everywhere
 *   before (the cluster-wide "came online" transition); disconnect()
 *   resolves `offline: true` exactly when no instance holds the user any
 *   more. Exactly one instance sees each transition.
 * - Calls made by one instance for one user take effect in the order made.
 * - The users of an instance that dies stop counting within 30 s.
 * - Nothing waits on a shared store that is away: answers then come from
 *   this instance's own users, and the shared state is rebuilt from them
 *   when the store returns (it may have lost its keys).
 * - No method throws.
 */
export interface Presence {
  connect(userId: string): Promise<boolean>
  disconnect(userId: string): Promise<{ offline: boolean, lastSeenAt: string }>
  /** The subset of userIds online now, in the order given. */
  online(userIds: readonly string[]): Promise<string[]>
  /** lastSeenAt is when the user last went offline (null if never seen or online). */
  status(userId: string): Promise<{ online: boolean, lastSeenAt: string | null }>
  /** Every online user id, sorted. */
  onlineUsers(): Promise<string[]>
  close(): Promise<void>
}
