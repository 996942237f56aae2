import WebSocket from 'ws'
import {
  ChatClient, type ChatClientOptions, type WebSocketLike
} from '../../src/client/index.js'
import type { TestApp } from '../helpers/app.js'

interface Teardown { teardown(fn: () => unknown): void }

type Frame = Record<string, unknown>

/** A port nothing listens on: connections to it are refused at once. */
export const REFUSED_WS_URL = 'ws://127.0.0.1:1/ws'

/**
 * The client's window on the network in tests: records every frame each
 * way, refuses connections while closed, and can cut a socket the moment a
 * chosen frame arrives (the frame is lost, as when the network fails).
 */
export class SocketGate {
  open = true
  readonly sent: Frame[] = []
  readonly received: Frame[] = []
  readonly sockets: WebSocket[] = []
  /** Cuts the socket instead of delivering the first frame this matches. */
  cutOn: ((frame: Frame) => boolean) | null = null
  /** Loses every frame this matches, leaving the socket open. */
  swallow: ((frame: Frame) => boolean) | null = null

  readonly WebSocket = gatedSocketClass(this)

  sentOfType (type: string): Frame[] {
    return this.sent.filter((frame) => frame.type === type)
  }

  /** How many answers (ack, error or pong) each request id received. */
  answersPerRequest (): Map<string, number> {
    const counts = new Map<string, number>()
    for (const frame of this.sent) {
      if (typeof frame.id === 'string') counts.set(frame.id, 0)
    }
    for (const frame of this.received) {
      const id = frame.id
      const answer = frame.type === 'ack' || frame.type === 'error' || frame.type === 'pong'
      if (answer && typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1)
    }
    return counts
  }
}

function gatedSocketClass (gate: SocketGate) {
  return class GatedSocket implements WebSocketLike {
    onopen: WebSocketLike['onopen'] = null
    onmessage: WebSocketLike['onmessage'] = null
    onclose: WebSocketLike['onclose'] = null
    onerror: WebSocketLike['onerror'] = null
    private readonly inner: WebSocket

    constructor (url: string) {
      const inner = new WebSocket(gate.open ? url : REFUSED_WS_URL)
      this.inner = inner
      gate.sockets.push(inner)

      inner.onopen = (event) => this.onopen?.(event)
      inner.onerror = (event) => this.onerror?.(event)
      inner.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason })
      inner.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as Frame
        if (gate.cutOn?.(frame)) {
          gate.cutOn = null
          inner.terminate()
          return
        }
        if (gate.swallow?.(frame)) return
        gate.received.push(frame)
        this.onmessage?.({ data: String(event.data) })
      }
    }

    get readyState (): number {
      return this.inner.readyState
    }

    send (data: string): void {
      gate.sent.push(JSON.parse(data) as Frame)
      this.inner.send(data)
    }

    close (code?: number, reason?: string): void {
      this.inner.close(code, reason)
    }
  }
}

/** A client for `sub` against the test app, closed when the test ends. */
export function testClient (
  t: Teardown,
  testApp: TestApp,
  sub: string,
  role: string,
  options: Partial<ChatClientOptions> = {}
): ChatClient {
  const client = new ChatClient({
    url: testApp.baseUrl,
    token: testApp.token(sub, role),
    WebSocket,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options
  })
  t.teardown(() => client.close())
  return client
}

/** Collects a client's message events for one conversation. */
export function collectMessages (client: ChatClient, conversationId: string) {
  const seen: Array<{ seq: number, content: string }> = []
  client.on('message', (frame) => {
    if (frame.conversationId === conversationId) {
      seen.push({ seq: frame.message.seq, content: frame.message.content })
    }
  })
  return seen
}

/**
 * Closes, once the test's clients are gone, any connection they left behind
 * without a request: Node's fetch may open one for a long-poll that is then
 * aborted, and the server's close would wait for it until its header timeout.
 * Register right after building the app, so it runs before the app closes.
 */
export function closeLeftoverConnections (t: Teardown, testApp: TestApp): void {
  t.teardown(() => testApp.app.server.closeAllConnections())
}

/** Closes every socket the server holds, abruptly, as a network failure would. */
export function dropServerSockets (testApp: TestApp): number {
  let dropped = 0
  for (const socket of testApp.app.websocketServer.clients) {
    socket.terminate()
    dropped += 1
  }
  return dropped
}
