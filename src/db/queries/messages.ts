import { messageFromRow, type MessageView } from '../../chat/message-view.js'
import type { Database } from '../client.js'

export interface MessageRange {
  /** Only messages with a lower seq (older pages). */
  beforeSeq?: number
  /** Only messages with a higher seq (catching up). */
  afterSeq?: number
  limit: number
}

export interface MessagePage {
  /** Ascending seq. */
  items: MessageView[]
  /**
   * With afterSeq: newer messages exist beyond this page. Otherwise: older
   * messages exist before it.
   */
  hasMore: boolean
}

const COLUMNS = 'id, conversation_id, seq, sender_id, content, client_msg_id, created_at'

/**
 * One page of a conversation. After afterSeq the page is the oldest `limit`
 * messages; otherwise it is the newest `limit` (below beforeSeq when given).
 * One extra row is read to tell whether more exist.
 */
export async function readMessageRange (
  database: Database,
  conversationId: string,
  range: MessageRange
): Promise<MessagePage> {
  const rows = range.afterSeq !== undefined
    ? await database.query(
      `select ${COLUMNS} from messages where conversation_id = $1::uuid and seq > $2
       order by seq asc limit $3`,
      [conversationId, range.afterSeq, range.limit + 1])
    : await database.query(
      `select ${COLUMNS} from messages where conversation_id = $1::uuid and seq < $2
       order by seq desc limit $3`,
      [conversationId, range.beforeSeq ?? 2_147_483_647, range.limit + 1])

  const hasMore = rows.length > range.limit
  const page = rows.slice(0, range.limit).map(messageFromRow)
  if (range.afterSeq === undefined) page.reverse()

  return { items: page, hasMore }
}
