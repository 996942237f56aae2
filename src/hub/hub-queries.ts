import { and, eq, or, sql } from 'drizzle-orm'
import type { Database } from '../db/client.js'
import { conversations, participants, users } from '../db/schema.js'

/** The few reads the hub makes itself. */
export class HubQueries {
  constructor (private readonly database: Database) {}

  async lastSeq (conversationId: string): Promise<number> {
    const [row] = await this.database.db.select({ lastSeq: conversations.lastSeq })
      .from(conversations).where(eq(conversations.id, conversationId))
    return row?.lastSeq ?? 0
  }

  /** What a join's ack reports about the conversation and the joiner's read mark. */
  async joinState (conversationId: string, userId: string) {
    const [row] = await this.database.db
      .select({ lastSeq: conversations.lastSeq, lastReadSeq: participants.lastReadSeq })
      .from(conversations)
      .innerJoin(participants, and(
        eq(participants.conversationId, conversations.id),
        eq(participants.userId, userId)
      ))
      .where(eq(conversations.id, conversationId))
    return row ?? { lastSeq: 0, lastReadSeq: 0 }
  }

  async userExists (userId: string): Promise<boolean> {
    const [row] = await this.database.db.select({ id: users.id }).from(users)
      .where(eq(users.id, userId))
    return row !== undefined
  }

  async shareConversation (userId: string, otherId: string): Promise<boolean> {
    const [row] = await this.database.db.select({ one: sql<number>`1` })
      .from(conversations)
      .where(or(
        and(eq(conversations.companyId, userId), eq(conversations.candidateId, otherId)),
        and(eq(conversations.companyId, otherId), eq(conversations.candidateId, userId))
      ))
      .limit(1)
    return row !== undefined
  }
}
