import WebSocket from 'ws'
import {
  CONNECT_TIMEOUT_MS,
  type BenchClient,
  type ClientEvents,
  type ClientTarget,
  type JoinResult
} from './client.js'

interface PendingJoin {
  resolve: (result: JoinResult) => void
  reject: (err: Error) => void
}

interface ServerFrame {
  type: string
  id?: string
  code?: string
  conversationId?: string
  message?: { seq: number, content: string }
  result?: { lastSeq?: number, message?: { seq: number } }
}

/**
 * A client of the product's /ws protocol (also spoken by the bare ws
 * server): token in the upgrade's Authorization header, JSON text frames.
 * Join requests carry ids starting with `j`, which sends never use.
 */
export class RawClient implements BenchClient {
  private socket: WebSocket | null = null
  private readonly joins = new Map<string, PendingJoin>()
  private joinCounter = 0

  constructor (
    private readonly target: ClientTarget,
    private readonly events: ClientEvents
  ) {}

  async open (): Promise<void> {
    const socket = new WebSocket(`${this.target.url}/ws`, {
      headers: { authorization: `Bearer ${this.target.token}` },
      perMessageDeflate: false,
      handshakeTimeout: CONNECT_TIMEOUT_MS
    })
    this.socket = socket

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error('no ready frame in time'))
      }, CONNECT_TIMEOUT_MS)
      const fail = (err: Error) => {
        clearTimeout(timer)
        socket.off('message', onFirst)
        socket.terminate()
        reject(err)
      }
      const onFirst = (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as ServerFrame
        if (frame.type !== 'ready') return
        clearTimeout(timer)
        socket.off('message', onFirst)
        socket.on('message', (raw) => this.onFrame(raw))
        resolve()
      }
      socket.on('message', onFirst)
      socket.once('error', fail)
      socket.once('unexpected-response', (_request, response) => {
        fail(new Error(`upgrade refused: ${response.statusCode}`))
      })
    })

    socket.on('error', () => {})
    socket.once('close', (code) => {
      for (const join of this.joins.values()) join.reject(new Error(`closed ${code}`))
      this.joins.clear()
      this.events.onClose(code)
    })
  }

  async join (conversationId: string, afterSeq?: number): Promise<JoinResult> {
    const id = `j${++this.joinCounter}`
    const frame: Record<string, unknown> = { type: 'join', id, conversationId }
    if (afterSeq !== undefined) frame.afterSeq = afterSeq

    return await new Promise((resolve, reject) => {
      this.joins.set(id, { resolve, reject })
      this.socket?.send(JSON.stringify(frame))
    })
  }

  send (requestId: string, conversationId: string, content: string, clientMsgId: string) {
    // Ids, uuids and the generated content need no escaping: skip JSON.stringify.
    this.socket?.send('{"type":"send","id":"' + requestId +
      '","conversationId":"' + conversationId + '","content":"' + content +
      '","clientMsgId":"' + clientMsgId + '"}')
  }

  cut (): void {
    this.socket?.terminate()
  }

  close (): void {
    this.socket?.close(1000)
  }

  private onFrame (data: WebSocket.RawData): void {
    const frame = JSON.parse(data.toString()) as ServerFrame

    if (frame.type === 'message' && frame.message && frame.conversationId) {
      this.events.onMessage(frame.conversationId, frame.message.seq, frame.message.content)
      return
    }

    if ((frame.type === 'ack' || frame.type === 'error') && frame.id !== undefined) {
      this.onAnswer(frame.id, frame)
    }
  }

  private onAnswer (id: string, frame: ServerFrame): void {
    const join = id.startsWith('j') ? this.joins.get(id) : undefined

    if (join) {
      this.joins.delete(id)
      if (frame.type === 'ack') join.resolve({ lastSeq: frame.result?.lastSeq ?? 0 })
      else join.reject(new Error(`join refused: ${frame.code}`))
      return
    }

    const seq = frame.result?.message?.seq ?? -1
    const code = frame.type === 'error' ? frame.code ?? 'ERROR' : undefined
    this.events.onSendResult(id, seq, code)
  }
}
