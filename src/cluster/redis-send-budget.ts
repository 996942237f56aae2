import { randomBytes } from 'node:crypto'
import { MemorySendBudget, type SendBudget } from '../chat/send-budget.js'
import { LuaScript } from '../redis/lua-script.js'
import type { RedisLink } from '../redis/link.js'

/*
 * Sliding-window log of one user's sends: a sorted set of send tokens scored
 * by the time they were taken. Redis' own clock is used, so instances whose
 * clocks differ still share one window.
 */
const TAKE = new LuaScript(`
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + window - now)}
end

redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`)

// Tokens of the fallback budget carry this mark, so a refund goes back to
// the budget that granted the send.
const LOCAL_MARK = 'local:'

export interface RedisSendBudgetOptions {
  link: RedisLink
  limit: number
  windowMs?: number
}

/**
 * The send budget of a user across every instance. While Redis is
 * unreachable each instance counts on its own, without waiting.
 */
export class RedisSendBudget implements SendBudget {
  private readonly link: RedisLink
  private readonly limit: number
  private readonly windowMs: number
  private readonly fallback: MemorySendBudget
  private readonly tokenPrefix = `${randomBytes(6).toString('hex')}:`
  private counter = 0

  constructor (options: RedisSendBudgetOptions) {
    this.link = options.link
    this.limit = options.limit
    this.windowMs = options.windowMs ?? 10_000
    this.fallback = new MemorySendBudget(this.limit, this.windowMs)
  }

  async take (userId: string) {
    if (this.link.command.status !== 'ready') return await this.takeLocally(userId)

    const token = this.tokenPrefix + String(++this.counter)
    let reply: unknown
    try {
      const args = [this.limit, this.windowMs, token]
      reply = await TAKE.run(this.link.command, [this.key(userId)], args)
    } catch {
      return await this.takeLocally(userId)
    }

    const [allowed, retryAfterMs] = reply as [number, number]
    if (allowed === 1) return { allowed: true as const, token }
    return { allowed: false as const, retryAfterMs }
  }

  async refund (userId: string, token: string) {
    if (token.startsWith(LOCAL_MARK)) {
      await this.fallback.refund(userId, token.slice(LOCAL_MARK.length))
      return
    }

    // A refund lost to an outage only leaves the user one send short until
    // the window moves on.
    await this.link.command.zrem(this.key(userId), token).catch(() => {})
  }

  private async takeLocally (userId: string) {
    const grant = await this.fallback.take(userId)
    if (!grant.allowed) return grant
    return { allowed: true as const, token: LOCAL_MARK + grant.token }
  }

  private key (userId: string): string {
    return `${this.link.prefix}budget:send:${userId}`
  }
}
