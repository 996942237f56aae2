/** A message as every client sees it, over HTTP and the socket. */
export interface MessageView {
  id: string
  conversationId: string
  seq: number
  senderId: string
  content: string
  clientMsgId: string
  createdAt: string
}

export interface NotificationView {
  id: string
  kind: 'message'
  conversationId: string | null
  messageId: string | null
  preview: string | null
  createdAt: string
  readAt: string | null
}

export function toIso (value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()
}

export function messageFromRow (row: Record<string, unknown>): MessageView {
  return {
    id: String(row.id),
    conversationId: String(row.conversation_id),
    seq: Number(row.seq),
    senderId: String(row.sender_id),
    content: String(row.content),
    clientMsgId: String(row.client_msg_id),
    createdAt: toIso(row.created_at)
  }
}
