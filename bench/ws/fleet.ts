import { fork, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { nowMs, sleepUntil } from '../lib/clock.js'
import { busyPercent, sampleMachine } from '../lib/cpu.js'
import { LatencyRecorder, type LatencySummary } from '../lib/latency.js'
import type { ServerProcess } from '../lib/processes.js'
import { probeDelta, type ProbeDelta, type Probes } from '../lib/probes.js'
import { addCounts, noDeliveries, type DeliveryCounts } from '../lib/seq-tracker.js'
import type {
  ClientKind, FromWorker, RunReport, SentReport, SocketPlan, StormPlan, ToWorker
} from './ipc.js'

export interface FleetOptions {
  kind: ClientKind
  plans: SocketPlan[]
  socketsPerWorker?: number
  connectConcurrency?: number
}

export interface RunOptions {
  /** Total sends per second across all sockets. */
  rate: number
  warmupMs: number
  durationMs: number
  contentBytes?: number
  storm?: StormPlan
  /** Servers whose CPU use over the measured window is reported. */
  servers?: ServerProcess[]
  /** Database and Redis counters read over the measured window. */
  probes?: Probes
  settleMs?: number
}

export interface RunResult {
  rate: number
  sentPerSec: number
  ackedPerSec: number
  deliveriesPerSec: number
  endToEnd: LatencySummary
  ack: LatencySummary
  replay: LatencySummary
  counts: DeliveryCounts
  unacked: number
  sendErrors: Record<string, number>
  serverCloses: number
  reconnects: number
  failedReconnects: number
  /** Worst event-loop delay p99 among the load processes, ms. */
  clientLoopDelayP99: number
  /** CPU over the window in percent of one core: each server process, the whole machine. */
  serverCpu: number[]
  /** The kernel's share of each server's CPU, percent. */
  serverSystemShare: number[]
  machineCpu: number
  traffic: ProbeDelta | null
}

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url))

/** The load processes of one scenario, kept connected across runs. */
export class LoadFleet {
  private baseline: Record<string, number> = {}

  private constructor (private readonly workers: WorkerHandle[]) {}

  static async start (options: FleetOptions): Promise<LoadFleet> {
    const perWorker = options.socketsPerWorker ?? 500
    const count = Math.max(1, Math.ceil(options.plans.length / perWorker))
    const workers = Array.from({ length: count }, (_, i) => new WorkerHandle(i))
    const fleet = new LoadFleet(workers)

    try {
      const shares = workers.map((_, i) => options.plans.filter((_, k) => k % count === i))
      const connected = await Promise.all(workers.map(async (worker, i) => {
        worker.plans = shares[i]
        worker.send({
          type: 'connect',
          kind: options.kind,
          sockets: shares[i],
          concurrency: options.connectConcurrency ?? 25,
          join: true
        })
        return await worker.next('connected')
      }))

      const failed = connected.reduce((sum, c) => sum + c.failed, 0)
      if (failed > 0) {
        const reason = connected.find((c) => c.firstError)?.firstError
        const total = options.plans.length
        throw new Error(`${failed} of ${total} sockets failed to connect: ${reason}`)
      }
      workers.forEach((worker, i) => { worker.sockets = connected[i].sockets })
    } catch (err) {
      await fleet.close()
      throw err
    }

    return fleet
  }

  get sockets (): number {
    return this.workers.reduce((sum, worker) => sum + worker.sockets, 0)
  }

  get processes (): number {
    return this.workers.length
  }

  async run (options: RunOptions): Promise<RunResult> {
    const startAt = nowMs() + 300
    const windowFrom = startAt + options.warmupMs
    const windowTo = windowFrom + options.durationMs
    const total = this.sockets

    for (const worker of this.workers) {
      worker.send({
        type: 'run',
        plan: {
          startAt,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
          rate: options.rate * worker.sockets / total,
          contentBytes: options.contentBytes ?? 100,
          baseline: this.baseline,
          storm: options.storm
        }
      })
    }

    const cpu = this.measureWindow(windowFrom, windowTo, options.servers ?? [], options.probes)
    const sent = await Promise.all(this.workers.map(async (w) => await w.next('sent')))
    const finalSeq = mergeMaxSeq(this.baseline, sent)

    for (const worker of this.workers) {
      worker.send({ type: 'final', finalSeq, settleMs: options.settleMs ?? 5000 })
    }
    const reports = await Promise.all(this.workers.map(async (w) => await w.next('result')))
    this.baseline = finalSeq

    return { ...summarise(options, reports), ...(await cpu) }
  }

  async close (): Promise<void> {
    await Promise.all(this.workers.map(async (worker) => await worker.close()))
  }

  private async measureWindow (
    from: number,
    to: number,
    servers: ServerProcess[],
    probes?: Probes
  ) {
    await sleepUntil(from)
    const machineStart = sampleMachine()
    const serverStart = servers.map((server) => server.cpuSplit())
    const probeStart = await probes?.sample()

    await sleepUntil(to)
    const machineEnd = sampleMachine()
    const serverEnd = servers.map((server) => server.cpuSplit())
    const probeEnd = await probes?.sample()
    const seconds = (to - from) / 1000
    const used = servers.map((_, i) => ({
      user: serverEnd[i].userMs - serverStart[i].userMs,
      system: serverEnd[i].systemMs - serverStart[i].systemMs
    }))

    return {
      serverCpu: used.map((u) => Math.round((u.user + u.system) / seconds / 10)),
      serverSystemShare: used.map((u) =>
        Math.round(u.system / Math.max(1, u.user + u.system) * 100)),
      machineCpu: busyPercent(machineStart, machineEnd, availableParallelism()),
      traffic: probeStart && probeEnd ? probeDelta(probeStart, probeEnd, seconds) : null
    }
  }
}

function mergeMaxSeq (
  baseline: Record<string, number>,
  sent: SentReport[]
): Record<string, number> {
  const merged = { ...baseline }
  for (const report of sent) {
    for (const [conversationId, seq] of Object.entries(report.maxSeq)) {
      if ((merged[conversationId] ?? 0) < seq) merged[conversationId] = seq
    }
  }
  return merged
}

function summarise (options: RunOptions, reports: RunReport[]) {
  const seconds = options.durationMs / 1000
  const endToEnd = new LatencyRecorder()
  const ack = new LatencyRecorder()
  const replay = new LatencyRecorder()
  let counts = noDeliveries()
  const sendErrors: Record<string, number> = {}
  const sum = (pick: (r: RunReport) => number) =>
    reports.reduce((total, r) => total + pick(r), 0)

  for (const report of reports) {
    endToEnd.merge(LatencyRecorder.decode(report.endToEnd))
    ack.merge(LatencyRecorder.decode(report.ack))
    replay.merge(LatencyRecorder.decode(report.replay))
    counts = addCounts(counts, report.counts)
    for (const [code, n] of Object.entries(report.sendErrors)) {
      sendErrors[code] = (sendErrors[code] ?? 0) + n
    }
  }

  return {
    rate: options.rate,
    sentPerSec: Math.round(sum((r) => r.sentInWindow) / seconds),
    ackedPerSec: Math.round(sum((r) => r.acksInWindow) / seconds),
    deliveriesPerSec: Math.round(sum((r) => r.deliveriesInWindow) / seconds),
    endToEnd: endToEnd.summary(),
    ack: ack.summary(),
    replay: replay.summary(),
    counts,
    unacked: sum((r) => r.unacked),
    sendErrors,
    serverCloses: sum((r) => r.serverCloses),
    reconnects: sum((r) => r.reconnects),
    failedReconnects: sum((r) => r.failedReconnects),
    clientLoopDelayP99: Math.max(...reports.map((r) => r.loopDelayP99))
  }
}

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>

/** One load process and its mailbox. */
class WorkerHandle {
  plans: SocketPlan[] = []
  sockets = 0
  private readonly child: ChildProcess
  private readonly inbox: FromWorker[] = []
  private waiter: (() => void) | null = null
  private exitError: Error | null = null

  constructor (index: number) {
    this.child = fork(workerPath, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_WORKER_ID: `w${index}` },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.child.on('message', (message: FromWorker) => {
      this.inbox.push(message)
      this.waiter?.()
    })
    this.child.once('exit', (code) => {
      this.exitError = new Error(`load process ${index} exited with ${code}`)
      this.waiter?.()
    })
  }

  send (message: ToWorker): void {
    this.child.send(message)
  }

  async next<T extends FromWorker['type']> (type: T): Promise<Reply<T>> {
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'failed')
      if (index !== -1) {
        const [message] = this.inbox.splice(index, 1)
        if (message.type === 'failed') {
          throw new Error(`load process failed: ${message.error}`)
        }
        return message as Reply<T>
      }
      if (this.exitError) throw this.exitError
      await new Promise<void>((resolve) => { this.waiter = resolve })
      this.waiter = null
    }
  }

  async close (): Promise<void> {
    if (this.child.exitCode !== null || this.exitError) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.send({ type: 'close' })
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}
