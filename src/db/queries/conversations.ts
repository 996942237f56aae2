import { and, eq } from 'drizzle-orm'
import { messageFromRow, toIso, type MessageView } from '../../chat/message-view.js'
import { AppError } from '../../errors.js'
import type { Database, Row } from '../client.js'
import { conversations, participants } from '../schema.js'
import { jobGoneIsNotFound, requireOwnJob } from './jobs.js'
import { pageOffset, type Page, type PageRequest } from './paging.js'
import { requireUserWithRole } from './users.js'

export interface ConversationView {
  id: string
  companyId: string
  candidateId: string
  jobId: string | null
  lastSeq: number
  lastMessage: MessageView | null
  /** Messages of the other participant above the caller's read mark. */
  unreadCount: number
  createdAt: string
}

export interface OpenConversation {
  candidateId: string
  jobId?: string | null
}

/*
 * A user's conversations as they see them: the last message (seq = lastSeq)
 * and the count of the other participant's messages above their read mark.
 * The conversations are chosen first (`chosen` filters, orders and limits
 * them), so the last message and the count are looked up for those alone.
 */
function viewQuery (chosen: string): string {
  return `
with mine as (
  select c.id, c.company_id, c.candidate_id, c.job_id, c.last_seq, c.created_at,
    c.last_activity_at, p.user_id, p.last_read_seq
  from conversation_participants p
  join conversations c on c.id = p.conversation_id
  ${chosen}
)
select mine.*,
  m.id as m_id, m.seq as m_seq, m.sender_id as m_sender_id, m.content as m_content,
  m.client_msg_id as m_client_msg_id, m.created_at as m_created_at,
  (select count(*)::int from messages u
    where u.conversation_id = mine.id and u.seq > mine.last_read_seq
      and u.sender_id <> mine.user_id) as unread_count
from mine
left join lateral (
  select * from messages m where m.conversation_id = mine.id and m.seq = mine.last_seq
) m on true
order by mine.last_activity_at desc, mine.id desc
`
}

const LIST_MINE = viewQuery(`
  where p.user_id = $1
  order by c.last_activity_at desc, c.id desc
  limit $2 offset $3`)

const ONE_OF_MINE = viewQuery('where p.user_id = $1 and c.id = $2::uuid')

const COUNT_MINE =
  'select count(*)::int as total from conversation_participants where user_id = $1'

/**
 * The company's conversation with a candidate about a job (or about no job),
 * created with both participants when it does not exist yet.
 */
export async function openConversation (
  database: Database,
  companyId: string,
  input: OpenConversation
): Promise<{ conversation: ConversationView, created: boolean }> {
  await requireUserWithRole(database, input.candidateId, 'candidate')
  const jobId = input.jobId ?? null
  if (jobId !== null) await requireOwnJob(database, companyId, jobId)

  const key = { companyId, candidateId: input.candidateId, jobKey: jobId ?? '' }
  const view = async (id: string) => await conversationView(database, companyId, id)

  const existing = await findConversationId(database, key)
  if (existing) return { conversation: await view(existing), created: false }

  const createdId = await insertConversation(database, { ...key, jobId })
  if (createdId) return { conversation: await view(createdId), created: true }

  // Another request created it between our read and our insert.
  const winner = await findConversationId(database, key)
  if (!winner) throw new Error('conversation missing after a conflicting insert')
  return { conversation: await view(winner), created: false }
}

/** The caller's conversations, latest activity first. */
export async function listConversations (
  database: Database,
  userId: string,
  request: PageRequest
): Promise<Page<ConversationView>> {
  const [rows, [{ total }]] = await Promise.all([
    database.query(LIST_MINE, [userId, request.pageSize, pageOffset(request)]),
    database.query<{ total: number }>(COUNT_MINE, [userId])
  ])

  const { page, pageSize } = request
  return { items: rows.map(conversationFromRow), page, pageSize, total: Number(total) }
}

/** One conversation as a participant sees it; check participation first. */
export async function conversationView (
  database: Database,
  userId: string,
  conversationId: string
): Promise<ConversationView> {
  const [row] = await database.query(ONE_OF_MINE, [userId, conversationId])
  if (!row) throw new AppError('NOT_FOUND', 'Conversation not found')
  return conversationFromRow(row)
}

interface ConversationKey {
  companyId: string
  candidateId: string
  jobKey: string
}

async function findConversationId (database: Database, key: ConversationKey) {
  const [row] = await database.db.select({ id: conversations.id }).from(conversations)
    .where(and(
      eq(conversations.companyId, key.companyId),
      eq(conversations.candidateId, key.candidateId),
      eq(conversations.jobKey, key.jobKey)
    ))
  return row?.id
}

// The conversation and its two participants commit together. A concurrent
// create of the same conversation loses on the unique index and returns
// undefined; the caller then reads the winner's row.
async function insertConversation (
  database: Database,
  values: ConversationKey & { jobId: string | null }
): Promise<string | undefined> {
  return await database.db.transaction(async (tx) => {
    const [row] = await tx.insert(conversations).values(values)
      .onConflictDoNothing({
        target: [conversations.companyId, conversations.candidateId, conversations.jobKey]
      })
      .returning({ id: conversations.id })
    if (!row) return undefined

    await tx.insert(participants).values([
      { conversationId: row.id, userId: values.companyId },
      { conversationId: row.id, userId: values.candidateId }
    ])
    return row.id
  }).catch(jobGoneIsNotFound)
}

function conversationFromRow (row: Row): ConversationView {
  return {
    id: String(row.id),
    companyId: String(row.company_id),
    candidateId: String(row.candidate_id),
    jobId: row.job_id === null ? null : String(row.job_id),
    lastSeq: Number(row.last_seq),
    lastMessage: row.m_id === null ? null : lastMessageFromRow(row),
    unreadCount: Number(row.unread_count),
    createdAt: toIso(row.created_at)
  }
}

function lastMessageFromRow (row: Row): MessageView {
  return messageFromRow({
    id: row.m_id,
    conversation_id: row.id,
    seq: row.m_seq,
    sender_id: row.m_sender_id,
    content: row.m_content,
    client_msg_id: row.m_client_msg_id,
    created_at: row.m_created_at
  })
}
