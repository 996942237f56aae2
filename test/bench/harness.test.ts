import t, { type Test } from 'tap'
import { LatencyRecorder } from '../../bench/lib/latency.js'
import { parseCommandStats, parseCpu, probeDelta } from '../../bench/lib/probes.js'
import { SeqTracker, addCounts, noDeliveries } from '../../bench/lib/seq-tracker.js'
import { median, ratio } from '../../bench/lib/stats.js'

// HDR histograms keep 3 significant digits: a value is exact to within 0.1%.
function near (t: Test, actual: number, expected: number) {
  t.ok(Math.abs(actual - expected) <= expected / 1000, `${actual} is ${expected} within 0.1%`)
}

t.test('latency recorder', async (t) => {
  t.test('reports percentiles of 1..1000 ms', async (t) => {
    const recorder = new LatencyRecorder()
    for (let ms = 1; ms <= 1000; ms++) recorder.record(ms)

    const summary = recorder.summary()
    t.equal(summary.count, 1000)
    near(t, summary.p50, 500)
    near(t, summary.p95, 950)
    near(t, summary.p99, 990)
    near(t, summary.max, 1000)
  })

  t.test('keeps sub-millisecond values to 0.01 ms', async (t) => {
    const recorder = new LatencyRecorder()
    recorder.record(0.25)
    recorder.record(0.25)
    recorder.record(0.75)

    t.same(recorder.summary(),
      { count: 3, p50: 0.25, p95: 0.75, p99: 0.75, max: 0.75, mean: 0.42 })
  })

  t.test('merges recorders sent between processes as text', async (t) => {
    const first = new LatencyRecorder()
    const second = new LatencyRecorder()
    for (let ms = 1; ms <= 98; ms++) first.record(ms)
    second.record(500)
    second.record(1000)

    const merged = LatencyRecorder.decode(first.encode())
    merged.merge(LatencyRecorder.decode(second.encode()))

    const summary = merged.summary()
    t.equal(summary.count, 100)
    near(t, summary.p50, 50)
    near(t, summary.p99, 500)
    near(t, summary.max, 1000)
  })

  t.test('reports zeros when empty', async (t) => {
    t.same(new LatencyRecorder().summary(),
      { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 })
  })
})

t.test('seq tracker', async (t) => {
  t.test('counts an in-order stream as complete', async (t) => {
    const tracker = new SeqTracker()
    for (let seq = 1; seq <= 5; seq++) tracker.receive(seq)

    t.same(tracker.counts(5), { received: 5, lost: 0, duplicates: 0, outOfOrder: 0 })
    t.equal(tracker.lastSeq, 5)
  })

  t.test('counts messages never received as lost, in and after the stream', async (t) => {
    const tracker = new SeqTracker()
    tracker.receive(1)
    tracker.receive(3)

    t.same(tracker.counts(6), { received: 2, lost: 4, duplicates: 0, outOfOrder: 0 })
  })

  t.test('counts a late arrival as out of order, not lost', async (t) => {
    const tracker = new SeqTracker()
    tracker.receive(1)
    tracker.receive(3)
    tracker.receive(2)
    tracker.receive(4)

    t.same(tracker.counts(4), { received: 4, lost: 0, duplicates: 0, outOfOrder: 1 })
  })

  t.test('counts a repeat as a duplicate, before and after a gap', async (t) => {
    const tracker = new SeqTracker()
    tracker.receive(1)
    tracker.receive(1)
    tracker.receive(3)
    tracker.receive(2)
    tracker.receive(2)
    tracker.receive(3)

    t.same(tracker.counts(3), { received: 3, lost: 0, duplicates: 3, outOfOrder: 1 })
  })

  t.test('starts after a baseline and counts older seqs as duplicates', async (t) => {
    const tracker = new SeqTracker(10)
    tracker.receive(10)
    tracker.receive(11)
    tracker.receive(12)

    t.same(tracker.counts(13), { received: 2, lost: 1, duplicates: 1, outOfOrder: 0 })
    t.equal(tracker.lastSeq, 12)
  })

  t.test('adds counts of several clients', async (t) => {
    const total = addCounts(
      addCounts(noDeliveries(), { received: 3, lost: 1, duplicates: 0, outOfOrder: 2 }),
      { received: 4, lost: 0, duplicates: 5, outOfOrder: 0 }
    )

    t.same(total, { received: 7, lost: 1, duplicates: 5, outOfOrder: 2 })
  })
})

t.test('median and ratio', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 3, 2]), 2.5)
  t.ok(Number.isNaN(median([])))
  t.equal(ratio(1, 3), 0.33)
  t.ok(Number.isNaN(ratio(1, 0)))
})

t.test('Redis and PostgreSQL probes', async (t) => {
  t.test('read INFO commandstats and INFO cpu', async (t) => {
    const commands = '# Commandstats\r\n' +
      'cmdstat_publish:calls=12,usec=30,usec_per_call=2.5\r\n' +
      'cmdstat_evalsha:calls=4,usec=90\r\n'
    t.same(parseCommandStats(commands), { publish: 12, evalsha: 4 })
    t.equal(parseCpu('# CPU\r\nused_cpu_sys:1.5\r\nused_cpu_user:2.25\r\n'), 3.75)
  })

  t.test('turn two samples into rates', async (t) => {
    const from = {
      commits: 100, rowsInserted: 1000, redisCpuSeconds: 1, redisCalls: { publish: 10, get: 5 }
    }
    const to = {
      commits: 300, rowsInserted: 3000, redisCpuSeconds: 2, redisCalls: { publish: 30, get: 5, incr: 8 }
    }

    t.same(probeDelta(from, to, 2), {
      commitsPerSec: 100,
      rowsInsertedPerSec: 1000,
      redisCallsPerSec: 14,
      redisTop: { publish: 10, incr: 4 },
      redisCpu: 50
    })
  })
})
