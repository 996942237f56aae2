import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import { test } from 'tap'
import type { BrokerEvent } from '../../src/broker/broker.js'
import { MemoryBroker } from '../../src/broker/memory-broker.js'
import { InstanceRegistry } from '../../src/cluster/instance-registry.js'
import { clusterKeys } from '../../src/cluster/keys.js'
import { announceMembership, RedisMembership } from '../../src/cluster/redis-membership.js'
import { announcePresence, RedisPresence } from '../../src/cluster/redis-presence.js'
import { SharedSets } from '../../src/cluster/shared-sets.js'
import { RedisLink } from '../../src/redis/link.js'
import { deleteKeys, independentClient, OwnRedis, redisUrlForTest } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'

interface Teardown { teardown(fn: () => unknown): void }

const log = Fastify({ logger: false }).log
const newPrefix = () => `t${randomBytes(4).toString('hex')}:`

/**
 * One instance's shared state as the cluster plugin wires it, with a short
 * heartbeat. Announcements go to an in-process broker whose events are kept.
 */
async function startInstance (t: Teardown, url: string, prefix: string, instanceId: string) {
  const link = new RedisLink({ url, prefix, log })
  await link.waitUntilUp(5000)
  const keys = clusterKeys(prefix)
  const presenceSets = new SharedSets(link, instanceId, keys.presence)
  const joinSets = new SharedSets(link, instanceId, keys.joins)
  const broker = new MemoryBroker()
  const announced: BrokerEvent[] = []
  broker.onEvent((_channel, event) => announced.push(event))
  await broker.subscribe('all')
  await broker.subscribe('conv:c1')

  const registry = new InstanceRegistry({ link, log, keys, instanceId, heartbeatMs: 200, ttlMs: 2000 })
  registry.register(presenceSets, announcePresence(broker))
  registry.register(joinSets, announceMembership(broker))
  await registry.start()

  t.teardown(async () => {
    await registry.close()
    await link.close()
    await deleteKeys(url, prefix)
  })

  return {
    link,
    registry,
    presence: new RedisPresence(presenceSets),
    membership: new RedisMembership(joinSets),
    announced,
    /** Drops every connection for good: no more heartbeats, as a killed process. */
    crash: async () => { await link.close() }
  }
}

test('presence: one transition each way cluster-wide, whatever the number of instances', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const a = await startInstance(t, url, prefix, 'a')
  const b = await startInstance(t, url, prefix, 'b')

  t.equal(await a.presence.connect('u1'), true, 'first instance: came online')
  t.equal(await b.presence.connect('u1'), false, 'second instance: already online')
  t.equal(await a.presence.connect('u1'), false, 'a repeated connect changes nothing')
  await b.presence.connect('u2')

  t.same(await a.presence.online(['u2', 'u3', 'u1']), ['u2', 'u1'])
  t.same(await b.presence.onlineUsers(), ['u1', 'u2'])
  t.same(await b.presence.status('u1'), { online: true, lastSeenAt: null })

  const first = await a.presence.disconnect('u1')
  t.equal(first.offline, false, 'still online on the other instance')
  t.same(await a.presence.status('u1'), { online: true, lastSeenAt: null })
  const last = await b.presence.disconnect('u1')
  t.equal(last.offline, true)
  t.same(await a.presence.status('u1'), { online: false, lastSeenAt: last.lastSeenAt })
  t.same(await a.presence.onlineUsers(), ['u2'])
  t.same(await b.presence.status('never-seen'), { online: false, lastSeenAt: null })

  t.same([...a.announced, ...b.announced], [], 'the hub announces these itself, not the registry')
})

test('membership: joined and left once cluster-wide, and rooms counted once', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const a = await startInstance(t, url, prefix, 'a')
  const b = await startInstance(t, url, prefix, 'b')

  t.equal(await a.membership.add('c1', 'k1'), true)
  t.equal(await b.membership.add('c1', 'k1'), false)
  t.equal(await b.membership.add('c1', 'coA'), true)
  t.equal(await b.membership.add('c2', 'coA'), true)

  t.equal(await a.membership.isJoined('c1', 'coA'), true, 'joined on another instance counts')
  t.equal(await a.membership.isJoined('c2', 'k1'), false)
  t.equal(await a.membership.conversationCount(), 2)

  t.equal(await b.membership.remove('c1', 'k1'), false)
  t.equal(await a.membership.remove('c1', 'k1'), true)
  t.equal(await b.membership.remove('c2', 'coA'), true)
  t.equal(await a.membership.conversationCount(), 1)
  t.equal(await b.membership.remove('c1', 'coA'), true)
  t.equal(await a.membership.conversationCount(), 0)

  const witness = independentClient(t, url)
  t.same(await witness.keys(`${prefix}joins:*`), [], 'nothing left behind')
})

test('a crashed instance is reaped once: its users go offline and leave, announced by one survivor', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const a = await startInstance(t, url, prefix, 'a')
  const b = await startInstance(t, url, prefix, 'b')
  const c = await startInstance(t, url, prefix, 'c')
  await a.presence.connect('k1')
  await a.presence.connect('coA')
  await b.presence.connect('coA')
  await a.membership.add('c1', 'k1')
  await b.membership.add('c1', 'coA')

  await a.crash()
  await waitFor('the survivors to notice', async () => !(await b.presence.status('k1')).online, 10_000)
  await sleep(300)

  const announced = [...b.announced, ...c.announced]
  t.equal(announced.length, 2, 'one announcement per transition, across both survivors')
  t.match(announced, [
    { type: 'presence', userId: 'k1', status: 'offline', lastSeenAt: String },
    { type: 'left', conversationId: 'c1', userId: 'k1' }
  ])
  t.same(await c.presence.onlineUsers(), ['coA'], 'coA still has a socket on b')
  t.equal(await c.membership.isJoined('c1', 'coA'), true)
  t.equal(await c.membership.conversationCount(), 1)
  const witness = independentClient(t, url)
  t.same(await witness.smembers(`${prefix}cluster:instances`).then((ids) => ids.sort()), ['b', 'c'])
})

test('a closing instance announces what it still held', async (t) => {
  const url = await redisUrlForTest(t)
  const prefix = newPrefix()
  const a = await startInstance(t, url, prefix, 'a')
  const b = await startInstance(t, url, prefix, 'b')
  await a.presence.connect('k1')
  await a.membership.add('c1', 'k1')

  await a.registry.close()

  t.match(a.announced, [
    { type: 'presence', userId: 'k1', status: 'offline' },
    { type: 'left', conversationId: 'c1', userId: 'k1' }
  ])
  t.same(await b.presence.onlineUsers(), [])
})

test('Redis restarted empty: each instance writes its share back, silently', async (t) => {
  const redis = await OwnRedis.start(t)
  const prefix = newPrefix()
  const a = await startInstance(t, redis.url, prefix, 'a')
  const b = await startInstance(t, redis.url, prefix, 'b')
  await a.presence.connect('coA')
  await b.presence.connect('k1')
  await a.membership.add('c1', 'coA')
  await b.membership.add('c1', 'k1')

  await redis.stop()
  await waitFor('the links notice', () => !a.link.up && !b.link.up)
  t.same(await a.presence.onlineUsers(), ['coA'], 'answers from its own users meanwhile')
  t.equal(await a.membership.isJoined('c1', 'coA'), true)
  t.equal(await a.membership.isJoined('c1', 'k1'), false, 'the other instance is out of sight')

  await redis.restart()
  await waitFor('presence rebuilt', async () =>
    (await a.presence.onlineUsers()).length === 2 && await a.membership.isJoined('c1', 'k1'), 10_000)

  t.same(await b.presence.onlineUsers(), ['coA', 'k1'])
  t.equal(await b.membership.conversationCount(), 1)
  t.same([...a.announced, ...b.announced], [], 'nothing changed for anyone, so nothing announced')
})

test('a slow Redis: answers come from the instance, the share is written back after', async (t) => {
  // CLIENT PAUSE stops every client of a server: never done to a shared one.
  const { url } = await OwnRedis.start(t)
  const prefix = newPrefix()
  const a = await startInstance(t, url, prefix, 'a')
  const b = await startInstance(t, url, prefix, 'b')
  await b.presence.connect('coA')
  const witness = independentClient(t, url)

  // Longer than a command's timeout, shorter than an instance's liveness.
  await witness.call('CLIENT', 'PAUSE', '200', 'WRITE')
  const connected = await a.presence.connect('k1')
  t.equal(connected, true, 'offline here before, so online as far as this instance knows')

  await waitFor('the share written back', async () =>
    (await b.presence.online(['k1'])).length === 1, 5000)
  await sleep(300)
  t.same([...a.announced, ...b.announced], [],
    'the timed-out write went through after all; the sync found nothing to announce')
  t.same(await witness.smembers(`${prefix}presence:inst:a`), ['|k1'])
  t.equal(await witness.hget(`${prefix}presence:online`, 'k1'), '1', 'counted once')
})
