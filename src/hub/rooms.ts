import type { FastifyBaseLogger } from 'fastify'
import { channels, type Broker } from '../broker/broker.js'
import type { ConversationMembers } from '../chat/conversation-access.js'
import type { ChannelSubscriptions } from './channels.js'
import type { Connection, JoinState } from './connection.js'
import type { MembershipEvent } from './hub-events.js'
import type { ConversationMembership } from './membership.js'
import { Room, type RoomDeps } from './room.js'

export interface RoomsDeps extends RoomDeps {
  broker: Broker
  channels: ChannelSubscriptions
  membership: ConversationMembership
  log: FastifyBaseLogger
  /** The conversation's last seq, read after its channel is subscribed. */
  lastSeq(conversationId: string): Promise<number>
}

/**
 * The rooms open on this instance. A room exists while a socket here is
 * joined to its conversation (or joining it) and holds the conversation's
 * broker channel meanwhile. Joining and leaving update the cluster-wide
 * membership and announce `joined`/`left` on its transitions.
 */
export class Rooms {
  private readonly rooms = new Map<string, Room>()
  private readonly byParticipant = new Map<string, Set<Room>>()

  constructor (private readonly deps: RoomsDeps) {}

  get (conversationId: string): Room | undefined {
    return this.rooms.get(conversationId)
  }

  /** Rooms of conversations the user takes part in (for presence). */
  withParticipant (userId: string): Iterable<Room> {
    return this.byParticipant.get(userId) ?? []
  }

  get size (): number {
    return this.rooms.size
  }

  all (): Iterable<Room> {
    return this.rooms.values()
  }

  /** The conversation's room, started; stays open until release(). */
  async hold (members: ConversationMembers): Promise<Room> {
    let room = this.rooms.get(members.conversationId)
    if (!room) room = this.create(members)
    room.holds++

    try {
      await room.opened
    } catch (err) {
      this.release(room)
      throw err
    }
    return room
  }

  release (room: Room): void {
    room.holds--
    this.closeIfEmpty(room)
  }

  /** Adds a joined socket; announces the user's first join in the cluster. */
  async join (room: Room, conn: Connection, join: JoinState): Promise<void> {
    conn.joined.set(room.conversationId, join)
    if (!room.add(conn, join)) return

    const first = await this.deps.membership.add(room.conversationId, conn.userId)
    if (first) this.announce('joined', room, conn)
  }

  /** Removes a socket; announces the user's last leave in the cluster. */
  async leave (room: Room, conn: Connection): Promise<void> {
    conn.joined.delete(room.conversationId)
    const last = room.remove(conn)
    this.closeIfEmpty(room)
    if (!last) return

    const gone = await this.deps.membership.remove(room.conversationId, conn.userId)
    if (gone) this.announce('left', room, conn)
  }

  private create (members: ConversationMembers): Room {
    const room = new Room(members, this.deps)
    this.rooms.set(room.conversationId, room)
    for (const userId of [members.companyId, members.candidateId]) {
      const rooms = this.byParticipant.get(userId) ?? new Set<Room>()
      rooms.add(room)
      this.byParticipant.set(userId, rooms)
    }

    room.opened = this.open(room)
    // A failed start is reported to the joins waiting on it, not here.
    room.opened.catch(() => {})
    return room
  }

  private async open (room: Room): Promise<void> {
    await this.deps.channels.acquire(channels.conversation(room.conversationId))
    room.start(await this.deps.lastSeq(room.conversationId))
  }

  private closeIfEmpty (room: Room): void {
    if (!room.empty || room.closed) return

    room.close()
    const { conversationId } = room
    if (this.rooms.get(conversationId) === room) this.rooms.delete(conversationId)
    for (const userId of [room.members.companyId, room.members.candidateId]) {
      const rooms = this.byParticipant.get(userId)
      rooms?.delete(room)
      if (rooms?.size === 0) this.byParticipant.delete(userId)
    }
    this.deps.channels.release(channels.conversation(room.conversationId))
  }

  private announce (type: MembershipEvent['type'], room: Room, conn: Connection): void {
    const { conversationId } = room
    const event: MembershipEvent = { type, conversationId, userId: conn.userId }
    this.deps.broker.publish(channels.conversation(conversationId), event)
  }
}
