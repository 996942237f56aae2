import type { DeliveryCounts } from '../lib/seq-tracker.js'

/** How a load process reaches a server: the product's /ws protocol or Socket.IO. */
export type ClientKind = 'raw' | 'socketio'

/** One socket a load process opens: whose it is, where, and what it joins. */
export interface SocketPlan {
  userId: string
  token: string
  url: string
  conversationIds: string[]
}

export interface StormPlan {
  /** Each client is cut this often... */
  cutEveryMs: number
  /** ...and comes back after this long, rejoining with afterSeq. */
  downMs: number
}

export interface RunPlan {
  /** When sending starts, on the shared monotonic clock (nowMs). */
  startAt: number
  warmupMs: number
  durationMs: number
  /** Sends per second from this process. */
  rate: number
  contentBytes: number
  /** Last seq per conversation before this run: the trackers start there. */
  baseline: Record<string, number>
  storm?: StormPlan
}

export type ToWorker =
  | {
    type: 'connect'
    kind: ClientKind
    sockets: SocketPlan[]
    concurrency: number
    join: boolean
  }
  | { type: 'run', plan: RunPlan }
  | { type: 'final', finalSeq: Record<string, number>, settleMs: number }
  | { type: 'close' }

export interface SentReport {
  type: 'sent'
  /** Highest acknowledged seq per conversation: where the conversation ends. */
  maxSeq: Record<string, number>
  unacked: number
}

export interface RunReport {
  type: 'result'
  counts: DeliveryCounts
  /** Sends issued, acks and deliveries received, all inside the measured window. */
  sentInWindow: number
  acksInWindow: number
  deliveriesInWindow: number
  sendErrors: Record<string, number>
  unacked: number
  /** Encoded latency recorders (LatencyRecorder.encode). */
  endToEnd: string
  ack: string
  replay: string
  reconnects: number
  failedReconnects: number
  /** Connections the server closed (slow consumer, errors): none is expected. */
  serverCloses: number
  /** Event-loop lag of the load process at p99, ms: high means the client was the limit. */
  loopDelayP99: number
}

export type FromWorker =
  | { type: 'connected', sockets: number, failed: number, firstError?: string }
  | SentReport
  | RunReport
  | { type: 'failed', error: string }
