/**
 * Which users have a socket joined to a conversation anywhere in the
 * cluster. It drives the `joined`/`left` frames and the notification rule
 * (a recipient with no socket joined gets a stored notification).
 *
 * The hub calls add() when a user's first socket on this instance joins a
 * conversation and remove() when their last socket here leaves it (or
 * closes), so each instance counts once per user and conversation.
 *
 * Contract shared by every implementation:
 * - add() resolves true exactly when the user had no socket joined to the
 *   conversation anywhere before; remove() resolves true exactly when none
 *   is left anywhere. Exactly one instance sees each transition.
 * - Calls made by one instance for one pair take effect in the order made.
 * - An instance that dies stops counting within 30 s.
 * - Nothing waits on a shared store that is away: answers then come from this
 *   instance's own joins, rebuilt into the store when it returns.
 * - No method throws.
 */
export interface ConversationMembership {
  add(conversationId: string, userId: string): Promise<boolean>
  remove(conversationId: string, userId: string): Promise<boolean>
  isJoined(conversationId: string, userId: string): Promise<boolean>
  /** Conversations with at least one socket joined anywhere. */
  conversationCount(): Promise<number>
  close(): Promise<void>
}
