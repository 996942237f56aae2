import t from 'tap'
import type { TestSocket } from '../helpers/ws-client.js'
import { hubFixture } from './fixture.js'

const fx = await hubFixture(t, {
  env: { WS_SEND_LIMIT: '10000', WS_FRAME_LIMIT: '10000' }
})
const { conversationId } = fx

const seqs = (s: TestSocket) => s.messages(conversationId).map((f) => f.message.seq)

async function send (socket: TestSocket, clientMsgId: string): Promise<number> {
  return (await socket.sendMessage(conversationId, clientMsgId)).seq
}

t.test('rejoining with afterSeq replays exactly the missed messages once, in order', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')

  for (let i = 0; i < 3; i++) await send(a, `before-${i}`)
  await k.count((f) => f.type === 'message', 3)
  const lastSeen = Math.max(...seqs(k))
  k.close()
  await k.closed

  const missed = []
  for (let i = 0; i < 5; i++) missed.push(await send(a, `missed-${i}`))

  const back = await fx.socket(t, 'k1')
  await back.ok({ type: 'join', conversationId, afterSeq: lastSeen })
  const live = await send(a, 'live-after')
  await back.next((f) => f.type === 'message' && f.message.seq === live)
  await back.barrier()

  t.same(seqs(back), [...missed, live])
})

t.test('a join with afterSeq while messages flow never duplicates a live message', async (t) => {
  const a = await fx.joined(t, 'coA')
  const start = await send(a, 'flow-start')

  let sending = true
  let n = 0
  const flow = (async () => {
    while (sending) {
      const burst = Array.from({ length: 5 }, async () => await send(a, `flow-${n++}`))
      await Promise.all(burst)
    }
  })()

  const joiners: TestSocket[] = []
  for (let i = 0; i < 4; i++) {
    const k = await fx.socket(t, 'k1')
    await k.ok({ type: 'join', conversationId, afterSeq: start - 1 })
    joiners.push(k)
  }
  sending = false
  await flow
  const last = await send(a, 'flow-end')

  for (const k of joiners) {
    await k.next((f) => f.type === 'message' && f.message.seq === last)
    await k.barrier()
    const got = seqs(k)
    const expected = Array.from({ length: last - start + 1 }, (_, i) => start + i)
    t.same(got, expected, 'every seq once, in order')
  }
})

t.test('joining again on the same socket replays again without a second joined', async (t) => {
  const a = await fx.joined(t, 'coA')
  const k = await fx.joined(t, 'k1')
  const seq = await send(a, 'rejoin')
  await k.next((f) => f.type === 'message' && f.message.seq === seq)

  await k.ok({ type: 'join', conversationId, afterSeq: seq - 1 })
  await k.barrier()
  await a.barrier()

  t.same(seqs(k), [seq, seq], 'the live copy, then the replay asked for')
  t.equal(a.frames.filter((f) => f.type === 'joined').length, 1)
})

t.test('a join with afterSeq beyond the last seq replays nothing and hides no live message', async (t) => {
  const a = await fx.joined(t, 'coA')
  const last = await send(a, 'ahead-start')

  const k = await fx.socket(t, 'k1')
  await k.ok({ type: 'join', conversationId, afterSeq: last + 3 })
  const next: number[] = []
  for (let i = 0; i < 5; i++) next.push(await send(a, `ahead-${i}`))
  await k.next((f) => f.type === 'message' && f.message.seq === next[4])
  await k.barrier()

  t.same(seqs(k), next)
})
