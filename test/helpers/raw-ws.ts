import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface FrameSpec {
  fin?: boolean
  /** The three reserved bits, RSV1 = 4, RSV2 = 2, RSV3 = 1. */
  rsv?: number
  opcode: number
  payload?: Buffer
  /** A length to announce in the header instead of the payload's own. */
  announcedLength?: number
}

export interface ServerFrame {
  opcode: number
  payload: Buffer
}

/** Builds a masked client frame byte by byte, even one no client library would send. */
export function encodeClientFrame (spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0)
  const length = spec.announcedLength ?? payload.length
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode

  let header: Buffer
  if (length < 126) {
    header = Buffer.from([first, 0x80 | length])
  } else if (length < 65_536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = 0x80 | 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = 0x80 | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }

  const mask = randomBytes(4)
  const masked = Buffer.from(payload)
  for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i % 4]
  return Buffer.concat([header, mask, masked])
}

/**
 * A WebSocket client written over a plain TCP socket: the handshake by hand,
 * frames by hand, and the server's frames parsed as they come.
 */
export class RawWebSocket {
  readonly frames: ServerFrame[] = []
  /** The server's close code, or null when the connection ended without a close frame. */
  readonly closeCode: Promise<number | null>
  private pending = Buffer.alloc(0)
  private wake: (() => void) | null = null
  private gotClose: number | null = null

  private constructor (readonly socket: Socket) {
    socket.on('error', () => {})
    socket.on('data', (chunk) => this.onData(chunk))
    this.closeCode = new Promise((resolve) => socket.on('close', () => {
      resolve(this.gotClose)
      this.wake?.()
    }))
  }

  /** Upgrades with `Authorization: Bearer <token>` and waits for `ready`. */
  static async open (port: number, token: string): Promise<RawWebSocket> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })

    socket.write([
      'GET /ws HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Authorization: Bearer ${token}`,
      '', ''
    ].join('\r\n'))

    const rest = await readHandshake(socket)
    const raw = new RawWebSocket(socket)
    raw.onData(rest)
    await raw.nextText((frame) => frame.type === 'ready')
    return raw
  }

  write (spec: FrameSpec): void {
    if (!this.socket.destroyed) this.socket.write(encodeClientFrame(spec))
  }

  sendText (text: string): void {
    this.write({ opcode: 0x1, payload: Buffer.from(text) })
  }

  /** Text frames received, parsed. */
  texts (): Array<Record<string, any>> {
    return this.frames.filter((f) => f.opcode === 0x1)
      .map((f) => JSON.parse(f.payload.toString()))
  }

  async nextText (match: (frame: Record<string, any>) => boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.texts().find(match)
      if (found) return found
      if (this.socket.destroyed) throw new Error('connection closed while waiting')
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
    }
  }

  get open (): boolean {
    return !this.socket.destroyed && this.gotClose === null
  }

  destroy (): void {
    this.socket.destroy()
  }

  private onData (chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk])

    for (;;) {
      const frame = takeServerFrame(this.pending)
      if (!frame) break
      this.pending = this.pending.subarray(frame.size)
      this.frames.push(frame.frame)
      if (frame.frame.opcode === 0x8) this.onClose(frame.frame.payload)
    }
    this.wake?.()
  }

  // Answer the close as a client should, then let the server end the connection.
  private onClose (payload: Buffer): void {
    this.gotClose = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
    this.write({ opcode: 0x8, payload: payload.subarray(0, 2) })
  }
}

async function readHandshake (socket: Socket): Promise<Buffer> {
  let buffered = Buffer.alloc(0)
  return await new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end === -1) return

      socket.off('data', onData)
      const head = buffered.subarray(0, end).toString()
      if (head.startsWith('HTTP/1.1 101')) resolve(buffered.subarray(end + 4))
      else reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
    }
    socket.on('data', onData)
  })
}

function takeServerFrame (data: Buffer): { frame: ServerFrame, size: number } | null {
  if (data.length < 2) return null

  let length = data[1] & 0x7f
  let offset = 2
  if (length === 126) {
    if (data.length < 4) return null
    length = data.readUInt16BE(2)
    offset = 4
  } else if (length === 127) {
    if (data.length < 10) return null
    length = Number(data.readBigUInt64BE(2))
    offset = 10
  }

  if (data.length < offset + length) return null
  return {
    frame: {
      opcode: data[0] & 0x0f,
      payload: Buffer.from(data.subarray(offset, offset + length))
    },
    size: offset + length
  }
}
