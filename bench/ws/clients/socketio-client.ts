import { io, type Socket } from 'socket.io-client'
import {
  CONNECT_TIMEOUT_MS,
  type BenchClient,
  type ClientEvents,
  type ClientTarget,
  type JoinResult
} from './client.js'

interface MessageFrame {
  conversationId: string
  message: { seq: number, content: string }
}

interface Reply {
  result?: { lastSeq?: number, message?: { seq: number } }
  error?: { code: string }
}

/** A client of the Socket.IO comparison server: websocket transport, no reconnection. */
export class SocketIoClient implements BenchClient {
  private socket: Socket | null = null

  constructor (
    private readonly target: ClientTarget,
    private readonly events: ClientEvents
  ) {}

  async open (): Promise<void> {
    const socket = io(this.target.url, {
      transports: ['websocket'],
      auth: { token: this.target.token },
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS
    })
    this.socket = socket

    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', (err) => reject(err))
    })

    socket.on('message', (frame: MessageFrame) => {
      this.events.onMessage(frame.conversationId, frame.message.seq, frame.message.content)
    })
    socket.once('disconnect', () => this.events.onClose(1006))
  }

  async join (conversationId: string): Promise<JoinResult> {
    const reply = await new Promise<Reply>((resolve) => {
      this.socket?.emit('join', { conversationId }, resolve)
    })
    if (reply.error) throw new Error(`join refused: ${reply.error.code}`)
    return { lastSeq: reply.result?.lastSeq ?? 0 }
  }

  send (requestId: string, conversationId: string, content: string, clientMsgId: string) {
    this.socket?.emit('send', { conversationId, content, clientMsgId }, (reply: Reply) => {
      const seq = reply.result?.message?.seq ?? -1
      this.events.onSendResult(requestId, seq, reply.error?.code)
    })
  }

  cut (): void {
    this.socket?.io.engine?.close()
  }

  close (): void {
    this.socket?.disconnect()
  }
}
