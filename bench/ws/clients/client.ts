/** What a load client reports back; plain callbacks keep the hot path allocation-free. */
export interface ClientEvents {
  /** A `message` frame (live or replayed). */
  onMessage(conversationId: string, seq: number, content: string): void
  /** The answer to a send: the stored message's seq, or an error code. */
  onSendResult(requestId: string, seq: number, errorCode: string | undefined): void
  /** The connection is gone (cut by us, closed by the server, or failed). */
  onClose(code: number): void
}

export interface JoinResult {
  lastSeq: number
}

/**
 * One connection of the load generator to a server under test, whichever its
 * protocol (the product's /ws, the bare ws server's subset of it, Socket.IO).
 */
export interface BenchClient {
  /** Connects and authenticates; resolves when the server says it is ready. */
  open(): Promise<void>
  join(conversationId: string, afterSeq?: number): Promise<JoinResult>
  send(requestId: string, conversationId: string, content: string, clientMsgId: string): void
  /** Drops the connection without a closing handshake, as a lost network would. */
  cut(): void
  close(): void
}

export interface ClientTarget {
  /** ws://host:port for raw clients, http://host:port for Socket.IO. */
  url: string
  token: string
}

export const CONNECT_TIMEOUT_MS = 15_000
