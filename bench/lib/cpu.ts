import { readFileSync } from 'node:fs'

export interface CpuSample {
  at: number
  busyTicks: number
  totalTicks: number
}

/** The whole machine's CPU counters, from /proc/stat. */
export function sampleMachine (): CpuSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
  const ticks = line.trim().split(/\s+/).slice(1).map(Number)
  const idle = ticks[3] + (ticks[4] ?? 0)
  const total = ticks.reduce((sum, value) => sum + value, 0)
  return { at: Date.now(), busyTicks: total - idle, totalTicks: total }
}

/** Busy share of all cores between two samples, in percent of one core (200: both busy). */
export function busyPercent (from: CpuSample, to: CpuSample, cores: number): number {
  const total = to.totalTicks - from.totalTicks
  if (total <= 0) return 0
  return Math.round(((to.busyTicks - from.busyTicks) / total) * 100 * cores)
}

/** How busy the machine is right now (percent of one core), measured over `ms`. */
export async function backgroundLoad (cores: number, ms = 1000): Promise<number> {
  const from = sampleMachine()
  await new Promise((resolve) => setTimeout(resolve, ms))
  return busyPercent(from, sampleMachine(), cores)
}
