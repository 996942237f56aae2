import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js'
import { ChatClientError, isTransient } from './client-error.js'
import { Connection, type WebSocketConstructor } from './connection.js'
import { Emitter } from './emitter.js'
import { HttpApi, type FetchLike } from './http-api.js'
import { randomId } from './ids.js'
import { LongPoll } from './long-poll.js'
import { Outbox } from './outbox.js'
import {
  MAX_REPLAY, TERMINAL_CLOSE_CODES, UNAUTHENTICATED_CLOSE_CODE,
  type BroadcastFrame, type ChatMessage, type ClientFrame, type JoinResult,
  type MembershipFrame, type MessageFrame, type NotificationFrame, type PongFrame,
  type PresenceFrame, type ReadFrame, type ReadyFrame, type ServerFrame,
  type TypingFrame, type TypingState
} from './protocol.js'
import { Room } from './room.js'
import { refreshDelay, tokenExpiresAt } from './token-expiry.js'

export interface ChatClientOptions {
  /** The service's base URL; in a browser, the page's origin by default. */
  url?: string
  /** The WebSocket endpoint; by default `url` with ws(s):// and `/ws`. */
  wsUrl?: string
  token: string
  /** Returns a new token; called ahead of expiry and when the server refuses one. */
  refreshToken?: () => Promise<string>
  /** How long before expiry to refresh (ms, default 60 000). */
  refreshBeforeMs?: number
  /** `frame` (default): a first `auth` frame; `query`: `?token=` on the URL. */
  authMode?: 'frame' | 'query'
  /** The WebSocket class; the global one by default (Node 20 has none: pass `ws`). */
  WebSocket?: WebSocketConstructor
  fetch?: FetchLike
  /** How long a request waits for its answer on a live socket (ms, default 10 000). */
  requestTimeoutMs?: number
  /** How long a new socket may take to become ready (ms, default 10 000). */
  connectTimeoutMs?: number
  reconnect?: Partial<BackoffOptions>
  /** HTTP long-polling while the socket cannot connect; false turns it off. */
  fallback?: { afterFailures?: number, waitMs?: number } | false
}

export type ConnectionState =
  | 'idle' | 'connecting' | 'open' | 'reconnecting' | 'polling' | 'closed'

export type Transport = 'socket' | 'http'

export interface ChatClientEvents {
  message: MessageFrame
  typing: TypingFrame
  read: ReadFrame
  presence: PresenceFrame
  joined: MembershipFrame
  left: MembershipFrame
  notification: NotificationFrame
  broadcast: BroadcastFrame
  /** A socket was accepted (after every reconnect too). */
  ready: ReadyFrame
  state: ConnectionState
  /** A socket closed; the client reconnects unless the state becomes `closed`. */
  disconnect: { code: number, reason: string }
  /** Failures nobody awaits: a refused refresh, a lost rejoin, an error without id. */
  error: ChatClientError
}

export interface SendOptions {
  /** Reuse an id to retry a send that failed; a random one by default. */
  clientMsgId?: string
}

interface ConnectWaiter {
  resolve: (transport: Transport) => void
  reject: (err: ChatClientError) => void
}

const DEFAULT_FALLBACK = { afterFailures: 2, waitMs: 25_000 }
/** Pause before trying again a token refresh or an HTTP join that failed. */
const RETRY_MS = 5000

/**
 * A chat client on the native WebSocket API, for browsers and Node.
 *
 * It keeps one socket open, reconnecting with exponential backoff and
 * jitter; joined conversations are joined again on every new socket with
 * `afterSeq` = the last seq delivered, so nothing is missed, and messages
 * are delivered in seq order, each once. Sends and read marks stay queued
 * until answered and are repeated unchanged after a reconnect. When the
 * socket cannot connect it follows conversations by HTTP long-polling and
 * sends over HTTP until the socket is back.
 */
export class ChatClient extends Emitter<ChatClientEvents> {
  /** The HTTP API with the client's current token. */
  readonly http: HttpApi
  private token: string
  private readonly options: ChatClientOptions
  private readonly backoff: BackoffOptions
  private readonly fallback: { afterFailures: number, waitMs: number } | null
  private readonly connection: Connection
  private readonly rooms = new Map<string, Room>()
  private readonly outbox: Outbox
  private currentState: ConnectionState = 'idle'
  private polling = false
  private everReady = false
  private failures = 0
  private attempt = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private refreshTimer: ReturnType<typeof setTimeout> | null = null
  private refreshing: Promise<boolean> | null = null
  private connectWaiters: ConnectWaiter[] = []

  constructor (options: ChatClientOptions) {
    super()
    this.options = options
    this.token = options.token
    this.backoff = { ...DEFAULT_BACKOFF, ...options.reconnect }
    this.fallback = options.fallback === false
      ? null
      : { ...DEFAULT_FALLBACK, ...options.fallback }

    const url = baseUrl(options.url)
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
    this.http = new HttpApi(url, () => this.token, fetchImpl, requestTimeoutMs)

    this.connection = new Connection({
      url: options.wsUrl ?? url.replace(/^http/, 'ws') + '/ws',
      authMode: options.authMode ?? 'frame',
      WebSocket: webSocketClass(options.WebSocket),
      token: () => this.token,
      requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000
    })
    this.connection.on('ready', (frame) => this.onReady(frame))
    this.connection.on('frame', (frame) => this.onFrame(frame))
    this.connection.on('gone', (gone) => this.onGone(gone.code, gone.reason, gone.wasReady))

    this.outbox = new Outbox({
      current: () => this.transport,
      call: async (frame) => await this.connection.call(frame),
      recoverAuth: async () => await this.recoverAuth()
    })
  }

  get state (): ConnectionState {
    return this.currentState
  }

  /** How operations travel right now: the socket, HTTP, or neither (waiting). */
  get transport (): Transport | null {
    if (this.connection.session) return 'socket'
    return this.polling ? 'http' : null
  }

  /** The ready frame of the current socket (userId, sessionId, ...). */
  get session (): ReadyFrame | null {
    return this.connection.session
  }

  /** Starts connecting; resolves once operations can go through (socket or HTTP). */
  async connect (): Promise<Transport> {
    if (this.currentState === 'closed') throw closedError()

    const transport = this.transport
    if (transport) return transport

    const ready = new Promise<Transport>((resolve, reject) => {
      this.connectWaiters.push({ resolve, reject })
    })
    this.start()
    return await ready
  }

  /**
   * Follows a conversation. With `afterSeq`, every message after it is
   * delivered (replayed, then live); without, only new ones. Joined
   * conversations are joined again after every reconnect.
   */
  async join (conversationId: string, options: { afterSeq?: number } = {}) {
    if (this.currentState === 'closed') throw closedError()

    let room = this.rooms.get(conversationId)
    if (!room) {
      room = new Room(conversationId, options.afterSeq ?? null, (message) => {
        this.deliver(conversationId, message)
      })
      this.rooms.set(conversationId, room)
    }

    const joined = room.joined()
    this.start()
    if (this.connection.session) void this.joinOverSocket(room)
    else if (this.polling) void this.followOverHttp(room)
    return await joined
  }

  /** Stops following a conversation. */
  async leave (conversationId: string): Promise<void> {
    const room = this.rooms.get(conversationId)
    if (room) this.dropRoom(room, new ChatClientError('CLOSED', 'left before joining'))
    if (!this.connection.session) return

    try {
      await this.connection.call({ type: 'leave', conversationId })
    } catch (err) {
      // A new socket is not joined anyway.
      if ((err as ChatClientError).code !== 'DISCONNECTED') throw err
    }
  }

  /**
   * Sends a message; resolves with it as stored. Until answered it is sent
   * again after a reconnect (or over HTTP) with the same clientMsgId, so the
   * server stores it once. Pass your own clientMsgId to retry a failed send.
   */
  async send (conversationId: string, content: string, options: SendOptions = {}) {
    const clientMsgId = options.clientMsgId ?? randomId()
    if (this.currentState === 'closed') throw closedError()
    this.start()

    return await this.outbox.add<ChatMessage>({
      frame: { type: 'send', conversationId, content, clientMsgId },
      overHttp: async () => await this.http.send(conversationId, content, clientMsgId),
      fromAck: (result) => (result as { message: ChatMessage }).message
    })
  }

  /** Moves my read mark up to `upToSeq` (the server keeps the highest). */
  async markRead (conversationId: string, upToSeq: number): Promise<void> {
    if (this.currentState === 'closed') throw closedError()
    this.start()

    await this.outbox.add<void>({
      frame: { type: 'read', conversationId, upToSeq },
      overHttp: async () => { await this.http.markRead(conversationId, upToSeq) },
      fromAck: () => undefined
    })
  }

  /** Tells the other participant I am typing; false without a socket to say it on. */
  typing (conversationId: string, state: TypingState): boolean {
    return this.connection.post({ type: 'typing', conversationId, state })
  }

  async ping (): Promise<PongFrame> {
    return await this.connection.call({ type: 'ping' }) as PongFrame
  }

  /** Any request on the current socket; resolves with the ack's result. */
  async request (frame: ClientFrame, options: { timeoutMs?: number } = {}) {
    return await this.connection.call(frame, options.timeoutMs)
  }

  /** The last seq delivered for a joined conversation (null before its join completes). */
  lastSeq (conversationId: string): number | null {
    return this.rooms.get(conversationId)?.sequencer.cursor ?? null
  }

  /** Uses a new token from now on; the open socket presents it with an `auth` frame. */
  async setToken (token: string): Promise<void> {
    this.token = token
    this.scheduleRefresh()
    if (this.connection.session) await this.connection.call({ type: 'auth', token })
  }

  /** Closes the socket and stops everything; pending operations fail with CLOSED. */
  close (): void {
    this.shutdown(closedError())
  }

  private shutdown (err: ChatClientError): void {
    if (this.currentState === 'closed') return

    this.setState('closed')
    this.clearTimers()
    this.connection.close()
    this.polling = false

    this.outbox.rejectAll(err)
    for (const room of [...this.rooms.values()]) this.dropRoom(room, err)
    for (const waiter of this.takeConnectWaiters()) waiter.reject(err)
  }

  private start (): void {
    if (this.currentState !== 'idle') return

    this.setState('connecting')
    this.scheduleRefresh()
    this.connection.open()
  }

  private onReady (frame: ReadyFrame): void {
    this.failures = 0
    this.attempt = 0
    this.everReady = true
    this.stopPolling()
    this.setState('open')

    for (const room of this.rooms.values()) void this.joinOverSocket(room)
    this.outbox.flush()
    for (const waiter of this.takeConnectWaiters()) waiter.resolve('socket')
    this.emit('ready', frame)
  }

  private onFrame (frame: ServerFrame): void {
    switch (frame.type) {
      case 'message': {
        const room = this.rooms.get(frame.conversationId)
        if (!room) this.emit('message', frame)
        else if (room.sequencer.push(frame.message) === 'held') this.fillIfNeeded(room)
        return
      }
      case 'typing': return this.emit('typing', frame)
      case 'read': return this.emit('read', frame)
      case 'presence': return this.emit('presence', frame)
      case 'joined': return this.emit('joined', frame)
      case 'left': return this.emit('left', frame)
      case 'notification': return this.emit('notification', frame)
      case 'broadcast': return this.emit('broadcast', frame)
      case 'error':
        // A refused first-frame token is followed by close 4401, reported then.
        if (frame.code === 'UNAUTHENTICATED' && !this.connection.session) return
        return this.emit('error', new ChatClientError(frame.code, frame.message, {
          retryAfterMs: frame.retryAfterMs
        }))
      default:
    }
  }

  private onGone (code: number, reason: string, wasReady: boolean): void {
    this.emit('disconnect', { code, reason })
    if (this.currentState === 'closed') return

    if (TERMINAL_CLOSE_CODES.has(code)) {
      const message = `the server ended the session (${code} ${reason})`
      this.fail(new ChatClientError('CLOSED', message))
      return
    }

    if (!wasReady) this.failures += 1
    const fallback = this.fallback
    const cannotConnect = fallback !== null && this.failures >= fallback.afterFailures
    if (cannotConnect && !this.polling) this.startPolling()

    if (code !== UNAUTHENTICATED_CLOSE_CODE) {
      this.scheduleReconnect()
      return
    }

    void this.recoverAuth().then((renewed) => {
      if (renewed) this.scheduleReconnect()
      else this.fail(new ChatClientError('UNAUTHENTICATED', `token refused (${reason})`))
    })
  }

  private scheduleReconnect (): void {
    if (this.currentState === 'closed' || this.reconnectTimer) return

    if (!this.polling) this.setState(this.everReady ? 'reconnecting' : 'connecting')
    const delay = backoffDelay(this.attempt, this.backoff)
    this.attempt += 1

    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      this.connection.open()
    }, delay)
  }

  private async joinOverSocket (room: Room): Promise<void> {
    const { conversationId } = room
    const afterSeq = room.sequencer.cursor
    const frame: ClientFrame = afterSeq === null
      ? { type: 'join', conversationId }
      : { type: 'join', conversationId, afterSeq }

    let result: JoinResult
    try {
      result = await this.connection.call(frame) as JoinResult
    } catch (err) {
      // A socket that closed first is followed by a rejoin on the next one.
      if ((err as ChatClientError).code !== 'DISCONNECTED') this.loseRoom(room, err)
      return
    }

    if (this.rooms.get(conversationId) !== room) return
    if (afterSeq === null) room.sequencer.startAt(result.lastSeq)
    if (result.truncated && afterSeq !== null) room.fillFrom = afterSeq + MAX_REPLAY
    room.settle(result)
    this.fillIfNeeded(room)
  }

  // Without a socket a conversation is followed by long-polling from its cursor.
  private async followOverHttp (room: Room): Promise<void> {
    const { conversationId } = room

    let lastSeq: number
    try {
      lastSeq = (await this.http.conversation(conversationId)).lastSeq
    } catch (err) {
      if (!isTransient(err)) this.loseRoom(room, err)
      else setTimeout(() => { if (this.polling) void this.followOverHttp(room) }, RETRY_MS)
      return
    }

    if (this.rooms.get(conversationId) !== room || !this.polling) return
    room.sequencer.startAt(lastSeq)
    const overHttp = { lastReadSeq: null, online: [], truncated: false }
    room.settle({ conversationId, lastSeq, ...overHttp })

    room.poller ??= this.longPoll(room)
    room.poller.start()
  }

  private longPoll (room: Room): LongPoll {
    return new LongPoll({
      api: this.http,
      conversationId: room.conversationId,
      waitMs: this.fallback?.waitMs ?? DEFAULT_FALLBACK.waitMs,
      cursor: () => room.sequencer.cursor ?? 0,
      onMessages: (messages) => {
        for (const message of messages) room.sequencer.push(message)
      },
      onFailure: async (err) => {
        if (err.code === 'UNAUTHENTICATED' && await this.recoverAuth()) return 'retry'
        if (isTransient(err) || err.code === 'RATE_LIMITED') return 'retry'
        this.loseRoom(room, err)
        return 'stop'
      },
      retryDelay: (attempt) => backoffDelay(attempt, this.backoff)
    })
  }

  // Pages over HTTP what a truncated replay left out, or a gap in live order.
  private fillIfNeeded (room: Room): void {
    if (!room.needsFill) return
    void this.fill(room)
  }

  private async fill (room: Room): Promise<void> {
    room.filling = true
    room.fillFrom = null

    try {
      for (;;) {
        const afterSeq = room.sequencer.cursor ?? 0
        const page = await this.http.messages(room.conversationId, { afterSeq, limit: 100 })
        if (this.rooms.get(room.conversationId) !== room) return

        for (const message of page.items) room.sequencer.push(message)
        if (!page.hasMore || page.items.length === 0) break
      }
    } catch (err) {
      this.emit('error', err as ChatClientError)
    } finally {
      room.filling = false
      if (room.sequencer.hasGap) room.sequencer.releaseHeld()
    }
  }

  private deliver (conversationId: string, message: ChatMessage): void {
    this.emit('message', { type: 'message', conversationId, message })

    const room = this.rooms.get(conversationId)
    if (room && room.fillFrom !== null) this.fillIfNeeded(room)
  }

  private startPolling (): void {
    this.polling = true
    this.setState('polling')

    for (const room of this.rooms.values()) void this.followOverHttp(room)
    this.outbox.flush()
    for (const waiter of this.takeConnectWaiters()) waiter.resolve('http')
  }

  private stopPolling (): void {
    this.polling = false
    for (const room of this.rooms.values()) room.poller?.stop()
  }

  private loseRoom (room: Room, err: unknown): void {
    const error = err as ChatClientError
    if (!room.awaited) this.emit('error', error)
    this.dropRoom(room, error)
  }

  private dropRoom (room: Room, err: ChatClientError): void {
    if (this.rooms.get(room.conversationId) === room) this.rooms.delete(room.conversationId)
    room.poller?.stop()
    room.fail(err)
  }

  private scheduleRefresh (): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.refreshTimer = null
    if (!this.options.refreshToken || this.currentState === 'closed') return

    const expiresAt = tokenExpiresAt(this.token)
    if (expiresAt === null) return

    const beforeMs = this.options.refreshBeforeMs ?? 60_000
    const delay = refreshDelay(expiresAt, Date.now(), beforeMs)
    this.refreshTimer = setTimeout(() => { void this.refreshAhead(expiresAt) }, delay)
  }

  private async refreshAhead (expiresAt: number): Promise<void> {
    this.refreshTimer = null
    if (await this.recoverAuth()) return

    // The hook failed: try again while the token still has time left.
    if (expiresAt - Date.now() > RETRY_MS && this.currentState !== 'closed') {
      this.refreshTimer = setTimeout(() => { void this.refreshAhead(expiresAt) }, RETRY_MS)
    }
  }

  // One refresh at a time, however many parts of the client need it.
  private async recoverAuth (): Promise<boolean> {
    const hook = this.options.refreshToken
    if (!hook || this.currentState === 'closed') return false

    this.refreshing ??= (async () => {
      try {
        const token = await hook()
        await this.setToken(token).catch((err: unknown) => {
          this.emit('error', err as ChatClientError)
        })
        return true
      } catch (err) {
        const message = `token refresh failed: ${String(err)}`
        this.emit('error', new ChatClientError('UNAUTHENTICATED', message))
        return false
      } finally {
        this.refreshing = null
      }
    })()

    return await this.refreshing
  }

  private fail (err: ChatClientError): void {
    this.shutdown(err)
    this.emit('error', err)
  }

  private setState (state: ConnectionState): void {
    if (state === this.currentState) return
    this.currentState = state
    this.emit('state', state)
  }

  private takeConnectWaiters (): ConnectWaiter[] {
    const waiters = this.connectWaiters
    this.connectWaiters = []
    return waiters
  }

  private clearTimers (): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    this.reconnectTimer = null
    this.refreshTimer = null
  }
}

function closedError (): ChatClientError {
  return new ChatClientError('CLOSED', 'the client was closed')
}

function baseUrl (url: string | undefined): string {
  const origin = url ?? (globalThis as { location?: { origin?: string } }).location?.origin
  if (!origin) throw new TypeError('ChatClient needs a url outside a browser')
  return origin.replace(/\/+$/, '')
}

function webSocketClass (given: WebSocketConstructor | undefined): WebSocketConstructor {
  const found = given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (!found) throw new TypeError('no global WebSocket: pass one (for example from ws)')
  return found
}
