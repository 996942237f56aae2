import { printJson, printTable, progress } from '../lib/report.js'
import { round } from '../lib/stats.js'
import type { TargetContext } from '../lib/targets.js'
import { parseShape } from './population.js'
import { Scenario, parseTarget } from './scenario.js'

export interface StormOptions {
  target: string
  shape: string
  rate: number
  cutEveryMs: number
  downMs: number
  warmupMs: number
  durationMs: number
}

/**
 * Reconnect storm under steady traffic: every client is cut every
 * cutEveryMs (at its own phase) and comes back after downMs, rejoining with
 * afterSeq and resending what was never acknowledged. Everything must
 * arrive exactly once; replay latency is from the reconnect attempt until
 * the client holds everything up to the join ack's lastSeq.
 */
export async function runStorm (context: TargetContext, options: StormOptions) {
  const target = parseTarget(options.target)
  const shape = parseShape(options.shape)
  const seconds = (ms: number) => `${ms / 1000} s`
  progress(`storm ${target} ${shape.name}: ${seconds(options.durationMs)}, cut every ` +
    `${seconds(options.cutEveryMs)} for ${seconds(options.downMs)}, ${options.rate} sends/s`)
  const scenario = await Scenario.open(context, target, shape, 'storm')

  try {
    const result = await scenario.run({
      rate: options.rate,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      storm: { cutEveryMs: options.cutEveryMs, downMs: options.downMs },
      settleMs: 10_000
    })
    const { received, lost, duplicates, outOfOrder } = result.counts
    const deliveredShare = received + lost === 0 ? 0 : received / (received + lost)

    const title = 'Reconnect storm (target: 100% delivered, 0 duplicates, replay p99 < 500 ms)'
    printTable(title, [{
      target,
      clients: scenario.fleet.sockets,
      'sends/s': result.rate,
      reconnects: result.reconnects,
      'failed reconnects': result.failedReconnects,
      'delivered %': round(deliveredShare * 100, 3),
      lost,
      dup: duplicates,
      ooo: outOfOrder,
      'replay p50': result.replay.p50,
      'replay p99': result.replay.p99,
      'replay max': result.replay.max,
      'live e2e p99': result.endToEnd.p99,
      unacked: result.unacked
    }])
    const label = { ...options, target, shape: shape.name }
    printJson({ bench: 'storm', ...label, deliveredShare, ...result })
  } finally {
    await scenario.close()
  }
}
