import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import { test } from 'tap'
import { RedisSendBudget } from '../../src/cluster/redis-send-budget.js'
import { RedisLink } from '../../src/redis/link.js'
import { independentClient, OwnRedis, redisUrlForTest } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'

interface Teardown { teardown(fn: () => unknown): void }

const log = Fastify({ logger: false }).log

/** One instance's budget with its own connection to Redis. */
async function startBudget (
  t: Teardown, url: string, prefix: string, limit: number, windowMs?: number
) {
  const link = new RedisLink({ url, prefix, log })
  t.teardown(async () => { await link.close() })
  await link.waitUntilUp(5000)
  return { link, budget: new RedisSendBudget({ link, limit, windowMs }) }
}

const newPrefix = () => `t${randomBytes(4).toString('hex')}:`

test('two instances share one budget per user', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const one = await startBudget(t, url, prefix, 20)
  const two = await startBudget(t, url, prefix, 20)
  const witness = independentClient(t, url)

  const grants = await Promise.all(Array.from({ length: 20 }, async (_, i) =>
    await (i % 2 === 0 ? one : two).budget.take('coA')))
  const overOne = await one.budget.take('coA')
  const overTwo = await two.budget.take('coA')
  const otherUser = await two.budget.take('coB')

  t.ok(grants.every((grant) => grant.allowed), 'the first 20 are granted')
  t.equal(overOne.allowed, false)
  t.equal(overTwo.allowed, false)
  for (const refused of [overOne, overTwo]) {
    const retryAfterMs = refused.allowed ? 0 : refused.retryAfterMs
    t.ok(retryAfterMs > 0 && retryAfterMs <= 10_000, `retryAfterMs ${retryAfterMs} in (0, 10000]`)
  }
  t.equal(otherUser.allowed, true, 'another user has a budget of their own')
  t.equal(await witness.zcard(`${prefix}budget:send:coA`), 20, 'the log lives in Redis')
  const ttl = await witness.pttl(`${prefix}budget:send:coA`)
  t.ok(ttl > 0 && ttl <= 10_000, 'the log expires with the window')
})

test('a refund gives the send back on every instance', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const one = await startBudget(t, url, prefix, 2)
  const two = await startBudget(t, url, prefix, 2)
  const witness = independentClient(t, url)

  const first = await one.budget.take('k1')
  await two.budget.take('k1')
  t.equal((await two.budget.take('k1')).allowed, false)
  if (first.allowed) await one.budget.refund('k1', first.token)

  t.equal(await witness.zcard(`${prefix}budget:send:k1`), 1)
  t.equal((await two.budget.take('k1')).allowed, true)
  t.equal((await one.budget.take('k1')).allowed, false)
})

test('the window slides: sends older than the window no longer count', async (t) => {
  const url = await redisUrlForTest(t)
  const one = await startBudget(t, url, newPrefix(), 2, 300)

  await one.budget.take('k1')
  await sleep(150)
  await one.budget.take('k1')
  const refused = await one.budget.take('k1')
  await waitFor('the first send to leave the window', async () => (await one.budget.take('k1')).allowed)
  const refusedAgain = await one.budget.take('k1')

  t.equal(refused.allowed, false)
  t.equal(refusedAgain.allowed, false, 'only the expired send was freed')
})

test('with Redis away the instance counts on its own, then Redis is used again', async (t) => {
  const redis = await OwnRedis.start(t)
  const prefix = newPrefix()
  const one = await startBudget(t, redis.url, prefix, 3)
  await one.budget.take('k1')
  await redis.stop()
  await waitFor('the link notices', () => !one.link.up)

  const takes = async () => await Promise.all([1, 2, 3, 4].map(async () => await one.budget.take('k1')))
  const outcome = await Promise.race([takes(), sleep(5000).then(() => 'hung' as const)])
  t.not(outcome, 'hung', 'no send waits for Redis')
  const local = outcome === 'hung' ? [] : outcome
  t.same(local.map((grant) => grant.allowed), [true, true, true, false],
    'the local budget applies the same limit')
  const first = local[0]
  if (first?.allowed) await one.budget.refund('k1', first.token)
  t.equal((await one.budget.take('k1')).allowed, true, 'a local refund goes back to the local budget')

  await redis.restart()
  await waitFor('the link is back', () => one.link.up, 10_000)
  const witness = redis.client(t)

  const granted = await one.budget.take('k1')
  t.equal(granted.allowed, true, 'Redis lost its log, so the budget starts afresh there')
  t.equal(await witness.zcard(`${prefix}budget:send:k1`), 1, 'counted in Redis again')
})
