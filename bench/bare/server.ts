/*
 * The ceiling: a bare `ws` server doing in-process fan-out with no database,
 * no Redis and no checks beyond the token at the handshake. It speaks the
 * subset of the product's /ws protocol the load generator uses (ready, join,
 * send, ack, message, ping), so the same client drives both.
 *
 * Run: node --import tsx bench/bare/server.ts  (PORT, JWT_SECRET)
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { createVerifier } from 'fast-jwt'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'

interface Client {
  userId: string
  rooms: Set<string>
}

interface Room {
  seq: number
  members: Set<WebSocket>
}

interface Frame {
  type?: string
  id?: string
  conversationId?: string
  content?: string
  clientMsgId?: string
}

const JSON_TYPE = { 'content-type': 'application/json' }

const secret = process.env.JWT_SECRET ?? ''
const port = Number(process.env.PORT ?? 3002)
const verify = createVerifier({ key: secret, algorithms: ['HS256'] })
const rooms = new Map<string, Room>()
const clients = new WeakMap<WebSocket, Client>()

const http = createServer(httpOnRequest)
const wss = new WebSocketServer({ noServer: true, maxPayload: 65_536 })

http.on('upgrade', httpOnUpgrade)
http.listen(port, '127.0.0.1')
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)

function httpOnRequest (request: IncomingMessage, response: ServerResponse) {
  response.writeHead(request.url === '/health' ? 200 : 404, JSON_TYPE)
  response.end('{"status":"ok"}')
}

function httpOnUpgrade (request: IncomingMessage, socket: Duplex, head: Buffer) {
  const userId = authenticate(request)
  if (!userId || !request.url?.startsWith('/ws')) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
    return
  }

  wss.handleUpgrade(request, socket, head, (ws) => {
    clients.set(ws, { userId, rooms: new Set() })
    ws.on('message', socketOnMessage)
    ws.on('close', socketOnClose)
    const ready = { type: 'ready', userId, sessionId: randomUUID(), heartbeatMs: 25_000 }
    ws.send(JSON.stringify(ready))
  })
}

function authenticate (request: IncomingMessage): string | undefined {
  const header = request.headers.authorization
  const token = header?.startsWith('Bearer ')
    ? header.slice(7)
    : new URL(request.url ?? '/', 'http://x').searchParams.get('token')
  if (!token) return undefined

  try {
    return (verify(token) as { sub: string }).sub
  } catch {
    return undefined
  }
}

function socketOnMessage (this: WebSocket, data: RawData) {
  const client = clients.get(this)
  if (!client) return

  let frame: Frame
  try {
    frame = JSON.parse(data.toString())
  } catch {
    this.send('{"type":"error","code":"BAD_REQUEST","message":"Bad JSON"}')
    return
  }

  if (frame.type === 'send' && frame.conversationId) {
    send(this, client, frame)
  } else if (frame.type === 'join' && frame.conversationId) {
    join(this, client, frame.conversationId, frame.id)
  } else if (frame.type === 'ping') {
    const serverTime = new Date().toISOString()
    this.send(JSON.stringify({ type: 'pong', id: frame.id, serverTime }))
  }
}

function join (ws: WebSocket, client: Client, conversationId: string, id?: string) {
  const room = roomOf(conversationId)
  room.members.add(ws)
  client.rooms.add(conversationId)

  const result = { conversationId, lastSeq: room.seq, truncated: false }
  ws.send(JSON.stringify({ type: 'ack', id, result }))
}

function send (ws: WebSocket, client: Client, frame: Frame) {
  const conversationId = frame.conversationId as string
  const room = roomOf(conversationId)
  const message = {
    id: randomUUID(),
    seq: ++room.seq,
    senderId: client.userId,
    content: frame.content,
    clientMsgId: frame.clientMsgId,
    createdAt: new Date().toISOString()
  }

  ws.send(JSON.stringify({ type: 'ack', id: frame.id, result: { message } }))

  const text = JSON.stringify({ type: 'message', conversationId, message })
  for (const member of room.members) member.send(text)
}

function socketOnClose (this: WebSocket) {
  const client = clients.get(this)
  if (!client) return

  for (const conversationId of client.rooms) rooms.get(conversationId)?.members.delete(this)
}

function roomOf (conversationId: string): Room {
  let room = rooms.get(conversationId)
  if (!room) {
    room = { seq: 0, members: new Set() }
    rooms.set(conversationId, room)
  }
  return room
}

function shutdown () {
  for (const ws of wss.clients) ws.close(1001)
  http.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
