import { test } from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { independentClient, redisUrlForTest } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait.js'
import type { Frame, TestSocket } from '../helpers/ws-client.js'

/*
 * Two instances as separate processes on one PostgreSQL and one Redis
 * (REDIS_URL, or a redis-server of the test's own): they act as one service.
 */
test('two instances act as one service', async (t) => {
  const redisUrl = await redisUrlForTest(t)
  const cluster = await startCluster(t, { redisUrl })
  const [i1, i2] = cluster.nodes
  const { conversationId } = await cluster.setupS()
  const witness = independentClient(t, redisUrl)

  const seqs = (socket: TestSocket) => socket.messages(conversationId).map((f) => f.message.seq)
  const noSockets = async () => await waitFor('every user offline', async () =>
    (await i1.call('adm', 'GET', '/api/websocket/online-users')).body.total === 0, 10_000)

  t.test('a message sent anywhere, by socket or HTTP, reaches every joined socket once, in order', async (t) => {
    const sockets = [
      await i1.joined(t, 'coA', conversationId),
      await i2.joined(t, 'coA', conversationId),
      await i1.joined(t, 'k1', conversationId),
      await i2.joined(t, 'k1', conversationId)
    ]
    const [a1, , k1, k2] = sockets

    const sends: Array<Promise<unknown>> = []
    for (let i = 0; i < 4; i++) {
      sends.push(a1.ok({ type: 'send', conversationId, content: `a1 ${i}`, clientMsgId: `ti-a1-${i}` }))
      sends.push(k2.ok({ type: 'send', conversationId, content: `k2 ${i}`, clientMsgId: `ti-k2-${i}` }))
      sends.push(i1.call('coA', 'POST', `/api/conversations/${conversationId}/messages`,
        { content: `http a ${i}`, clientMsgId: `ti-ha-${i}` }))
      sends.push(i2.call('k1', 'POST', `/api/conversations/${conversationId}/messages`,
        { content: `http k ${i}`, clientMsgId: `ti-hk-${i}` }))
    }
    await Promise.all(sends)

    const all = Array.from({ length: 16 }, (_, i) => i + 1)
    for (const socket of sockets) {
      await socket.count((f) => f.type === 'message', 16)
      await socket.barrier()
    }
    await k1.barrier()
    for (const [i, socket] of sockets.entries()) {
      t.same(seqs(socket), all, `socket ${i}: 1..16 once each, in order`)
    }
    t.same(sockets.map((s) => s.frames.filter((f) => f.type === 'notification').length), [0, 0, 0, 0],
      'no notification for users with a socket joined')
  })

  t.test('presence and joins are announced once per transition, cluster-wide', async (t) => {
    await noSockets()
    const a = await i1.joined(t, 'coA', conversationId)
    const presence = () => a.frames.filter((f) => f.type === 'presence')
    const joins = () => a.frames.filter((f) => f.type === 'joined' || f.type === 'left')

    const k2 = await i2.joined(t, 'k1', conversationId)
    await a.count((f) => f.type === 'joined', 1)
    const k1 = await i1.joined(t, 'k1', conversationId)
    const opened = await a.ok({ type: 'join', conversationId })
    t.same(opened.online, ['k1'], 'the join ack lists k1 online, connected elsewhere')

    k2.close()
    await k2.closed
    await waitFor('k1 counted on I1 alone', async () =>
      (await i2.call('adm', 'GET', '/api/websocket/stats')).body.instances
        .find((s: Frame) => s.instanceId === 'I2')?.totalSockets === 0)
    await a.barrier()
    t.same(presence().map((f) => f.status), ['online'], 'a second socket elsewhere is no transition')
    t.same(joins().map((f) => f.type), ['joined'])

    k1.close()
    const offline = await a.next((f) => f.type === 'presence' && f.status === 'offline')
    await a.next((f) => f.type === 'left')
    await a.barrier()
    t.same(presence().map((f) => [f.userId, f.status]), [['k1', 'online'], ['k1', 'offline']])
    t.same(joins().map((f) => [f.type, f.userId]), [['joined', 'k1'], ['left', 'k1']])
    t.ok(typeof offline.lastSeenAt === 'string' && !Number.isNaN(Date.parse(offline.lastSeenAt)))
    const status = await i2.call('coA', 'GET', '/api/websocket/user/k1/status')
    t.same(status.body, { userId: 'k1', online: false, lastSeenAt: offline.lastSeenAt })
  })

  t.test('stats, online users and user status agree on both instances', async (t) => {
    await noSockets()
    await i1.joined(t, 'coA', conversationId)
    await i1.socket(t, 'coA')
    await i2.joined(t, 'k1', conversationId)
    await i2.socket(t, 'k2')

    const expected = {
      connectedUsers: 3,
      totalSockets: 4,
      rooms: 1,
      instances: [
        { instanceId: 'I1', connectedUsers: 1, totalSockets: 2, rooms: 1 },
        { instanceId: 'I2', connectedUsers: 2, totalSockets: 2, rooms: 1 }
      ]
    }
    for (const node of [i1, i2]) {
      const stats = await waitFor(`stats on ${node.instanceId}`, async () => {
        const { body } = await node.call('adm', 'GET', '/api/websocket/stats')
        return JSON.stringify(body) === JSON.stringify(expected) ? body : null
      })
      t.same(stats, expected, `stats on ${node.instanceId}`)

      const online = await node.call('adm', 'GET', '/api/websocket/online-users')
      t.same(online.body, {
        items: [{ userId: 'coA' }, { userId: 'k1' }, { userId: 'k2' }], page: 1, pageSize: 20, total: 3
      })
      const status = await node.call('coA', 'GET', '/api/websocket/user/k1/status')
      t.same(status.body, { userId: 'k1', online: true, lastSeenAt: null })
      t.equal((await node.call('coA', 'GET', '/api/websocket/user/k2/status')).status, 403,
        'no shared conversation: refused')
    }
  })

  t.test('management actions on one instance reach the sockets on the other', async (t) => {
    await noSockets()
    const a = await i1.joined(t, 'coA', conversationId)
    const kOn1 = await i1.socket(t, 'k1')
    const kOn2 = await i2.socket(t, 'k1')
    const other = await i2.socket(t, 'k2')

    const sent = await i2.call('adm', 'POST', '/api/websocket/send-to-user',
      { userId: 'k1', payload: { n: 1 } })
    t.same(sent.body, { userId: 'k1', online: true })
    for (const socket of [kOn1, kOn2]) {
      t.same((await socket.next((f) => f.type === 'broadcast')).payload, { n: 1 })
    }

    await i2.call('adm', 'POST', '/api/websocket/broadcast', { payload: { n: 2 }, conversationId })
    t.same((await a.next((f) => f.type === 'broadcast' && f.payload.n === 2)).payload, { n: 2 })

    await i1.call('adm', 'POST', '/api/websocket/broadcast', { payload: { n: 3 } })
    for (const socket of [a, kOn1, kOn2, other]) {
      await socket.next((f) => f.type === 'broadcast' && f.payload.n === 3)
    }
    await other.barrier()
    t.same(other.frames.filter((f) => f.type === 'broadcast').map((f) => f.payload.n), [3],
      'k2 got only the broadcast to everyone')

    const disconnected = await i1.call('adm', 'POST', '/api/websocket/disconnect-user', { userId: 'k1' })
    t.same(disconnected.body, { userId: 'k1', online: true })
    t.equal((await kOn1.closed).code, 4000)
    t.equal((await kOn2.closed).code, 4000)
    t.ok(a.isOpen && other.isOpen, 'other users keep their sockets')
  })

  t.test('every channel is released once every socket is gone', async (t) => {
    await noSockets()
    const sockets = [await i1.joined(t, 'coA', conversationId), await i2.joined(t, 'k1', conversationId)]
    const channels = async () => (await witness.pubsub('CHANNELS', `${cluster.prefix}*`) as string[]).sort()
    t.same(await channels(), [
      `${cluster.prefix}ch:all`,
      `${cluster.prefix}ch:conv:${conversationId}`,
      `${cluster.prefix}ch:user:coA`,
      `${cluster.prefix}ch:user:k1`
    ])
    t.same(await witness.pubsub('NUMSUB', `${cluster.prefix}ch:all`), [`${cluster.prefix}ch:all`, 2],
      'one subscriber connection per instance')

    for (const socket of sockets) socket.close()
    const left = await waitFor('channels released', async () => {
      const now = await channels()
      return now.length === 0 ? now : null
    })
    t.same(left, [], 'PUBSUB CHANNELS under the prefix is empty')
  })
})
