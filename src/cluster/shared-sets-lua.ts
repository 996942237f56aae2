import { LuaScript } from '../redis/lua-script.js'

/*
 * Cluster-wide sets with a share per instance, kept in Redis by atomic
 * scripts, so each transition (a member's first holder appearing, its last
 * holder leaving) is seen by exactly one caller.
 *
 * A namespace is four ARGV entries:
 *   inst   prefix of each instance's share: a SET of "group|member" fields
 *   global prefix of each group's HASH member -> number of instances holding it
 *   groups a SET of the groups with at least one member ('' to keep none)
 *   seen   a HASH member -> when it last left its group ('' to keep none)
 * Group ids never contain '|'. Keys are derived inside the scripts, which
 * suits the single Redis the service runs on (not Redis Cluster).
 */
const COMMON = `
local function namespace (at)
  return {
    inst = ARGV[at], global = ARGV[at + 1], groups = ARGV[at + 2], seen = ARGV[at + 3]
  }
end

local function split (field)
  local bar = string.find(field, '|', 1, true)
  return string.sub(field, 1, bar - 1), string.sub(field, bar + 1)
end

local function up (ns, field)
  local group, member = split(field)
  local key = ns.global .. group
  if redis.call('HINCRBY', key, member, 1) ~= 1 then return false end

  if ns.groups ~= '' and redis.call('HLEN', key) == 1 then
    redis.call('SADD', ns.groups, group)
  end
  if ns.seen ~= '' then redis.call('HDEL', ns.seen, member) end
  return true
end

local function down (ns, field, now)
  local group, member = split(field)
  local key = ns.global .. group
  local left = redis.call('HINCRBY', key, member, -1)
  if left > 0 then return false end

  redis.call('HDEL', key, member)
  if ns.groups ~= '' and redis.call('EXISTS', key) == 0 then
    redis.call('SREM', ns.groups, group)
  end
  if left < 0 then return false end

  if ns.seen ~= '' then redis.call('HSET', ns.seen, member, now) end
  return true
end
`

/** ARGV: namespace, instance id, field. Returns 1 when the member is new everywhere. */
export const ADD = new LuaScript(`${COMMON}
local ns = namespace(1)
if redis.call('SADD', ns.inst .. ARGV[5], ARGV[6]) == 0 then return 0 end
return up(ns, ARGV[6]) and 1 or 0
`)

/** ARGV: namespace, instance id, field, now. Returns 1 when no holder is left. */
export const REMOVE = new LuaScript(`${COMMON}
local ns = namespace(1)
if redis.call('SREM', ns.inst .. ARGV[5], ARGV[6]) == 1 then
  return down(ns, ARGV[6], ARGV[7]) and 1 or 0
end

-- Redis lost this share (an outage, or the instance was reaped): the member
-- is gone everywhere unless another instance still holds it.
local group, member = split(ARGV[6])
return redis.call('HEXISTS', ns.global .. group, member) == 0 and 1 or 0
`)

/*
 * Makes an instance's share equal the given fields (after an outage, or
 * after Redis lost its data) and returns the transitions it caused:
 * { fields that appeared everywhere, fields that left everywhere }.
 * ARGV: namespace, instance id, now, field...
 */
export const SYNC = new LuaScript(`${COMMON}
local ns = namespace(1)
local inst = ns.inst .. ARGV[5]
local now = ARGV[6]
local wanted = {}
for i = 7, #ARGV do wanted[ARGV[i]] = true end

local ups, downs = {}, {}
for _, field in ipairs(redis.call('SMEMBERS', inst)) do
  if wanted[field] then
    wanted[field] = nil
  else
    redis.call('SREM', inst, field)
    if down(ns, field, now) then downs[#downs + 1] = field end
  end
end

for field in pairs(wanted) do
  redis.call('SADD', inst, field)
  if up(ns, field) then ups[#ups + 1] = field end
end

return { ups, downs }
`)

/*
 * Renews an instance's liveness and says whether its share may have been
 * lost: { 1 when the liveness key had expired or vanished, the data epoch }.
 * The epoch is a token written once; a new token means Redis lost its data.
 * ARGV: alive key, ttl ms, instances key, instance id, epoch key, new epoch.
 */
export const HEARTBEAT = new LuaScript(`
local previous = redis.call('SET', ARGV[1], '1', 'PX', ARGV[2], 'GET')
redis.call('SADD', ARGV[3], ARGV[4])

local epoch = redis.call('GET', ARGV[5])
if not epoch then
  epoch = ARGV[6]
  redis.call('SET', ARGV[5], epoch)
end

return { previous and 0 or 1, epoch }
`)

/*
 * Removes every instance whose liveness key expired, with its shares, and
 * returns { dead instance ids, then per namespace the fields that left
 * everywhere }. Atomic, so each departure is reported to one caller only.
 * ARGV: instances key, alive prefix, stats prefix, now, namespace...
 */
export const REAP = new LuaScript(`${COMMON}
local dead = {}
for _, id in ipairs(redis.call('SMEMBERS', ARGV[1])) do
  if redis.call('EXISTS', ARGV[2] .. id) == 0 then dead[#dead + 1] = id end
end

local result = { dead }
for at = 5, #ARGV, 4 do
  local ns = namespace(at)
  local downs = {}
  for _, id in ipairs(dead) do
    for _, field in ipairs(redis.call('SMEMBERS', ns.inst .. id)) do
      if down(ns, field, ARGV[4]) then downs[#downs + 1] = field end
    end
    redis.call('DEL', ns.inst .. id)
  end
  result[#result + 1] = downs
end

for _, id in ipairs(dead) do
  redis.call('SREM', ARGV[1], id)
  redis.call('DEL', ARGV[3] .. id)
end
return result
`)
