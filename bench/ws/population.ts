import { randomUUID } from 'node:crypto'
import type { SocketPlan } from './ipc.js'

/** C conversations of M sockets each. */
export interface Shape {
  name: string
  conversations: number
  membersPerConversation: number
}

export const SHAPES: Record<string, Shape> = {
  '500x2': { name: '500x2', conversations: 500, membersPerConversation: 2 },
  '100x20': { name: '100x20', conversations: 100, membersPerConversation: 20 }
}

export function parseShape (name: string): Shape {
  const known = SHAPES[name]
  if (known) return known

  const match = /^(\d+)x(\d+)$/.exec(name)
  if (!match) throw new Error(`unknown shape ${name}: use CxM, e.g. 500x2`)
  return { name, conversations: Number(match[1]), membersPerConversation: Number(match[2]) }
}

export interface BenchConversation {
  id: string
  companyId: string
  candidateId: string
}

export interface BenchSocket {
  userId: string
  conversationId: string
  /** Position within the conversation: decides the instance in a cluster. */
  member: number
}

/**
 * Users, conversations and sockets for a shape. A product conversation has
 * exactly two participants, so M sockets of a conversation belong half to
 * its company user and half to its candidate (several tabs each).
 */
export interface Population {
  shape: Shape
  conversations: BenchConversation[]
  users: Array<{ id: string, role: 'company' | 'candidate' }>
  sockets: BenchSocket[]
}

export function populate (shape: Shape): Population {
  const conversations: BenchConversation[] = []
  const users: Population['users'] = []
  const sockets: BenchSocket[] = []

  for (let c = 0; c < shape.conversations; c++) {
    const conversation = {
      id: randomUUID(),
      companyId: `bench-co-${c}`,
      candidateId: `bench-ca-${c}`
    }
    conversations.push(conversation)
    users.push({ id: conversation.companyId, role: 'company' })
    users.push({ id: conversation.candidateId, role: 'candidate' })

    for (let m = 0; m < shape.membersPerConversation; m++) {
      const userId = m % 2 === 0 ? conversation.companyId : conversation.candidateId
      sockets.push({ userId, conversationId: conversation.id, member: m })
    }
  }

  return { shape, conversations, users, sockets }
}

/** One plan per socket; member m of a conversation connects to urls[m % urls.length]. */
export function planSockets (
  population: Population,
  urls: string[],
  tokenOf: (user: { id: string, role: string }) => string
): SocketPlan[] {
  const roles = new Map(population.users.map((user) => [user.id, user.role]))
  const tokens = new Map<string, string>()

  return population.sockets.map((socket) => {
    let token = tokens.get(socket.userId)
    if (token === undefined) {
      token = tokenOf({ id: socket.userId, role: roles.get(socket.userId) ?? 'candidate' })
      tokens.set(socket.userId, token)
    }

    return {
      userId: socket.userId,
      token,
      url: urls[socket.member % urls.length],
      conversationIds: [socket.conversationId]
    }
  })
}
