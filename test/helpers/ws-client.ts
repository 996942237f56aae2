import { once } from 'node:events'
import WebSocket from 'ws'

export type Frame = Record<string, any>

interface Teardown { teardown(fn: () => unknown): void }

const ANSWERS = new Set(['ack', 'error', 'pong'])

export interface OpenOptions {
  /** Sent as Authorization: Bearer. */
  token?: string
  /** Sent as ?token=. */
  queryToken?: string
  headers?: Record<string, string>
}

/**
 * A `ws` client that records every frame it receives, for tests over real
 * sockets. Closed when the test ends.
 */
export class TestSocket {
  readonly frames: Frame[] = []
  readonly closed: Promise<{ code: number, reason: string }>
  private readonly waiters = new Set<() => void>()
  private counter = 0

  private constructor (readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()))
      for (const wake of [...this.waiters]) wake()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const wake of [...this.waiters]) wake()
      })
    })
    ws.on('error', () => {})
  }

  /** Opens a socket; resolves once the upgrade succeeded. */
  static async open (t: Teardown, baseUrl: string, options: OpenOptions = {}) {
    const ws = connect(baseUrl, options)
    const socket = new TestSocket(ws)
    t.teardown(() => ws.terminate())

    await once(ws, 'open')
    return socket
  }

  /** Opens with a header token and waits for `ready`. */
  static async ready (t: Teardown, baseUrl: string, token: string): Promise<TestSocket> {
    const socket = await TestSocket.open(t, baseUrl, { token })
    await socket.next((f) => f.type === 'ready')
    return socket
  }

  /** The HTTP status of a refused upgrade. */
  static async refusedStatus (baseUrl: string, options: OpenOptions = {}) {
    const ws = connect(baseUrl, options)
    ws.on('error', () => {})
    return await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        ws.terminate()
      })
      ws.on('open', () => {
        ws.terminate()
        reject(new Error('the upgrade was accepted'))
      })
    })
  }

  send (frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a frame with a fresh id and resolves with its ack or error. */
  async request (frame: Frame, timeoutMs = 5000): Promise<Frame> {
    const id = frame.id ?? `auto-${++this.counter}`
    this.send({ ...frame, id })
    const isAnswer = (f: Frame) => ANSWERS.has(f.type) && f.id === id
    return await this.next(isAnswer, timeoutMs)
  }

  /** Resolves with the ack's result; throws if the answer is an error. */
  async ok (frame: Frame): Promise<any> {
    const answer = await this.request(frame)
    if (answer.type === 'error') {
      throw new Error(`${frame.type} refused: ${answer.code} ${answer.message}`)
    }
    return answer.result
  }

  /** Sends a message and resolves with the stored message of its ack. */
  async sendMessage (conversationId: string, clientMsgId: string, content = clientMsgId) {
    const result = await this.ok({ type: 'send', conversationId, content, clientMsgId })
    return result.message as Frame
  }

  /** The first frame (already received or to come) that matches. */
  async next (match: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return await this.waitUntil(() => this.frames.find(match), timeoutMs)
  }

  /** Waits until `count` frames match; resolves with them. */
  async count (match: (frame: Frame) => boolean, count: number, timeoutMs = 5000) {
    return await this.waitUntil(() => {
      const found = this.frames.filter(match)
      return found.length >= count ? found : undefined
    }, timeoutMs)
  }

  /** A round trip on this socket: every frame written to it before is now received. */
  async barrier (): Promise<void> {
    await this.request({ type: 'ping' })
  }

  messages (conversationId?: string): Frame[] {
    return this.frames.filter((f) => f.type === 'message' &&
      (conversationId === undefined || f.conversationId === conversationId))
  }

  get isOpen (): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  close (): void {
    this.ws.close()
  }

  private lastFrames (): string {
    return JSON.stringify(this.frames.slice(-3))
  }

  private async waitUntil<T> (check: () => T | undefined, timeoutMs: number): Promise<T> {
    const found = check()
    if (found !== undefined) return found

    return await new Promise<T>((resolve, reject) => {
      const wake = () => {
        const value = check()
        if (value !== undefined) {
          finish()
          resolve(value)
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          finish()
          reject(new Error(`closed while waiting; last frames: ${this.lastFrames()}`))
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(new Error(`timed out; last frames: ${this.lastFrames()}`))
      }, timeoutMs)
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(wake)
      }
      this.waiters.add(wake)
    })
  }
}

function connect (baseUrl: string, options: OpenOptions): WebSocket {
  const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'))
  if (options.queryToken !== undefined) url.searchParams.set('token', options.queryToken)

  const headers = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  return new WebSocket(url, { headers })
}
