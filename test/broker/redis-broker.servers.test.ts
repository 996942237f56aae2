import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import { test } from 'tap'
import type { BrokerEvent } from '../../src/broker/broker.js'
import { RedisBroker } from '../../src/broker/redis-broker.js'
import { RedisLink } from '../../src/redis/link.js'
import { independentClient, OwnRedis, redisUrlForTest } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'

interface Teardown { teardown(fn: () => unknown): void }

const log = Fastify({ logger: false }).log

/** One instance's broker with its own connections; `seen` collects what its handlers got. */
async function startBroker (
  t: Teardown, url: string, prefix: string, instanceId: string, subscribeTimeoutMs?: number
) {
  const link = new RedisLink({ url, prefix, log })
  const broker = new RedisBroker({ link, log, instanceId, subscribeTimeoutMs })
  t.teardown(async () => {
    await broker.close()
    await link.close()
  })

  const seen: Array<{ channel: string, event: BrokerEvent }> = []
  broker.onEvent((channel, event) => seen.push({ channel, event }))
  const resyncs: number[] = []
  broker.onResync(() => resyncs.push(Date.now()))

  await waitFor('broker connected', () => broker.connected)
  return { link, broker, seen, resyncs }
}

const newPrefix = () => `t${randomBytes(4).toString('hex')}:`

test('a publication reaches this instance once and the other through Redis', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const one = await startBroker(t, url, prefix, 'one')
  const two = await startBroker(t, url, prefix, 'two')
  const witness = independentClient(t, url)
  const onWire: Array<{ channel: string, payload: string }> = []
  witness.on('message', (channel: string, payload: string) => onWire.push({ channel, payload }))
  await witness.subscribe(`${prefix}ch:conv:c1`)
  await one.broker.subscribe('conv:c1')
  await two.broker.subscribe('conv:c1')

  one.broker.publish('conv:c1', { type: 'message', seq: 1 })

  t.same(one.seen, [{ channel: 'conv:c1', event: { type: 'message', seq: 1 } }],
    'local handlers run synchronously, before publish returns')
  await waitFor('the other instance', () => two.seen.length === 1)
  t.same(two.seen, [{ channel: 'conv:c1', event: { type: 'message', seq: 1 } }])
  await waitFor('the independent reader', () => onWire.length === 1)
  t.equal(onWire[0].channel, `${prefix}ch:conv:c1`)
  t.ok(onWire[0].payload.startsWith(one.broker.origin), 'the payload carries the origin')
  t.same(JSON.parse(onWire[0].payload.slice(one.broker.origin.length)), { type: 'message', seq: 1 })

  // Publications from one connection reach a subscriber in order, so once
  // the second one arrives the first one's echo has been seen and dropped.
  two.broker.publish('conv:c1', { type: 'message', seq: 2 })
  await waitFor('the barrier', () => one.seen.length === 2)
  await sleep(50)
  t.same(one.seen.map((s) => s.event.seq), [1, 2], 'no echo of its own publication')
  t.same(two.seen.map((s) => s.event.seq), [1, 2])
  t.equal(onWire.length, 2, 'one PUBLISH per publication')
})

test('subscribe resolves once Redis has the subscription; unsubscribe removes it', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const one = await startBroker(t, url, prefix, 'one')
  const witness = independentClient(t, url)

  await one.broker.subscribe('conv:a')
  await one.broker.subscribe('user:u1')

  t.same(await witness.pubsub('NUMSUB', `${prefix}ch:conv:a`, `${prefix}ch:user:u1`),
    [`${prefix}ch:conv:a`, 1, `${prefix}ch:user:u1`, 1])
  t.equal(one.broker.subscriptionCount(), 2)

  await one.broker.unsubscribe('conv:a')
  await one.broker.unsubscribe('user:u1')

  t.same(await witness.pubsub('CHANNELS', `${prefix}*`), [])
  t.equal(one.broker.subscriptionCount(), 0)
})

test('events on a channel this instance does not want are not delivered', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const one = await startBroker(t, url, prefix, 'one')
  const two = await startBroker(t, url, prefix, 'two')
  await two.broker.subscribe('conv:b')

  one.broker.publish('conv:a', { type: 'message', seq: 1 })
  one.broker.publish('conv:b', { type: 'message', seq: 2 })

  await waitFor('the event on conv:b', () => two.seen.length === 1)
  t.same(one.seen, [], 'not subscribed locally either')
  t.same(two.seen, [{ channel: 'conv:b', event: { type: 'message', seq: 2 } }])
})

test('Redis restarted empty: every channel subscribed again exactly once, then resync', async (t) => {
  const redis = await OwnRedis.start(t)
  const prefix = newPrefix()
  const one = await startBroker(t, redis.url, prefix, 'one')
  const two = await startBroker(t, redis.url, prefix, 'two')
  await one.broker.subscribe('conv:a')
  await two.broker.subscribe('conv:a')
  await two.broker.subscribe('conv:b')
  t.same(two.resyncs.length, 1, 'the first connection counts as a restore')

  await redis.stop()
  await waitFor('both brokers notice', () => !one.broker.connected && !two.broker.connected)

  one.broker.publish('conv:a', { type: 'message', seq: 1 })
  t.same(one.seen.map((s) => s.event.seq), [1], 'still delivered on this instance')
  t.equal(one.broker.dropped, 1, 'dropped for Redis, not queued')
  await two.broker.subscribe('conv:c')
  await two.broker.unsubscribe('conv:b')
  t.equal(two.broker.subscriptionCount(), 2)

  await redis.restart()
  await waitFor('both brokers restored', () => one.broker.connected && two.broker.connected, 10_000)

  t.equal(two.resyncs.length, 2, 'resync ran once more')
  const witness = redis.client(t)
  t.same((await witness.pubsub('CHANNELS', `${prefix}*`) as string[]).sort(),
    [`${prefix}ch:conv:a`, `${prefix}ch:conv:c`])
  t.same(await witness.pubsub('NUMSUB', `${prefix}ch:conv:a`, `${prefix}ch:conv:c`),
    [`${prefix}ch:conv:a`, 2, `${prefix}ch:conv:c`, 1])

  one.broker.publish('conv:a', { type: 'message', seq: 2 })
  one.broker.publish('conv:c', { type: 'message', seq: 3 })
  await waitFor('delivery after restore', () => two.seen.length === 2)
  await sleep(100)
  t.same(two.seen.map((s) => [s.channel, s.event.seq]), [['conv:a', 2], ['conv:c', 3]],
    'each event once: no second subscription')
  t.same(one.seen.map((s) => s.event.seq), [1, 2])
})

test('subscribe does not wait while Redis is away', async (t) => {
  const redis = await OwnRedis.start(t)
  // A subscribe that waited for Redis would wait an hour here.
  const one = await startBroker(t, redis.url, newPrefix(), 'one', 3_600_000)
  await redis.stop()
  await waitFor('broker notices', () => !one.broker.connected)

  const steps = async () => {
    await one.broker.subscribe('conv:x')
    await one.broker.unsubscribe('conv:x')
    await one.broker.subscribe('conv:y')
    return 'answered'
  }
  const outcome = await Promise.race([steps(), sleep(5000).then(() => 'hung')])

  t.equal(outcome, 'answered')
  t.equal(one.broker.subscriptionCount(), 1)
})
