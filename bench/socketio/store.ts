import postgres from 'postgres'

/*
 * The comparison server's own tables in the bench database. They mirror the
 * product's: a conversation row holding the last seq, messages unique on
 * (conversation, seq) and on (conversation, sender, clientMsgId).
 */
export const SCHEMA = `
create table if not exists sio_conversations (
  id uuid primary key,
  company_id text not null,
  candidate_id text not null,
  last_seq integer not null default 0
);
create table if not exists sio_messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references sio_conversations(id) on delete cascade,
  seq integer not null,
  sender_id text not null,
  content text not null,
  client_msg_id text not null,
  created_at timestamptz not null default now()
);
create unique index if not exists sio_messages_seq_uq
  on sio_messages (conversation_id, seq);
create unique index if not exists sio_messages_client_uq
  on sio_messages (conversation_id, sender_id, client_msg_id);
create index if not exists sio_messages_created_idx on sio_messages (created_at);
`

/*
 * One statement per message, the way such a server is usually written: a
 * resend finds the stored row; otherwise the conversation row is bumped and
 * locked, and the message takes the new seq. A resend racing its original
 * fails on the unique index and is answered from the stored row.
 */
const INSERT_MESSAGE = `
with existing as (
  select id, seq, created_at from sio_messages
  where conversation_id = $1 and sender_id = $2 and client_msg_id = $3
),
bumped as (
  update sio_conversations set last_seq = last_seq + 1
  where id = $1 and not exists (select 1 from existing)
  returning last_seq
),
inserted as (
  insert into sio_messages (conversation_id, seq, sender_id, content, client_msg_id)
  select $1, last_seq, $2, $4, $3 from bumped
  returning id, seq, created_at
)
select id, seq, created_at from inserted
union all
select id, seq, created_at from existing
`

export interface StoredMessage {
  id: string
  seq: number
  senderId: string
  content: string
  clientMsgId: string
  createdAt: string
}

export interface Members {
  companyId: string
  candidateId: string
}

export class SocketIoStore {
  private readonly sql: postgres.Sql
  private readonly members = new Map<string, Members | null>()

  constructor (url: string, poolSize = 10) {
    this.sql = postgres(url, { max: poolSize, onnotice: () => {} })
  }

  async migrate (): Promise<void> {
    await this.sql.unsafe(SCHEMA)
  }

  /** Participants never change, so they are looked up once per conversation. */
  async membersOf (conversationId: string): Promise<Members | null> {
    const known = this.members.get(conversationId)
    if (known !== undefined) return known

    const rows = await this.sql<Array<{ company_id: string, candidate_id: string }>>`
      select company_id, candidate_id from sio_conversations where id = ${conversationId}`
    const found = rows[0]
      ? { companyId: rows[0].company_id, candidateId: rows[0].candidate_id }
      : null
    this.members.set(conversationId, found)
    return found
  }

  async lastSeq (conversationId: string): Promise<number> {
    const rows = await this.sql`
      select last_seq from sio_conversations where id = ${conversationId}`
    return rows[0] ? Number(rows[0].last_seq) : 0
  }

  async insert (
    conversationId: string,
    senderId: string,
    content: string,
    clientMsgId: string
  ): Promise<StoredMessage> {
    const params = [conversationId, senderId, clientMsgId, content]
    let rows: postgres.Row[]

    try {
      rows = await this.sql.unsafe(INSERT_MESSAGE, params)
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err
      rows = await this.sql.unsafe(INSERT_MESSAGE, params)
    }

    const row = rows[0]
    const message: StoredMessage = {
      id: String(row.id),
      seq: Number(row.seq),
      senderId,
      content,
      clientMsgId,
      createdAt: new Date(row.created_at as string).toISOString()
    }
    return message
  }

  async close (): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }
}
