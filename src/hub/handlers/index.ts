import type { ClientFrame } from '../client-frames.js'
import type { Connection } from '../connection.js'
import type { Hub } from '../hub.js'
import { handleAuth } from './auth.js'
import { handleJoin } from './join.js'
import { handleLeave } from './leave.js'
import { handlePing } from './ping.js'
import { handleRead } from './read.js'
import { handleSend } from './send.js'
import { handleTyping } from './typing.js'

/** Runs a validated frame of a ready socket; a thrown AppError becomes its `error`. */
export async function handleFrame (hub: Hub, conn: Connection, frame: ClientFrame) {
  switch (frame.type) {
    case 'auth': return handleAuth(hub, conn, frame)
    case 'join': return await handleJoin(hub, conn, frame)
    case 'leave': return await handleLeave(hub, conn, frame)
    case 'send': return await handleSend(hub, conn, frame)
    case 'typing': return await handleTyping(hub, conn, frame)
    case 'read': return await handleRead(hub, conn, frame)
    case 'ping': return handlePing(hub, conn, frame)
  }
}
