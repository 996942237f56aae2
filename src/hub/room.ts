import type { FastifyBaseLogger } from 'fastify'
import type { ConversationMembers } from '../chat/conversation-access.js'
import type { Connection, JoinState } from './connection.js'
import type { ConversationEvent, MessageEvent, TypingEvent } from './hub-events.js'
import {
  encodeFrame, messageBody, type MessageBody, type ServerFrame, type TypingState
} from './server-frames.js'
import type { CountedTimers } from './timers.js'

/** A typing start not renewed within this long becomes a stop. */
export const TYPING_EXPIRY_MS = 6000
/** How long a later seq waits for the missing one before asking PostgreSQL. */
export const GAP_GRACE_MS = 100
const FILL_PAGE = 500

export interface RoomDeps {
  timers: CountedTimers
  log: FastifyBaseLogger
  /** Messages with seq > afterSeq, oldest first. */
  listAfter(conversationId: string, afterSeq: number, limit: number):
    Promise<MessageBody[]>
  /** Counts frames written and the age of each delivered message. */
  delivered(frames: number, message?: MessageBody): void
}

/**
 * One conversation on this instance: the sockets joined to it here and the
 * order of its messages. Messages are delivered in seq order, each once:
 * a duplicate (seq at or below the last delivered) is dropped, and a seq
 * that arrives before its predecessors waits briefly for them, then they
 * are read from PostgreSQL. Typing state is kept per user so only changes
 * go out, and a start expires into a stop.
 */
export class Room {
  readonly conversationId: string
  readonly sockets = new Map<Connection, JoinState>()
  /** Joins in progress; the room stays open while any is. */
  holds = 0
  closed = false
  opened: Promise<void> = Promise.resolve()
  private lastSeq = -1
  private readonly waiting = new Map<number, MessageEvent>()
  private readonly localUsers = new Map<string, number>()
  private readonly typing = new Map<string, NodeJS.Timeout>()
  private gapTimer: NodeJS.Timeout | null = null
  private filling = false
  private refillWanted = false

  constructor (readonly members: ConversationMembers, private readonly deps: RoomDeps) {
    this.conversationId = members.conversationId
  }

  /** Starts delivering after `lastSeq`; events that came earlier are sorted out now. */
  start (lastSeq: number): void {
    this.lastSeq = lastSeq
    this.drain()
  }

  get started (): boolean {
    return this.lastSeq >= 0
  }

  /** Adds a socket; true when it is its user's first socket joined here. */
  add (conn: Connection, join: JoinState): boolean {
    this.sockets.set(conn, join)

    const count = this.localUsers.get(conn.userId) ?? 0
    this.localUsers.set(conn.userId, count + 1)
    return count === 0
  }

  /** Removes a socket; true when it was its user's last socket joined here. */
  remove (conn: Connection): boolean {
    if (!this.sockets.delete(conn)) return false

    const count = (this.localUsers.get(conn.userId) ?? 1) - 1
    if (count > 0) {
      this.localUsers.set(conn.userId, count)
      return false
    }

    this.localUsers.delete(conn.userId)
    return true
  }

  get empty (): boolean {
    return this.sockets.size === 0 && this.holds === 0
  }

  onEvent (event: ConversationEvent): void {
    if (this.closed) return

    switch (event.type) {
      case 'message':
        this.onMessage(event)
        break
      case 'typing':
        this.onTyping(event)
        break
      case 'read': {
        const { conversationId, userId, upToSeq, origin } = event
        const frame: ServerFrame = { type: 'read', conversationId, userId, upToSeq }
        this.deliver(frame, (conn) => conn.sessionId !== origin)
        break
      }
      case 'joined':
        this.deliverToOthers(event.userId, event)
        break
      case 'left':
        this.stopTyping(event.userId)
        this.deliverToOthers(event.userId, event)
        break
      case 'broadcast':
        this.deliver({ type: 'broadcast', payload: event.payload })
    }
  }

  /** Delivers from PostgreSQL whatever was committed after the last seq seen. */
  resync (): void {
    if (!this.started || this.closed) return
    void this.fill(Number.MAX_SAFE_INTEGER)
  }

  close (): void {
    this.closed = true
    this.waiting.clear()
    this.gapTimer = this.deps.timers.clear(this.gapTimer)
    for (const timer of this.typing.values()) this.deps.timers.clear(timer)
    this.typing.clear()
  }

  private onMessage (event: MessageEvent): void {
    const seq = event.message.seq
    if (this.started && seq <= this.lastSeq) return

    this.waiting.set(seq, event)
    if (this.started && !this.filling) this.drain()
  }

  private drain (): void {
    for (;;) {
      const next = this.waiting.get(this.lastSeq + 1)
      if (!next) break

      this.waiting.delete(this.lastSeq + 1)
      this.deliverMessage(next.message)
    }

    for (const seq of this.waiting.keys()) {
      if (seq <= this.lastSeq) this.waiting.delete(seq)
    }

    if (this.waiting.size === 0) {
      this.gapTimer = this.deps.timers.clear(this.gapTimer)
    } else if (!this.gapTimer) {
      this.gapTimer = this.deps.timers.timeout(() => {
        this.gapTimer = null
        void this.fill(Math.min(...this.waiting.keys()) - 1)
      }, GAP_GRACE_MS)
    }
  }

  /** Reads from PostgreSQL every message after the last delivered, up to `untilSeq`. */
  private async fill (untilSeq: number): Promise<void> {
    if (this.closed) return
    if (this.filling) {
      this.refillWanted = true
      return
    }
    this.filling = true

    try {
      for (;;) {
        const limit = Math.min(FILL_PAGE, untilSeq - this.lastSeq)
        if (limit <= 0) break

        const after = this.lastSeq
        const messages = await this.deps.listAfter(this.conversationId, after, limit)
        if (this.closed) return

        for (const message of messages) {
          if (message.seq === this.lastSeq + 1) this.deliverMessage(message)
        }
        if (messages.length < limit) break
      }
    } catch (err) {
      this.deps.log.error({ err, conversationId: this.conversationId }, 'gap fill failed')
    } finally {
      this.filling = false
    }

    if (this.refillWanted) {
      this.refillWanted = false
      await this.fill(Number.MAX_SAFE_INTEGER)
      return
    }
    this.drain()
  }

  private deliverMessage (message: MessageBody): void {
    const { conversationId } = this
    const seq = message.seq
    this.lastSeq = seq

    const body = messageBody(message)
    const data = encodeFrame({ type: 'message', conversationId, message: body })
    let frames = 0

    for (const [conn, join] of this.sockets) {
      if (seq <= join.replayedTo) continue
      if (join.held) conn.hold(join, seq, data)
      else if (conn.sendEncoded(data)) frames++
    }

    this.deps.log.trace({ conversationId, seq, frames }, 'message fan-out')
    this.deps.delivered(frames, message)
  }

  private onTyping (event: TypingEvent): void {
    const current = this.typing.get(event.userId)

    if (event.state === 'stop') {
      this.stopTyping(event.userId)
      return
    }

    this.deps.timers.clear(current)
    this.typing.set(event.userId, this.deps.timers.timeout(() => {
      this.typing.delete(event.userId)
      this.deliverTyping(event.userId, 'stop')
    }, TYPING_EXPIRY_MS))

    if (!current) this.deliverTyping(event.userId, 'start')
  }

  private stopTyping (userId: string): void {
    const current = this.typing.get(userId)
    if (!current) return

    this.deps.timers.clear(current)
    this.typing.delete(userId)
    this.deliverTyping(userId, 'stop')
  }

  private deliverTyping (userId: string, state: TypingState): void {
    const { conversationId } = this
    this.deliverToOthers(userId, { type: 'typing', conversationId, userId, state })
  }

  private deliverToOthers (userId: string, frame: ServerFrame): void {
    this.deliver(frame, (conn) => conn.userId !== userId)
  }

  private deliver (frame: ServerFrame, include?: (conn: Connection) => boolean): void {
    if (this.sockets.size === 0) return

    const data = encodeFrame(frame)
    let frames = 0

    for (const [conn, join] of this.sockets) {
      if (include && !include(conn)) continue
      if (join.held) conn.hold(join, null, data)
      else if (conn.sendEncoded(data)) frames++
    }

    const { conversationId } = this
    this.deps.log.trace({ conversationId, type: frame.type, frames }, 'fan-out')
    this.deps.delivered(frames)
  }
}
