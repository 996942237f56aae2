import { printJson, printTable, progress, type Row } from '../lib/report.js'
import { median, round } from '../lib/stats.js'
import type { TargetContext } from '../lib/targets.js'
import type { RunResult } from './fleet.js'
import { clean, resultRow } from './format.js'
import { parseShape } from './population.js'
import { Scenario, parseTarget, type TargetName } from './scenario.js'

export interface SearchOptions {
  targets: string[]
  shapes: string[]
  /** First rate tried per shape (the last repeats). */
  startRates: number[]
  /** Each step multiplies the rate by this until a step fails. */
  growth: number
  /** Bisections between the last sustained rate and the first failed one. */
  refinements: number
  runsPerStep: number
  warmupMs: number
  durationMs: number
  p99LimitMs: number
  maxRate: number
}

export interface Sustained {
  target: TargetName
  shape: string
  rate: number
  deliveriesPerSec: number
  p99: number
  steps: number
}

/**
 * The highest total send rate a server sustains: a step passes when the
 * median of its runs keeps end-to-end p99 within the limit and acks up with
 * the offered rate, and no run lost, duplicated, reordered or refused
 * anything. Rates grow geometrically, then the boundary is bisected.
 */
export async function runSearch (
  context: TargetContext,
  options: SearchOptions
): Promise<Sustained[]> {
  const found: Sustained[] = []
  let scenarioNumber = 0

  for (const [shapeIndex, shapeName] of options.shapes.entries()) {
    const shape = parseShape(shapeName)
    const rates = options.startRates
    const startRate = rates[Math.min(shapeIndex, rates.length - 1)]

    for (const targetName of options.targets) {
      const target = parseTarget(targetName)
      progress(`ws-search ${target} ${shape.name}: starting servers and sockets`)
      const id = `search${scenarioNumber++}`
      const scenario = await Scenario.open(context, target, shape, id)

      // The ceiling starts higher so that it needs no more steps than the others.
      const firstRate = target === 'bare' ? startRate * 4 : startRate
      try {
        found.push(await search(scenario, firstRate, options))
      } finally {
        await scenario.close()
      }
    }
  }

  printTable(`Highest sustained send rate (p99 ≤ ${options.p99LimitMs} ms, nothing lost, ` +
    `median of ${options.runsPerStep} runs per step)`, found.map((s) => ({ ...s })))
  return found
}

const MIN_RATE = 10

interface Step {
  rate: number
  passed: boolean
  median: RunResult
}

async function search (
  scenario: Scenario,
  startRate: number,
  options: SearchOptions
): Promise<Sustained> {
  let best: Step | null = null
  let failed: Step | null = null
  let rate = startRate
  let steps = 0

  while (rate <= options.maxRate) {
    const step = await runStep(scenario, rate, options)
    steps++
    if (!step.passed) {
      failed = step
      break
    }
    best = step
    rate = Math.round(rate * options.growth)
  }

  // The first rate was already too much: come down until one is sustained.
  while (!best && failed && rate > MIN_RATE) {
    rate = Math.max(MIN_RATE, Math.round(rate / options.growth))
    const step = await runStep(scenario, rate, options)
    steps++
    if (step.passed) best = step
    else failed = step
  }

  for (let i = 0; i < options.refinements && best && failed; i++) {
    const middle = Math.round((best.rate + failed.rate) / 2)
    if (middle === best.rate || middle === failed.rate) break
    const step = await runStep(scenario, middle, options)
    steps++
    if (step.passed) best = step
    else failed = step
  }

  const sustained: Sustained = {
    target: scenario.target,
    shape: scenario.shape.name,
    rate: best?.rate ?? 0,
    deliveriesPerSec: best?.median.deliveriesPerSec ?? 0,
    p99: best?.median.endToEnd.p99 ?? 0,
    steps
  }
  printJson({
    bench: 'ws-search',
    ...sustained,
    firstFailedRate: failed?.rate ?? null,
    backgroundCpu: scenario.backgroundCpu
  })
  return sustained
}

async function runStep (
  scenario: Scenario,
  rate: number,
  options: SearchOptions
): Promise<Step> {
  const runs: RunResult[] = []
  const label = { target: scenario.target, shape: scenario.shape.name }

  for (let i = 0; i < options.runsPerStep; i++) {
    const { warmupMs, durationMs } = options
    const result = await scenario.run({ rate, warmupMs, durationMs })
    runs.push(result)
    printJson({ bench: 'ws-search-run', ...label, run: i + 1, ...result })
  }

  const byP99 = [...runs].sort((a, b) => a.endToEnd.p99 - b.endToEnd.p99)
  const middle = byP99[Math.floor(byP99.length / 2)]
  const p99 = median(runs.map((r) => r.endToEnd.p99))
  const acked = median(runs.map((r) => r.ackedPerSec))
  const passed = p99 <= options.p99LimitMs && acked >= rate * 0.95 && runs.every(clean)

  const verdict = passed ? 'sustained' : 'not sustained'
  printTable(`${label.target} ${label.shape} at ${rate}/s: ${verdict}`,
    [resultRow({ ...label, run: 'median' }, { ...middle, ackedPerSec: round(acked) })])
  return { rate, passed, median: middle }
}
