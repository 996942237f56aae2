/*
 * The comparison server: Socket.IO 4 with the Redis adapter doing the
 * product's job on the send path (token at the handshake, participant check,
 * per-conversation seq, clientMsgId idempotency, one insert statement into
 * PostgreSQL, ack, broadcast through Redis). Several instances with the same
 * DATABASE_URL and REDIS_URL form one cluster.
 *
 * Run: node --import tsx bench/socketio/server.ts
 *   (PORT, JWT_SECRET, DATABASE_URL, REDIS_URL, REDIS_PREFIX)
 */
import { createServer } from 'node:http'
import { createAdapter } from '@socket.io/redis-adapter'
import { createVerifier } from 'fast-jwt'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { SocketIoStore } from './store.js'

type Ack = (reply: { result?: unknown, error?: { code: string, message: string } }) => void

interface SendFrame { conversationId?: string, content?: string, clientMsgId?: string }

const port = Number(process.env.PORT ?? 3003)
const verify = createVerifier({ key: process.env.JWT_SECRET ?? '', algorithms: ['HS256'] })
const store = new SocketIoStore(required('DATABASE_URL'))

/*
 * Inserts of one conversation run one after another on this instance, so
 * that its broadcasts leave in seq order (parallel statements would commit,
 * and broadcast, in any order).
 */
const conversationTails = new Map<string, Promise<void>>()

const http = createServer((request, response) => {
  const status = request.url === '/health' ? 200 : 404
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end('{"status":"ok"}')
})
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 65_536 })

await start()

async function start () {
  await store.migrate()

  const redisUrl = required('REDIS_URL')
  const pub = new Redis(redisUrl)
  const sub = pub.duplicate()
  const key = `${process.env.REDIS_PREFIX ?? 'bench:'}socket.io`
  io.adapter(createAdapter(pub, sub, { key }))

  io.use(authenticate)
  io.on('connection', onConnection)
  http.listen(port, '127.0.0.1')

  const stop = () => {
    io.close()
    void store.close().finally(() => {
      pub.disconnect()
      sub.disconnect()
      process.exit(0)
    })
    setTimeout(() => process.exit(0), 3000).unref()
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

function authenticate (socket: Socket, next: (err?: Error) => void) {
  try {
    const claims = verify(String(socket.handshake.auth?.token ?? '')) as { sub: string }
    socket.data.userId = claims.sub
    next()
  } catch {
    next(new Error('UNAUTHENTICATED'))
  }
}

function onConnection (socket: Socket) {
  socket.on('join', (frame: { conversationId?: string }, ack: Ack) => {
    void join(socket, frame, ack)
  })
  socket.on('send', (frame: SendFrame, ack: Ack) => {
    void send(socket, frame, ack)
  })
}

async function join (socket: Socket, frame: { conversationId?: string }, ack: Ack) {
  try {
    const userId = socket.data.userId as string
    const conversationId = await requireParticipant(frame.conversationId, userId)
    await socket.join(conversationId)
    ack({ result: { conversationId, lastSeq: await store.lastSeq(conversationId) } })
  } catch (err) {
    ack({ error: describe(err) })
  }
}

async function send (socket: Socket, frame: SendFrame, ack: Ack) {
  try {
    const userId = socket.data.userId as string
    const conversationId = await requireParticipant(frame.conversationId, userId)
    const content = typeof frame.content === 'string' ? frame.content.trim() : ''
    const clientMsgId = typeof frame.clientMsgId === 'string' ? frame.clientMsgId : ''
    if (content.length === 0 || content.length > 4000 || clientMsgId.length === 0) {
      throw new CodedError('BAD_REQUEST', 'content and clientMsgId are required')
    }

    await inTurn(conversationId, async () => {
      const message = await store.insert(conversationId, userId, content, clientMsgId)
      ack({ result: { message } })
      io.to(conversationId).emit('message', { conversationId, message })
    })
  } catch (err) {
    ack({ error: describe(err) })
  }
}

async function inTurn (conversationId: string, work: () => Promise<void>): Promise<void> {
  const previous = conversationTails.get(conversationId) ?? Promise.resolve()
  const current = previous.then(work)
  const tail = current.catch(() => {})
  conversationTails.set(conversationId, tail)

  try {
    await current
  } finally {
    const last = conversationTails.get(conversationId) === tail
    if (last) conversationTails.delete(conversationId)
  }
}

async function requireParticipant (
  conversationId: unknown,
  userId: string
): Promise<string> {
  if (typeof conversationId !== 'string' || !/^[0-9a-f-]{36}$/i.test(conversationId)) {
    throw new CodedError('BAD_REQUEST', 'conversationId must be a uuid')
  }

  const members = await store.membersOf(conversationId)
  if (!members) throw new CodedError('NOT_FOUND', 'Conversation not found')
  if (members.companyId !== userId && members.candidateId !== userId) {
    throw new CodedError('FORBIDDEN', 'Not a participant')
  }
  return conversationId
}

class CodedError extends Error {
  constructor (readonly code: string, message: string) {
    super(message)
  }
}

function describe (err: unknown) {
  if (err instanceof CodedError) return { code: err.code, message: err.message }
  return { code: 'INTERNAL', message: 'Internal error' }
}

function required (name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required`)
  return value
}
