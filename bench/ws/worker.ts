/*
 * A load process: opens its share of the sockets, sends at a steady rate,
 * and checks every delivery (exactly once, in seq order) while recording
 * latencies. Driven by the harness over IPC (see ipc.ts). Several of these
 * run side by side so that no single client process is the bottleneck.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { LatencyRecorder } from '../lib/latency.js'
import { nowMs, sleep, sleepUntil } from '../lib/clock.js'
import { SeqTracker, addCounts, noDeliveries } from '../lib/seq-tracker.js'
import type { BenchClient, ClientEvents } from './clients/client.js'
import { RawClient } from './clients/raw-client.js'
import { SocketIoClient } from './clients/socketio-client.js'
import type {
  ClientKind, FromWorker, RunPlan, RunReport, SocketPlan, ToWorker
} from './ipc.js'

interface PendingSend {
  conversationId: string
  clientMsgId: string
  content: string
  sentAt: number
  measured: boolean
}

/** One socket of the load and everything it has seen. */
interface Member {
  plan: SocketPlan
  client: BenchClient | null
  online: boolean
  /** Cut on purpose: its close is expected and it will come back. */
  cut: boolean
  trackers: Map<string, SeqTracker>
  pending: Map<string, PendingSend>
  nextConversation: number
  catchingUp: boolean
  catchUpTo: number
  reconnectStartedAt: number
}

const workerId = process.env.BENCH_WORKER_ID ?? String(process.pid)
const endToEnd = new LatencyRecorder()
const ackLatency = new LatencyRecorder()
const replayLatency = new LatencyRecorder()
const LOOP_RESOLUTION_MS = 10
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })

let kind: ClientKind = 'raw'
let members: Member[] = []
let requestCounter = 0
let measureFrom = Infinity
let measureTo = -Infinity
let counters = freshCounters()
let maxSeq = new Map<string, number>()

function freshCounters () {
  return {
    sentInWindow: 0,
    acksInWindow: 0,
    deliveriesInWindow: 0,
    sendErrors: {} as Record<string, number>,
    serverCloses: 0,
    reconnects: 0,
    failedReconnects: 0
  }
}

process.on('message', (message: ToWorker) => {
  handle(message).catch((err: Error) => {
    reply({ type: 'failed', error: err.stack ?? err.message })
  })
})

async function handle (message: ToWorker): Promise<void> {
  if (message.type === 'connect') await connectAll(message)
  else if (message.type === 'run') await run(message.plan)
  else if (message.type === 'final') await finish(message.finalSeq, message.settleMs)
  else if (message.type === 'close') await closeAll()
}

function reply (message: FromWorker): void {
  process.send?.(message)
}

async function connectAll (order: Extract<ToWorker, { type: 'connect' }>) {
  const { concurrency, join } = order
  kind = order.kind
  members = order.sockets.map(newMember)
  let failed = 0
  let firstError: string | undefined
  let next = 0

  const lane = async () => {
    while (next < members.length) {
      const member = members[next++]
      try {
        await connect(member, { join, rejoin: false })
      } catch (err) {
        failed++
        firstError ??= (err as Error).message
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))

  members = members.filter((member) => member.online)
  reply({ type: 'connected', sockets: members.length, failed, firstError })
}

function newMember (plan: SocketPlan): Member {
  return {
    plan,
    client: null,
    online: false,
    cut: false,
    trackers: new Map(plan.conversationIds.map((id) => [id, new SeqTracker(0)])),
    pending: new Map(),
    nextConversation: 0,
    catchingUp: false,
    catchUpTo: Infinity,
    reconnectStartedAt: 0
  }
}

/**
 * Opens the member's socket and joins its conversations; a rejoin asks for
 * everything after the last seq seen. Storm members have one conversation,
 * so catchUpTo is that conversation's last seq at the rejoin.
 */
async function connect (member: Member, options: { join: boolean, rejoin: boolean }) {
  const client = makeClient(member)
  member.client = client
  await client.open()

  for (const conversationId of options.join ? member.plan.conversationIds : []) {
    const tracker = member.trackers.get(conversationId)
    const afterSeq = options.rejoin ? tracker?.lastSeq : undefined
    const joined = await client.join(conversationId, afterSeq)
    if (options.rejoin) member.catchUpTo = joined.lastSeq
  }

  member.online = true
}

function makeClient (member: Member): BenchClient {
  const target = { url: member.plan.url, token: member.plan.token }
  const events: ClientEvents = {
    onMessage: (conversationId, seq, content) => {
      onMessage(member, conversationId, seq, content)
    },
    onSendResult: (requestId, seq, code) => {
      onSendResult(member, requestId, seq, code)
    },
    onClose: () => onClose(member, client)
  }
  const client: BenchClient = kind === 'socketio'
    ? new SocketIoClient(target, events)
    : new RawClient(target, events)
  return client
}

function onMessage (member: Member, conversationId: string, seq: number, content: string) {
  const tracker = member.trackers.get(conversationId)
  if (!tracker) return
  tracker.receive(seq)

  const now = nowMs()
  if (member.catchingUp) {
    if (tracker.lastSeq >= member.catchUpTo) caughtUp(member, now)
    return
  }

  const sentAt = parseFloat(content)
  if (sentAt >= measureFrom && sentAt < measureTo) endToEnd.record(now - sentAt)
  if (now >= measureFrom && now < measureTo) counters.deliveriesInWindow++
}

function onSendResult (member: Member, requestId: string, seq: number, code?: string) {
  const pending = member.pending.get(requestId)
  if (!pending) return
  member.pending.delete(requestId)

  if (code !== undefined) {
    counters.sendErrors[code] = (counters.sendErrors[code] ?? 0) + 1
    return
  }

  const conversationId = pending.conversationId
  if ((maxSeq.get(conversationId) ?? 0) < seq) maxSeq.set(conversationId, seq)
  const now = nowMs()
  if (pending.measured) ackLatency.record(now - pending.sentAt)
  if (now >= measureFrom && now < measureTo) counters.acksInWindow++
}

function onClose (member: Member, client: BenchClient): void {
  // A late close event of a connection already replaced is no news.
  if (member.client !== client) return
  member.online = false
  if (!member.cut) counters.serverCloses++
}

async function run (plan: RunPlan): Promise<void> {
  resetForRun(plan)
  loopDelay.reset()
  loopDelay.enable()

  const sendFrom = plan.startAt
  const sendTo = plan.startAt + plan.warmupMs + plan.durationMs
  measureFrom = plan.startAt + plan.warmupMs
  measureTo = sendTo

  if (plan.storm) scheduleStorm(plan, sendTo)
  await sleepUntil(sendFrom)
  await sendSteadily(plan, sendFrom, sendTo)
  await waitForAcks(sendTo + 20_000)

  const seqs: Record<string, number> = {}
  for (const [conversationId, seq] of maxSeq) seqs[conversationId] = seq
  reply({ type: 'sent', maxSeq: seqs, unacked: countPending() })
}

function resetForRun (plan: RunPlan): void {
  counters = freshCounters()
  maxSeq = new Map()
  endToEnd.reset()
  ackLatency.reset()
  replayLatency.reset()

  for (const member of members) {
    for (const conversationId of member.plan.conversationIds) {
      const baseline = plan.baseline[conversationId] ?? 0
      member.trackers.set(conversationId, new SeqTracker(baseline))
    }
  }
}

/** Open loop: sends fall due by the clock, whatever the server answers. */
async function sendSteadily (plan: RunPlan, from: number, to: number): Promise<void> {
  const padding = 'x'.repeat(Math.max(0, plan.contentBytes - 16))
  let sent = 0
  let cursor = 0

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs()
      if (now >= to || members.length === 0) {
        clearInterval(timer)
        resolve()
        return
      }

      const due = Math.floor(plan.rate * (now - from) / 1000)
      for (let tries = 0; sent < due && tries < members.length * 2; tries++) {
        const member = members[cursor]
        cursor = (cursor + 1) % members.length
        if (!member.online) continue

        sendOne(member, padding, now)
        sent++
      }
    }
    const timer = setInterval(tick, 5)
  })
}

function sendOne (member: Member, padding: string, now: number): void {
  const conversations = member.plan.conversationIds
  const conversationId = conversations[member.nextConversation++ % conversations.length]
  const requestId = String(++requestCounter)
  const clientMsgId = `${workerId}-${requestCounter}`
  const content = now.toFixed(3) + ' ' + padding
  const measured = now >= measureFrom && now < measureTo

  const pending = { conversationId, clientMsgId, content, sentAt: now, measured }
  member.pending.set(requestId, pending)
  member.client?.send(requestId, conversationId, content, clientMsgId)
  if (measured) counters.sentInWindow++
}

async function waitForAcks (deadline: number): Promise<void> {
  while (nowMs() < deadline) {
    if (countPending() === 0 && members.every((member) => member.online)) return
    await sleep(50)
  }
}

function countPending (): number {
  let pending = 0
  for (const member of members) pending += member.pending.size
  return pending
}

/*
 * Reconnect storm: every client is cut once per cutEveryMs at its own
 * phase, comes back after downMs, rejoins with afterSeq = the last seq it
 * saw, and resends what was never acknowledged with the same clientMsgId.
 */
function scheduleStorm (plan: RunPlan, stopAt: number): void {
  const storm = plan.storm
  if (!storm) return

  for (const member of members) {
    const firstCut = plan.startAt + Math.random() * storm.cutEveryMs
    const cycle = (cutAt: number) => {
      if (cutAt + storm.downMs >= stopAt) return
      setTimeout(() => {
        cutMember(member)
        setTimeout(() => {
          void reconnect(member).finally(() => cycle(cutAt + storm.cutEveryMs))
        }, storm.downMs)
      }, Math.max(0, cutAt - nowMs()))
    }
    cycle(firstCut)
  }
}

function cutMember (member: Member): void {
  member.cut = true
  member.online = false
  member.client?.cut()
}

async function reconnect (member: Member): Promise<void> {
  counters.reconnects++
  member.reconnectStartedAt = nowMs()
  member.catchingUp = true
  member.catchUpTo = Infinity

  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await connect(member, { join: true, rejoin: true })
      member.cut = false
      const holdsAll = lowestLastSeq(member) >= member.catchUpTo
      if (member.catchingUp && holdsAll) caughtUp(member, nowMs())
      resendPending(member)
      return
    } catch {
      counters.failedReconnects++
      member.catchUpTo = Infinity
      await sleep(250)
    }
  }
}

function lowestLastSeq (member: Member): number {
  let lowest = Infinity
  for (const tracker of member.trackers.values()) lowest = Math.min(lowest, tracker.lastSeq)
  return lowest
}

function caughtUp (member: Member, now: number): void {
  member.catchingUp = false
  replayLatency.record(now - member.reconnectStartedAt)
}

function resendPending (member: Member): void {
  for (const [requestId, pending] of member.pending) {
    pending.measured = false
    const { conversationId, content, clientMsgId } = pending
    member.client?.send(requestId, conversationId, content, clientMsgId)
  }
}

async function finish (finalSeq: Record<string, number>, settleMs: number): Promise<void> {
  const deadline = nowMs() + settleMs
  while (nowMs() < deadline && !allCaughtUp(finalSeq)) await sleep(20)
  loopDelay.disable()

  let counts = noDeliveries()
  for (const member of members) {
    for (const [conversationId, tracker] of member.trackers) {
      counts = addCounts(counts, tracker.counts(finalSeq[conversationId] ?? 0))
    }
  }

  const report: RunReport = {
    type: 'result',
    counts,
    sentInWindow: counters.sentInWindow,
    acksInWindow: counters.acksInWindow,
    deliveriesInWindow: counters.deliveriesInWindow,
    sendErrors: counters.sendErrors,
    unacked: countPending(),
    endToEnd: endToEnd.encode(),
    ack: ackLatency.encode(),
    replay: replayLatency.encode(),
    reconnects: counters.reconnects,
    failedReconnects: counters.failedReconnects,
    serverCloses: counters.serverCloses,
    loopDelayP99: loopLagP99()
  }
  reply(report)
}

// The histogram holds whole sampling intervals; the lag is what exceeds one.
function loopLagP99 (): number {
  const ms = loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS
  return Math.max(0, Math.round(ms * 100) / 100)
}

function allCaughtUp (finalSeq: Record<string, number>): boolean {
  for (const member of members) {
    for (const [conversationId, tracker] of member.trackers) {
      if (tracker.lastSeq < (finalSeq[conversationId] ?? 0)) return false
    }
  }
  return true
}

async function closeAll (): Promise<void> {
  for (const member of members) {
    member.cut = true
    member.client?.close()
  }
  await sleep(200)
  process.exit(0)
}
