import { test } from 'tap'
import { startCluster } from '../helpers/cluster.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait.js'

/*
 * An instance killed with SIGKILL never says goodbye: the survivors notice
 * its liveness key expire and announce its users gone, once, within 30 s.
 */
test('the users of a killed instance go offline on the other within 30 s', async (t) => {
  const cluster = await startCluster(t, { redisUrl: await redisUrlForTest(t) })
  const [i1, i2] = cluster.nodes
  const { conversationId } = await cluster.setupS()

  const a = await i1.joined(t, 'coA', conversationId)
  await i2.joined(t, 'k1', conversationId)
  await i2.socket(t, 'k2')
  await a.next((f) => f.type === 'presence' && f.userId === 'k1' && f.status === 'online')
  t.same((await i1.call('adm', 'GET', '/api/websocket/online-users')).body.total, 3)

  await i2.kill()

  const offline = await a.next((f) => f.type === 'presence' && f.status === 'offline', 30_000)
  const left = await a.next((f) => f.type === 'left', 30_000)
  t.match(offline, { userId: 'k1', lastSeenAt: String })
  t.same(left, { type: 'left', conversationId, userId: 'k1' })

  const online = await waitFor('k2 gone too', async () => {
    const { body } = await i1.call('adm', 'GET', '/api/websocket/online-users')
    return body.total === 1 ? body.items : null
  })
  t.same(online, [{ userId: 'coA' }])
  const stats = await i1.call('adm', 'GET', '/api/websocket/stats')
  t.same(stats.body, {
    connectedUsers: 1,
    totalSockets: 1,
    rooms: 1,
    instances: [{ instanceId: 'I1', connectedUsers: 1, totalSockets: 1, rooms: 1 }]
  })
  t.same((await i1.call('coA', 'GET', '/api/websocket/user/k1/status')).body,
    { userId: 'k1', online: false, lastSeenAt: offline.lastSeenAt })

  const sent = await a.ok({ type: 'send', conversationId, content: 'still there?', clientMsgId: 'crash-1' })
  const notifications = await i1.call('k1', 'GET', '/api/notifications?unread=true')
  t.same(notifications.body.items.map((n: { messageId: string }) => n.messageId), [sent.message.id],
    'k1 has no socket joined any more, so the message is stored as a notification')

  await a.barrier()
  t.equal(a.frames.filter((f) => f.type === 'presence' && f.status === 'offline').length, 1,
    'announced once')
  t.equal(a.frames.filter((f) => f.type === 'left').length, 1)
})

test('an instance stopped with SIGTERM announces its users offline at once, once', async (t) => {
  const cluster = await startCluster(t, { redisUrl: await redisUrlForTest(t) })
  const [i1, i2] = cluster.nodes
  const { conversationId } = await cluster.setupS()
  const a = await i1.joined(t, 'coA', conversationId)
  const k = await i2.joined(t, 'k1', conversationId)
  await a.next((f) => f.type === 'presence' && f.userId === 'k1' && f.status === 'online')

  i2.server.child.kill('SIGTERM')
  t.equal(await i2.server.exited, 0, 'a clean exit')
  t.equal((await k.closed).code, 1001)

  await a.next((f) => f.type === 'presence' && f.status === 'offline', 5000)
  await a.next((f) => f.type === 'left', 5000)
  const { body } = await i1.call('adm', 'GET', '/api/websocket/stats')
  t.same(body.instances.map((s: { instanceId: string }) => s.instanceId), ['I1'], 'it left the cluster')
  await a.barrier()
  t.equal(a.frames.filter((f) => f.type === 'presence' && f.status === 'offline').length, 1)
  t.equal(a.frames.filter((f) => f.type === 'left').length, 1)
})
