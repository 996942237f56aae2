import { AsyncLocalStorage } from 'node:async_hooks'
import type { FastifyBaseLogger } from 'fastify'
import type WebSocket from 'ws'
import type { Identity } from '../auth/identity.js'
import { channels, type Broker } from '../broker/broker.js'
import type { ConversationAccess } from '../chat/conversation-access.js'
import type { MessageStore } from '../chat/message-store.js'
import type { ReadMarks } from '../chat/read-marks.js'
import type { SendService } from '../chat/send-service.js'
import { ChannelSubscriptions } from './channels.js'
import { announceRead, announceSent } from './chat-announcements.js'
import type { InstanceStats } from './cluster-stats.js'
import { Connection } from './connection.js'
import { routeBrokerEvent } from './event-routing.js'
import type { HubQueries } from './hub-queries.js'
import { LocalUsers } from './local-users.js'
import type { ConversationMembership } from './membership.js'
import { LongPollWaiters } from './message-waiter.js'
import type { Presence } from './presence.js'
import { Rooms } from './rooms.js'
import type { MessageBody, ServerFrame } from './server-frames.js'
import { SlidingWindow } from './sliding-window.js'
import { CountedTimers } from './timers.js'

export interface HubLimits {
  framesPerSecond: number
  maxBufferedBytes: number
  heartbeatMs: number
}

export interface HubMetrics {
  framesIn: { inc(value?: number): void }
  framesOut: { inc(value?: number): void }
  deliveryLatency: { observe(seconds: number): void }
}

export interface HubOptions {
  instanceId: string
  limits: HubLimits
  log: FastifyBaseLogger
  broker: Broker
  presence: Presence
  membership: ConversationMembership
  chat: {
    store: MessageStore
    access: ConversationAccess
    sender: SendService
    reads: ReadMarks
  }
  queries: HubQueries
  metrics: HubMetrics
  /** Verifies a token and the role recorded for its user; throws UNAUTHENTICATED. */
  verify(token: string): Promise<Identity>
  /** Verifies a token's signature and claims only (a refresh); throws UNAUTHENTICATED. */
  decode(token: string): Identity
  unreadNotifications(userId: string): Promise<number>
}

/**
 * The hub's own bookkeeping. Every figure is back to zero once the sockets
 * and long-polls are gone.
 */
export interface HubStats {
  sockets: number
  users: number
  rooms: number
  channels: number
  timers: number
  listeners: number
  waiters: number
}

/** How long shutdown waits for the 1001 closes and the long-poll answers. */
const SHUTDOWN_GRACE_MS = 2000

/**
 * The WebSocket hub of one instance: its sockets, the users and rooms they
 * make up, and the routing of broker events to them. Everything shared
 * with other instances goes through the broker, presence and membership.
 */
export class Hub {
  readonly timers = new CountedTimers()
  readonly channels: ChannelSubscriptions
  readonly rooms: Rooms
  readonly users: LocalUsers
  readonly waiters: LongPollWaiters
  readonly frameLimiter: SlidingWindow
  /** The session whose `read` is being applied, so its own socket is skipped. */
  readonly readOrigin = new AsyncLocalStorage<string>()
  readonly connections = new Set<Connection>()
  private heartbeat: NodeJS.Timeout | null = null
  private listeners = 0
  private allClosed: (() => void) | null = null
  private readonly onSent: ReturnType<typeof announceSent>
  private readonly onRead: ReturnType<typeof announceRead>

  constructor (readonly options: HubOptions) {
    const { broker, log } = options
    this.channels = new ChannelSubscriptions(broker, log)
    this.frameLimiter = new SlidingWindow(options.limits.framesPerSecond, 1000)
    const { presence } = options
    this.users = new LocalUsers({ broker, channels: this.channels, presence, log })
    this.rooms = new Rooms({
      broker,
      channels: this.channels,
      membership: options.membership,
      timers: this.timers,
      log,
      lastSeq: async (conversationId) => await options.queries.lastSeq(conversationId),
      listAfter: async (conversationId, afterSeq, limit) =>
        await options.chat.store.listAfter(conversationId, afterSeq, limit),
      delivered: (frames, message) => this.delivered(frames, message)
    })
    this.onSent = announceSent(broker)
    this.onRead = announceRead(broker, this.readOrigin)
    this.waiters = new LongPollWaiters({
      channels: this.channels,
      timers: this.timers,
      log,
      lastSeq: async (conversationId) => await options.queries.lastSeq(conversationId)
    })
  }

  get log (): FastifyBaseLogger {
    return this.options.log
  }

  /** Wires the hub to the broker and to the send and read paths. */
  async start (): Promise<void> {
    const { broker, chat, membership } = this.options

    broker.onEvent((channel, event) => routeBrokerEvent(this, channel, event))
    broker.onResync(() => this.resync())

    chat.sender.notificationPolicy = async (conversationId, recipientId) =>
      !(await membership.isJoined(conversationId, recipientId))
    chat.sender.on('sent', this.onSent)
    chat.reads.on('read', this.onRead)
  }

  /** Takes a socket just upgraded, authenticated or not, with the upgrade's logger. */
  accept (ws: WebSocket, log: FastifyBaseLogger = this.log): Connection {
    const conn = new Connection(ws, this.options.limits.maxBufferedBytes, log)
    this.connections.add(conn)
    if (!this.heartbeat) {
      const { heartbeatMs } = this.options.limits
      this.heartbeat = this.timers.interval(() => this.beat(), heartbeatMs)
    }
    return conn
  }

  /** Counts listeners the hub puts on objects it does not own. */
  addListeners (count: number): void {
    this.listeners += count
  }

  /** Forgets a closed socket: its joins, its user entry, its timers. */
  drop (conn: Connection, code: number): void {
    if (!this.connections.delete(conn)) return

    const wasReady = conn.state === 'ready'
    conn.state = 'closed'
    conn.authTimer = this.timers.clear(conn.authTimer)
    conn.expiryTimer = this.timers.clear(conn.expiryTimer)
    conn.backlog = []

    for (const conversationId of [...conn.joined.keys()]) {
      const room = this.rooms.get(conversationId)
      conn.joined.delete(conversationId)
      if (!room) continue
      this.rooms.leave(room, conn)
        .catch((err: unknown) => this.fault(err, 'leave on close failed'))
    }
    if (conn.identity) this.users.remove(conn)

    const level = wasReady || conn.identity ? 'info' : 'debug'
    conn.log[level]({ userId: conn.identity?.userId, code }, 'socket disconnected')

    if (this.connections.size === 0) this.idle()
  }

  stats (): HubStats {
    return {
      sockets: this.connections.size,
      users: this.users.size,
      rooms: this.rooms.size,
      channels: this.channels.size,
      timers: this.timers.size,
      listeners: this.listeners + this.waiters.size,
      waiters: this.waiters.size
    }
  }

  /** This instance's figures for the management routes. */
  localStats (): InstanceStats {
    let totalSockets = 0
    for (const conn of this.connections) if (conn.state === 'ready') totalSockets++

    return {
      instanceId: this.options.instanceId,
      connectedUsers: this.users.size,
      totalSockets,
      rooms: this.rooms.size
    }
  }

  /** Frames written to sockets; one latency sample per delivered message. */
  delivered (frames: number, message?: MessageBody): void {
    if (frames > 0) this.options.metrics.framesOut.inc(frames)
    if (!message) return

    const ageMs = Date.now() - Date.parse(message.createdAt)
    this.options.metrics.deliveryLatency.observe(ageMs / 1000)
  }

  send (conn: Connection, frame: ServerFrame): void {
    if (conn.send(frame)) this.options.metrics.framesOut.inc()
  }

  /** Our own fault: logged at error, never shown to a client. */
  fault (err: unknown, message: string): void {
    this.log.error({ err }, message)
  }

  /** Closes every socket with 1001 and answers every long-poll now. */
  async shutdown (): Promise<void> {
    const longPollsAnswered = this.waiters.stop(SHUTDOWN_GRACE_MS)

    if (this.connections.size > 0) {
      const closed = new Promise<void>((resolve) => { this.allClosed = resolve })
      for (const conn of this.connections) conn.close('GOING_AWAY')

      const grace = this.timers.timeout(() => this.allClosed?.(), SHUTDOWN_GRACE_MS)
      await closed
      this.timers.clear(grace)
      for (const conn of this.connections) conn.ws.terminate()
    }

    await longPollsAnswered
    this.options.chat.sender.off('sent', this.onSent)
    this.options.chat.reads.off('read', this.onRead)
  }

  private idle (): void {
    this.heartbeat = this.timers.clear(this.heartbeat)
    this.frameLimiter.sweep()
    this.allClosed?.()
  }

  // Drops a socket that did not answer the previous ping, and forgets the
  // frame windows of users gone quiet.
  private beat (): void {
    this.frameLimiter.sweep()

    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.log.info({ userId: conn.identity?.userId }, 'no pong; terminating socket')
        conn.ws.terminate()
        continue
      }
      conn.alive = false
      conn.ws.ping()
    }
  }

  private resync (): void {
    this.log.info({ rooms: this.rooms.size }, 'broker back; catching up from PostgreSQL')
    for (const room of this.rooms.all()) room.resync()
    this.waiters.resync()
  }
}
