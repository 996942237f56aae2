import { EventEmitter } from 'node:events'
import type { Identity } from '../auth/identity.js'
import type { Database } from '../db/client.js'
import { AppError } from '../errors.js'
import type { ConversationAccess, ConversationMembers } from './conversation-access.js'

export const MAX_SEQ = 2_147_483_647

export interface ReadMark {
  conversationId: string
  userId: string
  lastReadSeq: number
  /** False when the mark was already at or past the requested seq. */
  advanced: boolean
}

export interface ReadEvent {
  members: ConversationMembers
  conversationId: string
  userId: string
  lastReadSeq: number
}

/** Runs after a mark advanced and before anyone is told (cache invalidation). */
export type AfterMark = (members: ConversationMembers) => Promise<void>

/*
 * One statement: lock the reader's participant row (so concurrent reads of
 * the same user see each other's result), move the mark to
 * max(old, least(upToSeq, lastSeq)), and mark read the reader's
 * notifications for the messages now covered by the mark.
 */
const MARK_READ = `
with target as (
  select p.conversation_id, p.user_id, p.last_read_seq as previous,
    greatest(p.last_read_seq, least($3::int, c.last_seq)) as next
  from conversation_participants p
  join conversations c on c.id = p.conversation_id
  where p.conversation_id = $1::uuid and p.user_id = $2
  for update of p
),
moved as (
  update conversation_participants p
  set last_read_seq = t.next
  from target t
  where p.conversation_id = t.conversation_id and p.user_id = t.user_id
    and t.next > t.previous
  returning p.last_read_seq
),
cleared as (
  update notifications n
  set read_at = now()
  from target t, messages m
  where n.user_id = t.user_id and n.conversation_id = t.conversation_id
    and n.read_at is null and m.id = n.message_id and m.seq <= t.next
  returning n.id
)
select previous, next, (select count(*)::int from cleared) as cleared
from target
`

/**
 * Read marks of conversation participants, for HTTP and the socket alike.
 * Emits 'read' when a mark advances so the hub can tell the other sockets;
 * a read that does not advance the mark is answered but not broadcast.
 */
export class ReadMarks extends EventEmitter<{ read: [ReadEvent] }> {
  afterMark: AfterMark = async () => {}

  constructor (
    private readonly database: Database,
    private readonly access: ConversationAccess
  ) {
    super()
  }

  async markRead (
    identity: Identity,
    conversationId: unknown,
    upToSeq: unknown
  ): Promise<ReadMark> {
    const members = await this.access.requireParticipant(conversationId, identity.userId)
    const target = requireSeq(upToSeq, 'upToSeq')

    const [row] = await this.database.query(MARK_READ, [
      members.conversationId, identity.userId, target
    ])
    if (!row) throw new AppError('NOT_FOUND', 'Conversation not found')

    const lastReadSeq = Number(row.next)
    const advanced = lastReadSeq > Number(row.previous)
    const { conversationId: id } = members
    const mark = { conversationId: id, userId: identity.userId, lastReadSeq, advanced }

    if (advanced) {
      await this.afterMark(members)
      this.emit('read', { members, conversationId: id, userId: identity.userId, lastReadSeq })
    }

    return mark
  }
}

/** A seq from a client: an integer from 0 up to PostgreSQL's int range. */
export function requireSeq (value: unknown, field: string): number {
  const valid = typeof value === 'number' && Number.isInteger(value) &&
    value >= 0 && value <= MAX_SEQ
  if (!valid) {
    throw new AppError('BAD_REQUEST', `${field} must be an integer from 0 to ${MAX_SEQ}`)
  }
  return value
}
