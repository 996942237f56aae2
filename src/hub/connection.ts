import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import WebSocket from 'ws'
import type { Identity } from '../auth/identity.js'
import { CloseCodes, type CloseName } from '../errors.js'
import { encodeFrame, type ServerFrame } from './server-frames.js'

export type ConnectionState = 'awaiting-auth' | 'authenticating' | 'ready' | 'closed'

/** A socket's state in one conversation it joined. */
export interface JoinState {
  /**
   * Frames kept back while a join replays, sent after it in order; null
   * when nothing is replaying.
   */
  held: Array<{ seq: number | null, data: Buffer }> | null
  heldBytes: number
  /** The last seq the replay sent; live copies up to it are not sent again. */
  replayedTo: number
}

/**
 * One client socket: who it is, what it joined, and the only way frames are
 * written to it. Writing refuses to let the send buffer pass the
 * slow-consumer limit: the socket is closed with 1013 instead.
 */
export class Connection {
  readonly sessionId = randomUUID()
  state: ConnectionState = 'awaiting-auth'
  identity: Identity | null = null
  /** Conversations this socket has joined (or is joining). */
  readonly joined = new Map<string, JoinState>()
  /** Frames that arrived while the socket was being authenticated. */
  backlog: Array<{ data: Buffer, isBinary: boolean }> = []
  /** Serialises the frames whose effects must follow arrival order. */
  chain: Promise<void> = Promise.resolve()
  /** Answered the last heartbeat ping. */
  alive = true
  authTimer: NodeJS.Timeout | null = null
  expiryTimer: NodeJS.Timeout | null = null
  /** When this socket got RATE_LIMITED, oldest first. */
  readonly strikes: number[] = []
  log: FastifyBaseLogger

  constructor (
    readonly ws: WebSocket,
    private readonly maxBufferedBytes: number,
    log: FastifyBaseLogger
  ) {
    this.log = log.child({ sessionId: this.sessionId })
  }

  get userId (): string {
    if (!this.identity) throw new Error('connection is not authenticated')
    return this.identity.userId
  }

  get closed (): boolean {
    return this.state === 'closed'
  }

  get open (): boolean {
    return this.state !== 'closed' && this.ws.readyState === WebSocket.OPEN
  }

  get bufferedAmount (): number {
    return this.ws.bufferedAmount
  }

  send (frame: ServerFrame): boolean {
    return this.sendEncoded(encodeFrame(frame))
  }

  /** Writes an already serialised frame; false when the socket cannot take it. */
  sendEncoded (data: Buffer, onWritten?: (err?: Error) => void): boolean {
    if (!this.open) return false

    if (this.ws.bufferedAmount + data.length > this.maxBufferedBytes) {
      this.log.info({ bufferedAmount: this.ws.bufferedAmount }, 'slow consumer')
      this.close('TRY_AGAIN_LATER')
      return false
    }

    this.ws.send(data, { binary: false }, onWritten)
    return true
  }

  /** Keeps a frame for after the replay of a join, within the same memory bound. */
  hold (join: JoinState, seq: number | null, data: Buffer): void {
    if (!join.held || !this.open) return

    if (join.heldBytes + data.length + this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.log.info({ heldBytes: join.heldBytes }, 'slow consumer during replay')
      this.close('TRY_AGAIN_LATER')
      return
    }

    join.held.push({ seq, data })
    join.heldBytes += data.length
  }

  /** Closes with one of our codes; ws destroys the socket if the peer never answers. */
  close (name: CloseName, reason?: string): void {
    const { readyState } = this.ws
    if (readyState !== WebSocket.OPEN && readyState !== WebSocket.CONNECTING) return

    const close = CloseCodes[name]
    this.ws.close(close.code, reason ?? close.reason)
  }
}
