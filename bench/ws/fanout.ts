import { printJson, printTable, progress, type Row } from '../lib/report.js'
import type { TargetContext } from '../lib/targets.js'
import { resultJson, resultRow } from './format.js'
import { parseShape } from './population.js'
import { Scenario, parseTarget } from './scenario.js'

export interface FanoutOptions {
  targets: string[]
  shapes: string[]
  /** Total sends per second, one per shape (the last repeats). */
  rates: number[]
  warmupMs: number
  durationMs: number
}

/** Fixed-rate fan-out runs: every target on every shape at the given rate. */
export async function runFanout (
  context: TargetContext,
  options: FanoutOptions
): Promise<Row[]> {
  const rows: Row[] = []
  let scenarioNumber = 0

  for (const [shapeIndex, shapeName] of options.shapes.entries()) {
    const shape = parseShape(shapeName)
    const rate = options.rates[Math.min(shapeIndex, options.rates.length - 1)]

    for (const targetName of options.targets) {
      const target = parseTarget(targetName)
      progress(`ws ${target} ${shape.name} at ${rate}/s: starting servers and sockets`)
      const scenario = await Scenario.open(context, target, shape, `ws${scenarioNumber++}`)

      try {
        const { warmupMs, durationMs } = options
        const result = await scenario.run({ rate, warmupMs, durationMs })
        const label = { target, shape: shape.name, sockets: scenario.fleet.sockets }
        rows.push(resultRow(label, result))
        printJson(resultJson('ws', {
          ...label,
          loadProcesses: scenario.fleet.processes,
          backgroundCpu: scenario.backgroundCpu
        }, result))
      } finally {
        await scenario.close()
      }
    }
  }

  printTable(`WebSocket fan-out, fixed rate (latency in ms, cpu in % of one core)`, rows)
  return rows
}
