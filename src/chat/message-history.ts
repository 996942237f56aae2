import type { IncomingMessage } from 'node:http'
import type { Identity } from '../auth/identity.js'
import type { Database } from '../db/client.js'
import { readMessageRange, type MessagePage } from '../db/queries/messages.js'
import { AppError } from '../errors.js'
import type { ConversationAccess } from './conversation-access.js'

export const DEFAULT_PAGE_LIMIT = 50
export const MAX_PAGE_LIMIT = 100
export const MAX_WAIT_MS = 30_000

export interface HistoryQuery {
  beforeSeq?: number
  afterSeq?: number
  limit?: number
  /** Long-poll: with afterSeq, wait up to this long for a newer message. */
  waitMs?: number
}

/**
 * Resolves when a message with seq > afterSeq may exist in the conversation,
 * when waitMs has passed, or when the client went away.
 */
export interface MessageWaiter {
  waitForMessage(
    conversationId: string,
    afterSeq: number,
    waitMs: number,
    raw: IncomingMessage
  ): Promise<unknown>
}

export interface HistoryDeps {
  database: Database
  access: ConversationAccess
  /** Absent when no hub runs: long-polls then answer at once. */
  waiter?: MessageWaiter
}

/**
 * A page of a conversation's messages for a participant. With afterSeq and
 * waitMs it long-polls: when nothing is newer yet it waits for the next
 * message (or the end of the wait) and reads again.
 */
export async function readHistory (
  deps: HistoryDeps,
  identity: Identity,
  conversationId: string,
  query: HistoryQuery,
  raw: IncomingMessage
): Promise<MessagePage> {
  checkQuery(query)
  const members = await deps.access.requireParticipant(conversationId, identity.userId)

  const range = {
    beforeSeq: query.beforeSeq,
    afterSeq: query.afterSeq,
    limit: query.limit ?? DEFAULT_PAGE_LIMIT
  }
  const page = await readMessageRange(deps.database, members.conversationId, range)

  const { waiter } = deps
  const { afterSeq, waitMs = 0 } = query
  if (page.items.length > 0 || waitMs === 0 || afterSeq === undefined || !waiter) return page

  await waiter.waitForMessage(members.conversationId, afterSeq, waitMs, raw)
  return await readMessageRange(deps.database, members.conversationId, range)
}

function checkQuery (query: HistoryQuery): void {
  if (query.beforeSeq !== undefined && query.afterSeq !== undefined) {
    throw new AppError('BAD_REQUEST', 'beforeSeq and afterSeq cannot be combined')
  }
  if (query.waitMs !== undefined && query.afterSeq === undefined) {
    throw new AppError('BAD_REQUEST', 'waitMs needs afterSeq')
  }
}
