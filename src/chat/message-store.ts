import type { Database } from '../db/client.js'
import { messageFromRow, toIso, type MessageView } from './message-view.js'

export interface NewMessage {
  conversationId: string
  senderId: string
  /** Already normalised (trimmed, checked). */
  content: string
  clientMsgId: string
  /** The other participant, when a stored notification is due for them. */
  notifyUserId: string | null
}

export interface StoredMessage {
  message: MessageView
  /** False when the clientMsgId was already known: the stored message is returned. */
  created: boolean
  notification: { id: string, userId: string, createdAt: string } | null
}

interface Pending {
  input: NewMessage
  resolve: (result: StoredMessage) => void
  reject: (err: unknown) => void
}

const MAX_BATCH = 500
const UNIQUE_VIOLATION = '23505'
const DEADLOCK = '40P01'

/*
 * One statement stores a whole batch of messages: it locks the conversation
 * rows in id order, bumps each conversation's last_seq by its share, numbers
 * the new rows from there, and inserts the due notifications. The statement is
 * atomic, so a failure (a duplicate clientMsgId) leaves no gap in any seq.
 */
const INSERT_BATCH = `
with input as (
  select * from json_to_recordset($1::json) as t(
    ord int, conversation_id uuid, sender_id text, content text,
    client_msg_id text, notify_user text)
),
counts as (
  select conversation_id, count(*)::int as n from input group by conversation_id
),
locked as (
  select c.id from conversations c
  where c.id in (select conversation_id from counts)
  order by c.id
  for update
),
bumped as (
  update conversations c
  set last_seq = c.last_seq + counts.n, last_activity_at = now()
  from counts, locked
  where c.id = counts.conversation_id and locked.id = c.id
  returning c.id, c.last_seq
),
numbered as (
  select i.*, b.last_seq - k.n
    + row_number() over (partition by i.conversation_id order by i.ord) as seq
  from input i
  join bumped b on b.id = i.conversation_id
  join counts k on k.conversation_id = i.conversation_id
),
inserted as (
  insert into messages (conversation_id, seq, sender_id, content, client_msg_id)
  select conversation_id, seq, sender_id, content, client_msg_id from numbered
  order by conversation_id, seq
  returning id, conversation_id, seq, sender_id, content, client_msg_id, created_at
),
notified as (
  insert into notifications (user_id, kind, conversation_id, message_id, preview)
  select n.notify_user, 'message', i.conversation_id, i.id, left(i.content, 100)
  from inserted i
  join numbered n on n.conversation_id = i.conversation_id and n.seq = i.seq
  where n.notify_user is not null
  returning id, user_id, message_id, created_at
)
select i.*, n.id as notification_id, n.user_id as notification_user_id,
  n.created_at as notification_created_at
from inserted i left join notified n on n.message_id = i.id
`

const FIND_BY_CLIENT_ID = `
select id, conversation_id, seq, sender_id, content, client_msg_id, created_at
from messages
where conversation_id = $1 and sender_id = $2 and client_msg_id = $3
`

/**
 * Stores messages with per-conversation seq and clientMsgId idempotency.
 * Concurrent sends are grouped into one statement (group commit), at most
 * `concurrency` statements in flight; results are released in batch order
 * so callers see each conversation's messages in seq order.
 */
export class MessageStore {
  private queue: Pending[] = []
  private inFlight = 0
  private nextBatch = 0
  private nextRelease = 0
  private readonly finished = new Map<number, () => void>()
  private scheduled = false

  constructor (
    private readonly database: Database,
    private readonly concurrency = database.kind === 'pglite' ? 1 : 2
  ) {}

  async insert (input: NewMessage): Promise<StoredMessage> {
    return await new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject })
      this.schedule()
    })
  }

  async findByClientMsgId (conversationId: string, senderId: string, clientMsgId: string) {
    const rows = await this.database.query(FIND_BY_CLIENT_ID, [conversationId, senderId, clientMsgId])
    return rows[0] ? messageFromRow(rows[0]) : undefined
  }

  /** Messages with seq > afterSeq, oldest first. */
  async listAfter (conversationId: string, afterSeq: number, limit: number): Promise<MessageView[]> {
    const rows = await this.database.query(
      `select id, conversation_id, seq, sender_id, content, client_msg_id, created_at
       from messages where conversation_id = $1 and seq > $2 order by seq limit $3`,
      [conversationId, afterSeq, limit]
    )
    return rows.map(messageFromRow)
  }

  private schedule (): void {
    if (this.scheduled || this.inFlight >= this.concurrency) return
    this.scheduled = true

    // Let every send issued in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }

  private flush (): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      const batch = this.takeBatch()
      const order = this.nextBatch++
      this.inFlight++

      void this.runBatch(batch).then((release) => {
        this.releaseInOrder(order, release)
      })
    }
  }

  // A clientMsgId repeated inside one batch would fail the whole statement;
  // the repeat waits for the next batch and then finds the stored message.
  private takeBatch (): Pending[] {
    const batch: Pending[] = []
    const keys = new Set<string>()
    const rest: Pending[] = []

    for (const pending of this.queue) {
      const key = idempotencyKey(pending.input)
      if (batch.length < MAX_BATCH && !keys.has(key)) {
        keys.add(key)
        batch.push(pending)
      } else {
        rest.push(pending)
      }
    }

    this.queue = rest
    return batch
  }

  private async runBatch (batch: Pending[]): Promise<() => void> {
    try {
      const results = await this.storeBatch(batch.map((p) => p.input))
      return () => batch.forEach((p, i) => p.resolve(results[i]))
    } catch (err) {
      if (!isRetryable(err)) {
        return () => batch.forEach((p) => p.reject(err))
      }
      const settled = await Promise.allSettled(batch.map(async (p) => await this.storeOne(p.input)))
      return () => batch.forEach((p, i) => {
        const outcome = settled[i]
        if (outcome.status === 'fulfilled') p.resolve(outcome.value)
        else p.reject(outcome.reason)
      })
    }
  }

  private releaseInOrder (order: number, release: () => void): void {
    this.finished.set(order, release)

    while (this.finished.has(this.nextRelease)) {
      const next = this.finished.get(this.nextRelease)!
      this.finished.delete(this.nextRelease)
      this.nextRelease++
      this.inFlight--
      next()
    }

    this.schedule()
  }

  private async storeOne (input: NewMessage, attempt = 0): Promise<StoredMessage> {
    try {
      const [result] = await this.storeBatch([input])
      return result
    } catch (err) {
      if (errorCode(err) === DEADLOCK && attempt < 3) return await this.storeOne(input, attempt + 1)
      if (errorCode(err) !== UNIQUE_VIOLATION) throw err

      const existing = await this.findByClientMsgId(input.conversationId, input.senderId, input.clientMsgId)
      if (!existing) throw err
      return { message: existing, created: false, notification: null }
    }
  }

  private async storeBatch (inputs: NewMessage[]): Promise<StoredMessage[]> {
    const payload = JSON.stringify(inputs.map((input, ord) => ({
      ord,
      conversation_id: input.conversationId,
      sender_id: input.senderId,
      content: input.content,
      client_msg_id: input.clientMsgId,
      notify_user: input.notifyUserId
    })))

    const rows = await this.database.query(INSERT_BATCH, [payload])
    const byKey = new Map(rows.map((row) => [
      `${String(row.conversation_id)}\u0000${String(row.sender_id)}\u0000${String(row.client_msg_id)}`,
      row
    ]))

    return inputs.map((input) => {
      const row = byKey.get(idempotencyKey(input))
      if (!row) throw new Error('batch insert returned no row for a message')
      return {
        message: messageFromRow(row),
        created: true,
        notification: row.notification_id
          ? {
              id: String(row.notification_id),
              userId: String(row.notification_user_id),
              createdAt: toIso(row.notification_created_at)
            }
          : null
      }
    })
  }
}

function idempotencyKey (input: NewMessage): string {
  return `${input.conversationId}\u0000${input.senderId}\u0000${input.clientMsgId}`
}

function isRetryable (err: unknown): boolean {
  const code = errorCode(err)
  return code === UNIQUE_VIOLATION || code === DEADLOCK
}

/** postgres.js puts the SQLSTATE on the error, PGlite on the error or its cause. */
export function errorCode (err: unknown): string | undefined {
  const e = err as { code?: unknown, cause?: { code?: unknown } }
  if (typeof e?.code === 'string') return e.code
  if (typeof e?.cause?.code === 'string') return e.cause.code
  return undefined
}
