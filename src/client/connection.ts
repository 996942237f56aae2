import { ChatClientError } from './client-error.js'
import { Emitter } from './emitter.js'
import { PendingRequests } from './pending-requests.js'
import {
  parseServerFrame, type ClientFrame, type ReadyFrame, type ServerFrame
} from './protocol.js'

// Handlers declared as methods are compared bivariantly, so both the
// browser's WebSocket and the `ws` package's class fit this shape.
type Handler<E> = { bivarianceHack (event: E): void }['bivarianceHack']

/** The part of the standard WebSocket API the client uses. */
export interface WebSocketLike {
  readonly readyState: number
  send (data: string): void
  close (code?: number, reason?: string): void
  onopen: Handler<unknown> | null
  onmessage: Handler<{ data: unknown }> | null
  onclose: Handler<{ code: number, reason: string }> | null
  onerror: Handler<unknown> | null
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

export interface ConnectionOptions {
  /** The /ws endpoint, without a token. */
  url: string
  /** `frame`: a first `auth` frame; `query`: `?token=` on the URL. */
  authMode: 'frame' | 'query'
  WebSocket: WebSocketConstructor
  token: () => string
  requestTimeoutMs: number
  connectTimeoutMs: number
}

export interface ConnectionEvents {
  /** The server accepted the socket. */
  ready: ReadyFrame
  /** Any frame that is not the answer to a request. */
  frame: ServerFrame
  /** The socket closed or was abandoned; `wasReady` tells whether it ever got `ready`. */
  gone: { code: number, reason: string, wasReady: boolean }
}

/** Close code reported when the client abandons a socket that stopped answering. */
export const ABANDONED = 1006

/**
 * One socket at a time: authenticates it, matches answers to requests,
 * checks that a quiet socket still answers, and reports when it is gone.
 * Whether and when to open another is the owner's decision.
 */
export class Connection extends Emitter<ConnectionEvents> {
  private socket: WebSocketLike | null = null
  private generation = 0
  private current: ReadyFrame | null = null
  private readonly pending = new PendingRequests()
  private connectTimer: ReturnType<typeof setTimeout> | null = null
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null
  private lastFrameAt = 0

  constructor (private readonly options: ConnectionOptions) {
    super()
  }

  /** The ready frame of the open socket; null while there is none. */
  get session (): ReadyFrame | null {
    return this.current
  }

  get opening (): boolean {
    return this.socket !== null && this.current === null
  }

  /** Starts one connection attempt. */
  open (): void {
    if (this.socket) return

    const generation = ++this.generation
    let socket: WebSocketLike
    try {
      socket = new this.options.WebSocket(this.socketUrl())
    } catch (err) {
      this.emit('gone', { code: ABANDONED, reason: String(err), wasReady: false })
      return
    }

    this.socket = socket
    socket.onopen = () => this.socketOnOpen(generation)
    socket.onmessage = (event) => this.socketOnMessage(generation, event.data)
    socket.onclose = (event) => this.socketOnClose(generation, event.code, event.reason)
    socket.onerror = () => {}

    this.connectTimer = setTimeout(() => {
      if (generation === this.generation && !this.current) this.abandon('no ready in time')
    }, this.options.connectTimeoutMs)
  }

  /** Sends a request and resolves with its ack result (a pong for a ping). */
  async call (frame: ClientFrame, timeoutMs = this.options.requestTimeoutMs) {
    const socket = this.socket
    if (!socket || !this.current) {
      throw new ChatClientError('DISCONNECTED', 'the socket is not connected')
    }

    const id = this.pending.nextId()
    const answer = this.pending.wait(id, timeoutMs)
    socket.send(JSON.stringify({ ...frame, id }))
    return await answer
  }

  /** Sends a frame that expects no answer; false when there is no open socket. */
  post (frame: ClientFrame): boolean {
    if (!this.socket || !this.current) return false
    this.socket.send(JSON.stringify(frame))
    return true
  }

  /** Gives up on the current socket at once, without waiting for a closing handshake. */
  abandon (reason: string): void {
    const socket = this.socket
    if (!socket) return

    this.detach(socket)
    this.finish(ABANDONED, reason)
  }

  /** Closes the socket for good, reporting nothing. */
  close (): void {
    const socket = this.socket
    this.socket = null
    this.current = null
    this.generation += 1
    this.stopTimers()
    this.pending.rejectAll(new ChatClientError('CLOSED', 'the client was closed'))

    if (socket) this.detach(socket, 1000)
  }

  private socketUrl (): string {
    const { url, authMode } = this.options
    if (authMode !== 'query') return url

    const separator = url.includes('?') ? '&' : '?'
    return `${url}${separator}token=${encodeURIComponent(this.options.token())}`
  }

  private socketOnOpen (generation: number): void {
    if (generation !== this.generation || this.options.authMode !== 'frame') return
    this.socket?.send(JSON.stringify({ type: 'auth', token: this.options.token() }))
  }

  private socketOnMessage (generation: number, data: unknown): void {
    if (generation !== this.generation) return

    this.lastFrameAt = Date.now()
    const frame = parseServerFrame(data)
    if (!frame) return

    switch (frame.type) {
      case 'ready':
        this.onReady(frame)
        return
      case 'ack':
        this.pending.resolve(frame.id, frame.result)
        return
      case 'pong':
        if (frame.id !== undefined && this.pending.resolve(frame.id, frame)) return
        this.emit('frame', frame)
        return
      case 'error':
        if (frame.id !== undefined && this.pending.reject(frame.id, toError(frame))) return
        this.emit('frame', frame)
        return
      default:
        this.emit('frame', frame)
    }
  }

  private socketOnClose (generation: number, code: number, reason: string): void {
    if (generation !== this.generation) return
    this.finish(code, reason)
  }

  private onReady (frame: ReadyFrame): void {
    const first = this.current === null
    this.current = frame
    if (!first) return

    if (this.connectTimer) clearTimeout(this.connectTimer)
    this.connectTimer = null
    this.startHeartbeat(frame.heartbeatMs)
    this.emit('ready', frame)
  }

  // The server's own pings are answered by the WebSocket layer and are
  // invisible to scripts, so a quiet socket is checked with a `ping` frame.
  private startHeartbeat (intervalMs: number): void {
    this.lastFrameAt = Date.now()
    const timeoutMs = Math.min(this.options.requestTimeoutMs, intervalMs)

    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt < intervalMs) return

      this.call({ type: 'ping' }, timeoutMs).catch((err: ChatClientError) => {
        if (err.code === 'TIMEOUT') this.abandon('no answer to ping')
      })
    }, intervalMs)
  }

  private finish (code: number, reason: string): void {
    const wasReady = this.current !== null
    this.socket = null
    this.current = null
    this.generation += 1
    this.stopTimers()
    this.pending.rejectAll(new ChatClientError('DISCONNECTED', `socket closed (${code})`))

    this.emit('gone', { code, reason, wasReady })
  }

  // Its late events are ignored; the error handler stays because some
  // implementations throw an error event nobody listens to.
  private detach (socket: WebSocketLike, code?: number): void {
    socket.onopen = null
    socket.onmessage = null
    socket.onclose = null
    socket.onerror = () => {}
    try {
      socket.close(code)
    } catch {
      // Closing a socket that never opened may throw in some implementations.
    }
  }

  private stopTimers (): void {
    if (this.connectTimer) clearTimeout(this.connectTimer)
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer)
    this.connectTimer = null
    this.heartbeatTimer = null
  }
}

function toError (frame: { code: string, message: string, retryAfterMs?: number }) {
  const { code, message, retryAfterMs } = frame
  return new ChatClientError(code, message, { retryAfterMs })
}
