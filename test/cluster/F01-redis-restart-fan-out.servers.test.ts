import { test } from 'tap'
import { startCluster, type ClusterNode } from '../helpers/cluster.js'
import { OwnRedis } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'

/*
 * F01: Redis restart silently stops cross-instance fan-out (subscriptions
 * not restored, or restored twice). Redis is a server of the test's own,
 * stopped and started again empty on the same port.
 */
test('F01: after Redis restarts empty, fan-out resumes once per message, in order', async (t) => {
  const redis = await OwnRedis.start(t)
  const cluster = await startCluster(t, { redisUrl: redis.url })
  const [i1, i2] = cluster.nodes
  const { conversationId: C } = await cluster.setupS()

  // Step 2.
  const a = await i1.joined(t, 'coA', C)
  const k = await i2.socket(t, 'k1')
  const joined = await k.ok({ type: 'join', conversationId: C })
  const n = joined.lastSeq + 1

  // Step 3.
  const before = await a.ok({ type: 'send', conversationId: C, content: 'before', clientMsgId: 'b01-1' })
  t.equal(before.message.seq, n)
  await k.next((f) => isMessage(f, n), 2000)

  // Steps 4 and 5: the send happens while Redis is down.
  await redis.stop()
  const duringFrame = { type: 'send', conversationId: C, content: 'during', clientMsgId: 'b01-2' }
  const during = await a.request(duringFrame, 2000)
  t.equal(during.type, 'ack', 'step 5 is acked within 2 s')
  t.equal(during.result.message.seq, n + 1, 'PostgreSQL commits without Redis')
  await sleep(3000)
  await redis.restart()

  // Step 6.
  const ready = async (node: ClusterNode) => (await node.call(null, 'GET', '/ready')).body.redis === 'up'
  await waitFor('both instances report Redis up', async () => await ready(i1) && await ready(i2), 15_000)
  const back = Date.now()

  // Step 7.
  const after = await a.ok({ type: 'send', conversationId: C, content: 'after', clientMsgId: 'b01-3' })
  t.equal(after.message.seq, n + 2)
  await k.next((f) => isMessage(f, n + 2), 2000)
  const reply = await k.ok({ type: 'send', conversationId: C, content: 'reply', clientMsgId: 'b01-4' })
  t.equal(reply.message.seq, n + 3)
  await a.next((f) => isMessage(f, n + 3), 2000)

  await Promise.all([a.barrier(), k.barrier(), sleep(500)])
  t.same(liveSeqs(a), [n, n + 1, n + 2, n + 3], 'a: each message once, in increasing seq')
  t.same(liveSeqs(k), [n, n + 1, n + 2, n + 3], 'k: n+1 caught up from PostgreSQL before n+2, each once')

  // Step 8.
  const framesBefore = k.frames.length
  const rejoined = await k.ok({ type: 'join', conversationId: C, afterSeq: n })
  t.equal(rejoined.truncated, false)
  await k.barrier()
  const replay = k.frames.slice(framesBefore)
    .filter((f) => f.type === 'message').map((f) => f.message.seq)
  t.same(replay, [n + 1, n + 2, n + 3], 'step 8 replays n+1..n+3 once each, in order')

  // Step 9, within 30 s of Redis coming back.
  const remaining = 30_000 - (Date.now() - back)
  const online = await waitFor('presence rebuilt', async () => {
    const { body } = await i1.call('adm', 'GET', '/api/websocket/online-users')
    return body.total === 2 ? body.items : null
  }, remaining)
  t.same(online, [{ userId: 'coA' }, { userId: 'k1' }])
  const stats = await waitFor('stats rebuilt', async () => {
    const { body } = await i1.call('adm', 'GET', '/api/websocket/stats')
    return body.totalSockets === 2 && body.instances.length === 2 ? body : null
  }, 30_000 - (Date.now() - back))
  t.same(stats.instances.map((s: Frame) => [s.instanceId, s.totalSockets]), [['I1', 1], ['I2', 1]],
    'one socket per instance')
  t.equal(stats.connectedUsers, 2)
})

function isMessage (frame: Frame, seq: number): boolean {
  return frame.type === 'message' && frame.message.seq === seq
}

// Message frames before any rejoin: what the socket got live.
function liveSeqs (socket: TestSocket): number[] {
  return socket.frames.filter((f) => f.type === 'message').map((f) => f.message.seq)
}
