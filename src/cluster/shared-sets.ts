import type { Redis } from 'ioredis'
import type { RedisLink } from '../redis/link.js'
import type { LuaScript } from '../redis/lua-script.js'
import { ADD, REMOVE, SYNC } from './shared-sets-lua.js'

/** Key names of one namespace; see shared-sets-lua.ts for their layout. */
export interface SharedSetsNames {
  inst: string
  global: string
  groups: string
  seen: string
}

export interface MemberChange {
  group: string
  member: string
}

export interface SyncResult {
  ups: MemberChange[]
  downs: MemberChange[]
}

/**
 * Groups of members held by instances, cluster-wide: a member belongs to a
 * group while at least one instance holds it there. This instance's share
 * is also kept in process, to answer while Redis is away and to write the
 * share back when it returns.
 */
export class SharedSets {
  /** Set when Redis may not hold this instance's share as it is here. */
  dirty = false
  private readonly held = new Map<string, Set<string>>()
  private readonly namespaceArgs: string[]

  constructor (
    private readonly link: RedisLink,
    private readonly instanceId: string,
    readonly names: SharedSetsNames
  ) {
    this.namespaceArgs = [names.inst, names.global, names.groups, names.seen]
  }

  /** True when the member was in the group nowhere before. */
  async add (group: string, member: string): Promise<boolean> {
    const members = this.held.get(group) ?? new Set<string>()
    if (members.has(member)) return false
    members.add(member)
    this.held.set(group, members)

    const reply = await this.run(ADD, [this.instanceId, field(group, member)])
    return reply === undefined ? true : reply === 1
  }

  /** True when no instance holds the member in the group any more. */
  async remove (group: string, member: string, now: string): Promise<boolean> {
    const members = this.held.get(group)
    if (!members?.delete(member)) return false
    if (members.size === 0) this.held.delete(group)

    const reply = await this.run(REMOVE, [this.instanceId, field(group, member), now])
    return reply === undefined ? true : reply === 1
  }

  holdsLocally (group: string, member: string): boolean {
    return this.held.get(group)?.has(member) ?? false
  }

  async has (group: string, member: string): Promise<boolean> {
    if (this.holdsLocally(group, member)) return true

    const key = this.names.global + group
    const reply = await this.query(async (redis) => await redis.hexists(key, member))
    return reply === 1
  }

  /** The given members that are in the group, in the order given. */
  async present (group: string, members: readonly string[]): Promise<string[]> {
    if (members.length === 0) return []

    const key = this.names.global + group
    const reply = await this.query(async (redis) => await redis.hmget(key, ...members))
    const here = (member: string) => this.holdsLocally(group, member)
    if (reply === undefined) return members.filter(here)
    return members.filter((member, i) => reply[i] !== null || here(member))
  }

  async members (group: string): Promise<string[]> {
    const local = [...this.held.get(group) ?? []]
    const key = this.names.global + group
    const reply = await this.query(async (redis) => await redis.hkeys(key))
    return reply === undefined ? local : [...new Set([...reply, ...local])]
  }

  /** When the member last left its group (only for namespaces that keep it). */
  async lastSeen (member: string): Promise<string | undefined> {
    const key = this.names.seen
    const reply = await this.query(async (redis) => await redis.hget(key, member))
    return reply ?? undefined
  }

  /** Groups with at least one member anywhere (only for namespaces that keep them). */
  async groupCount (): Promise<number> {
    const reply = await this.query(async (redis) => await redis.scard(this.names.groups))
    return reply ?? this.held.size
  }

  /** Writes this instance's share back as it is here; the transitions it caused. */
  async sync (now: string): Promise<SyncResult> {
    const fields: string[] = []
    for (const [group, members] of this.held) {
      for (const member of members) fields.push(field(group, member))
    }

    this.dirty = false
    const reply = await this.run(SYNC, [this.instanceId, now, ...fields])
    if (reply === undefined) return { ups: [], downs: [] }

    const [ups, downs] = reply as [string[], string[]]
    return { ups: ups.map(parseField), downs: downs.map(parseField) }
  }

  /** Forgets this instance's share in process (the registry reaps it in Redis). */
  clear (): void {
    this.held.clear()
  }

  // A write Redis may have missed marks the share for the next sync.
  private async run (script: LuaScript, args: string[]): Promise<unknown> {
    if (this.link.command.status !== 'ready') {
      this.dirty = true
      return undefined
    }

    try {
      return await script.run(this.link.command, [], [...this.namespaceArgs, ...args])
    } catch {
      this.dirty = true
      return undefined
    }
  }

  private async query<T> (read: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (this.link.command.status !== 'ready') return undefined
    return await read(this.link.command).catch(() => undefined)
  }
}

function field (group: string, member: string): string {
  return `${group}|${member}`
}

export function parseField (value: string): MemberChange {
  const bar = value.indexOf('|')
  return { group: value.slice(0, bar), member: value.slice(bar + 1) }
}
