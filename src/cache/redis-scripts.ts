import { LuaScript } from '../redis/lua-script.js'

/*
 * The cache's atomic steps, each one round trip. Cached keys and their index
 * sets are named inside the scripts; every name is under CACHE_PREFIX, built
 * by the caller.
 */

/** KEYS: entry, [generation]. Returns {value, pttl, generation}. */
export const lookupScript = new LuaScript(`
local value = redis.call('GET', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local generation = false
if KEYS[2] then generation = redis.call('GET', KEYS[2]) end
return {value, ttl, generation}
`)

/*
 * KEYS: entry, index, generation. ARGV: value, ttl ms, expected generation
 * ('' when none). Skips the store when the scope was invalidated meanwhile;
 * the index lives as long as its longest-lived entry.
 */
export const storeScript = new LuaScript(`
local current = redis.call('GET', KEYS[3]) or ''
if current ~= ARGV[3] then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('SADD', KEYS[2], KEYS[1])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
`)

/*
 * KEYS: index, generation, index, generation, ... ARGV: generation ttl ms.
 * Deletes every key listed in each index, the index itself, and bumps the
 * generation so that a response computed before now is not stored.
 */
export const invalidateScript = new LuaScript(`
local deleted = 0
for i = 1, #KEYS, 2 do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    deleted = deleted + redis.call('UNLINK', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('UNLINK', KEYS[i])
  redis.call('INCR', KEYS[i + 1])
  redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
end
return deleted
`)
