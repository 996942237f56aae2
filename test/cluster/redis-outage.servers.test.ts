import { test } from 'tap'
import { startCluster, type ClusterNode } from '../helpers/cluster.js'
import { OwnRedis } from '../helpers/redis-server.js'
import { sleep, waitFor } from '../helpers/wait.js'
import type { TestSocket } from '../helpers/ws-client.js'

/*
 * Redis dies in the middle of a stream of sends on two instances and comes
 * back empty. Each instance keeps serving its own sockets meanwhile, and
 * once Redis is back everything committed in between reaches every socket
 * that stayed connected, with no duplicate and in order.
 */
test('Redis killed mid-stream and restarted: no send fails, nothing is lost or doubled', async (t) => {
  const redis = await OwnRedis.start(t)
  const cluster = await startCluster(t, { redisUrl: redis.url, env: { WS_SEND_LIMIT: '1000' } })
  const [i1, i2] = cluster.nodes
  const { conversationId } = await cluster.setupS()

  const a = await i1.joined(t, 'coA', conversationId)
  const k = await i2.joined(t, 'k1', conversationId)
  const seqs = (socket: TestSocket) => socket.messages(conversationId).map((f) => f.message.seq)
  const ready = async (node: ClusterNode) => (await node.call(null, 'GET', '/ready')).body
  const health = async (node: ClusterNode) => (await node.call(null, 'GET', '/api/websocket/health')).body

  // Both users send every 50 ms, by socket and over HTTP, until told to stop.
  let streaming = true
  const failures: string[] = []
  let sent = 0
  const stream = async (sender: 'coA' | 'k1', socket: TestSocket, node: ClusterNode) => {
    for (let i = 0; streaming; i++) {
      const clientMsgId = `${sender}-${i}`
      const answer = i % 2 === 0
        ? await socket.request({ type: 'send', conversationId, content: clientMsgId, clientMsgId })
        : await node.call(sender, 'POST', `/api/conversations/${conversationId}/messages`,
          { content: clientMsgId, clientMsgId })
      const failed = 'type' in answer ? answer.type !== 'ack' : answer.status !== 201
      if (failed) failures.push(`${clientMsgId}: ${JSON.stringify(answer)}`)
      sent++
      await sleep(50)
    }
  }
  const streams = Promise.all([stream('coA', a, i1), stream('k1', k, i2)])

  await waitFor('a few sends before the outage', () => sent >= 10)
  await redis.stop()
  const sentBefore = sent
  await waitFor('both instances report Redis down', async () =>
    (await ready(i1)).redis === 'down' && (await ready(i2)).redis === 'down')
  t.same(await ready(i1), { status: 'degraded', postgres: 'up', redis: 'down' })
  t.match(await health(i2), { status: 'degraded', broker: 'redis', brokerConnected: false })
  await waitFor('sends during the outage', () => sent >= sentBefore + 10)
  t.same((await i1.call('adm', 'GET', '/api/websocket/online-users')).body.items, [{ userId: 'coA' }],
    'presence falls back to the instance\'s own users')

  await redis.restart()
  await waitFor('both instances report Redis up', async () =>
    (await ready(i1)).redis === 'up' && (await ready(i2)).redis === 'up', 15_000)
  t.same(await ready(i2), { status: 'ok', postgres: 'up', redis: 'up' })
  t.match(await health(i1), { status: 'ok', broker: 'redis', brokerConnected: true })
  const sentAfterRestart = sent
  await waitFor('sends after Redis is back', () => sent >= sentAfterRestart + 10)
  streaming = false
  await streams

  t.same(failures, [], 'every send acknowledged while Redis was away')
  const { body: page } = await i1.call('coA', 'GET', `/api/conversations/${conversationId}`)
  const total = page.lastSeq
  t.equal(total, sent, 'every send stored once')
  const all = Array.from({ length: total }, (_, i) => i + 1)

  for (const [name, socket] of [['coA on I1', a], ['k1 on I2', k]] as const) {
    await socket.count((f) => f.type === 'message', total, 10_000)
    await socket.barrier()
    t.same(seqs(socket), all, `${name} stayed connected and has 1..${total} once each, in order`)

    const replay = await socket.ok({ type: 'join', conversationId, afterSeq: total })
    t.equal(replay.lastSeq, total, `${name} rejoins with afterSeq: nothing left to replay`)
    await socket.barrier()
    t.same(seqs(socket), all)
  }

  const live = await a.ok({ type: 'send', conversationId, content: 'after', clientMsgId: 'after-1' })
  const echoed = await k.next((f) => f.type === 'message' && f.message.seq === live.message.seq)
  t.equal(echoed.message.content, 'after', 'cross-instance delivery resumed by itself')

  for (const node of [i1, i2]) {
    const lines = node.server.output().split('\n').filter((line) => line.includes('redis unreachable'))
    t.equal(lines.length, 1, `${node.instanceId} logs the outage once`)
  }
})
