import t from 'tap'
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/client/backoff.js'
import type { ChatMessage } from '../../src/client/protocol.js'
import { Sequencer } from '../../src/client/sequencer.js'
import { refreshDelay, tokenExpiresAt } from '../../src/client/token-expiry.js'
import { TypingSignal } from '../../src/client/typing-signal.js'
import { signToken } from '../../src/auth/tokens.js'

function message (seq: number): ChatMessage {
  return {
    id: `m${seq}`, seq, senderId: 'u', content: `c${seq}`, clientMsgId: `k${seq}`, createdAt: ''
  }
}

t.test('backoff grows by the factor up to the cap, shortened by at most the jitter', async (t) => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }

  const attempts = [0, 1, 2, 3, 4, 5]
  t.same(attempts.map((n) => backoffDelay(n, options, () => 0)), [100, 200, 400, 800, 1000, 1000])
  t.same(attempts.map((n) => backoffDelay(n, options, () => 1)), [50, 100, 200, 400, 500, 500])
  t.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0), 500)
  t.equal(backoffDelay(30, DEFAULT_BACKOFF, () => 0), 30_000)
})

t.test('the sequencer delivers in seq order, once, holding what comes early', async (t) => {
  const delivered: number[] = []
  const sequencer = new Sequencer(3, (m) => delivered.push(m.seq))

  t.equal(sequencer.push(message(2)), 'duplicate')
  t.equal(sequencer.push(message(4)), 'delivered')
  t.equal(sequencer.push(message(6)), 'held')
  t.equal(sequencer.hasGap, true)
  t.equal(sequencer.push(message(4)), 'duplicate')
  t.equal(sequencer.push(message(5)), 'delivered')

  t.same(delivered, [4, 5, 6])
  t.equal(sequencer.cursor, 6)
  t.equal(sequencer.hasGap, false)
})

t.test('the sequencer starts where the join says when no cursor was given', async (t) => {
  const delivered: number[] = []
  const sequencer = new Sequencer(null, (m) => delivered.push(m.seq))

  sequencer.startAt(10)
  sequencer.startAt(2)
  sequencer.push(message(10))
  sequencer.push(message(11))

  t.same(delivered, [11])
})

t.test('a gap that cannot be filled is given up: held messages go out in order', async (t) => {
  const delivered: number[] = []
  const sequencer = new Sequencer(0, (m) => delivered.push(m.seq))

  sequencer.push(message(5))
  sequencer.push(message(3))
  sequencer.releaseHeld()

  t.same(delivered, [3, 5])
  t.equal(sequencer.cursor, 5)
})

t.test('token expiry is read from the payload; refresh comes ahead of it', async (t) => {
  const claims = { sub: 'ü', role: 'company', expiresInSeconds: 600 }
  const token = signToken('secret-for-this-test-only-000000', claims)
  const expiresAt = tokenExpiresAt(token)!

  t.ok(Math.abs(expiresAt - (Date.now() + 600_000)) < 2000)
  t.equal(tokenExpiresAt('not-a-token'), null)
  t.equal(tokenExpiresAt('a.bm90IGpzb24.c'), null)

  t.equal(refreshDelay(1_000_000, 0, 60_000), 940_000, 'a minute ahead of a long-lived token')
  t.equal(refreshDelay(10_000, 0, 60_000), 5000, 'halfway through a short-lived one')
  t.equal(refreshDelay(10_000, 20_000, 60_000), 0, 'at once when already expired')
})

t.test('the typing signal sends one start per renewal period and one stop', async (t) => {
  const frames: string[] = []
  const signal = new TypingSignal({
    typing: (_id, state) => { frames.push(state); return true }
  }, 'c', { idleMs: 10_000, renewMs: 10_000 })

  signal.input()
  signal.input()
  signal.input()
  signal.stop()
  signal.stop()

  t.same(frames, ['start', 'stop'])
})
