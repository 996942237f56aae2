import { test, type Test } from 'tap'
import { startCluster, type ClusterNode } from '../helpers/cluster.js'
import { redisUrlForTest } from '../helpers/redis-server.js'
import { sleep } from '../helpers/wait.js'
import type { TestSocket } from '../helpers/ws-client.js'

/*
 * F02: one send delivered twice, by the local emit and again by the
 * instance's own echo from Redis. Run across two instances with Redis, then
 * on one instance with the in-process broker.
 */
async function sendAndCount (
  t: Test, nodes: { a: ClusterNode, kA: ClusterNode, kB: ClusterNode }, C: string
) {
  // Step 2.
  const a = await nodes.a.joined(t, 'coA', C)
  const kA = await nodes.kA.joined(t, 'k1', C)
  const kB = await nodes.kB.joined(t, 'k1', C)
  const sockets = { a, kA, kB }

  // Steps 3 and 4: each send, then every frame for 3 s.
  for (const [sender, clientMsgId] of [[a, 'b02-1'], [kB, 'b02-2']] as const) {
    const id = `send-${clientMsgId}`
    sender.send({ type: 'send', id, conversationId: C, content: clientMsgId, clientMsgId })
    const answer = await sender.next((f) => f.id === id)
    t.equal(answer.type, 'ack', `${clientMsgId} acknowledged`)
    const seq = answer.result.message.seq
    await sleep(3000)

    t.equal(sender.frames.filter((f) => f.id === id).length, 1, `${clientMsgId}: exactly one answer`)
    for (const [name, socket] of Object.entries(sockets)) {
      t.equal(copies(socket, seq), 1, `${clientMsgId}: ${name} got seq ${seq} exactly once`)
    }
  }

  for (const [name, socket] of Object.entries(sockets)) {
    t.same(socket.frames.filter((f) => f.type === 'notification'), [], `no notification to ${name}`)
  }
}

function copies (socket: TestSocket, seq: number): number {
  return socket.frames.filter((f) => f.type === 'message' && f.message.seq === seq).length
}

test('F02: two instances with Redis deliver each send once to every joined socket', async (t) => {
  const cluster = await startCluster(t, { redisUrl: await redisUrlForTest(t) })
  const [i1, i2] = cluster.nodes
  const { conversationId } = await cluster.setupS()

  await sendAndCount(t, { a: i1, kA: i1, kB: i2 }, conversationId)
})

test('F02 step 5: one instance without Redis delivers each send once too', async (t) => {
  const cluster = await startCluster(t, { count: 1 })
  const [only] = cluster.nodes
  const { conversationId } = await cluster.setupS()

  await sendAndCount(t, { a: only, kA: only, kB: only }, conversationId)
})
