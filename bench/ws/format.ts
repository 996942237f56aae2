import type { Row } from '../lib/report.js'
import type { RunResult } from './fleet.js'

/** True when nothing was lost, duplicated, reordered, refused or left unanswered. */
export function clean (result: RunResult): boolean {
  const { lost, duplicates, outOfOrder } = result.counts
  return lost === 0 && duplicates === 0 && outOfOrder === 0 && errorCount(result) === 0
}

/** Refused sends, sends never answered and connections the server closed. */
export function errorCount (result: RunResult): number {
  const refused = Object.values(result.sendErrors).reduce((sum, n) => sum + n, 0)
  return refused + result.unacked + result.serverCloses
}

export function resultRow (label: Record<string, string | number>, result: RunResult): Row {
  return {
    ...label,
    'rate': result.rate,
    'sent/s': result.sentPerSec,
    'acked/s': result.ackedPerSec,
    'deliv/s': result.deliveriesPerSec,
    'e2e p50': result.endToEnd.p50,
    'p95': result.endToEnd.p95,
    'p99': result.endToEnd.p99,
    'max': result.endToEnd.max,
    'ack p99': result.ack.p99,
    'lost': result.counts.lost,
    'dup': result.counts.duplicates,
    'ooo': result.counts.outOfOrder,
    'errors': errorCount(result),
    'srv cpu%': result.serverCpu.join('+'),
    'cpu µs/msg': cpuPerMessage(result),
    'commits/s': result.traffic?.commitsPerSec ?? '',
    'redis/s': result.traffic?.redisCallsPerSec ?? '',
    'redis cpu%': result.traffic?.redisCpu ?? '',
    'all cpu%': result.machineCpu,
    'client lag p99': result.clientLoopDelayP99
  }
}

export function resultJson (
  bench: string,
  label: Record<string, string | number>,
  result: RunResult
) {
  return { bench, ...label, ...result }
}

/** Server CPU (all instances, user + kernel) per acknowledged message, in µs. */
export function cpuPerMessage (result: RunResult): number {
  const cpuMsPerSec = result.serverCpu.reduce((sum, percent) => sum + percent, 0) * 10
  return result.ackedPerSec === 0 ? 0 : Math.round(cpuMsPerSec * 1000 / result.ackedPerSec)
}
