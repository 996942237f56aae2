import { signToken } from '../src/auth/tokens.js'
import { sleep } from './lib/clock.js'
import { createBenchDatabase, type BenchDatabase } from './lib/database.js'
import type { ServerProcess } from './lib/processes.js'
import { printJson, printTable, progress, type Row } from './lib/report.js'
import { median, ratio, round } from './lib/stats.js'
import {
  startBare, startProduct, startSocketIo, type TargetContext
} from './lib/targets.js'
import { LoadFleet } from './ws/fleet.js'
import type { SocketPlan } from './ws/ipc.js'
import { planSockets, populate } from './ws/population.js'
import { migrateProduct, seedProduct, seedSocketIo } from './ws/seed.js'

export interface MemoryOptions {
  targets: string[]
  sockets: number
  /** Sockets connected first, so start-up and JIT costs fall outside the measure. */
  warmSockets: number
}

/**
 * Resident memory per idle authenticated socket joined to a conversation:
 * RSS after `sockets` more connections, minus RSS before them, divided by
 * their number. Each RSS is the median of samples over a few seconds.
 */
export async function runMemory (context: TargetContext, options: MemoryOptions) {
  const rows: Row[] = []
  const perSocket: Record<string, number> = {}

  for (const target of options.targets) {
    progress(`memory ${target}: ${options.sockets} sockets`)
    const measured = await measureTarget(context, target, options)
    perSocket[target] = measured.bytesPerSocket
    rows.push({
      target,
      sockets: options.sockets,
      'rss before MiB': round(measured.before / 2 ** 20, 1),
      'rss after MiB': round(measured.after / 2 ** 20, 1),
      'KiB per socket': round(measured.bytesPerSocket / 1024, 1)
    })
    printJson({ bench: 'memory', target, sockets: options.sockets, ...measured })
  }

  const title = 'Memory per idle authenticated socket joined to a conversation ' +
    '(target ≤ 1.15× bare)'
  printTable(title, rows)
  if (perSocket.product && perSocket.bare) {
    const productVsBare = ratio(perSocket.product, perSocket.bare)
    printJson({ bench: 'memory-ratio', productVsBare })
    process.stdout.write(`product / bare ws: ${productVsBare}\n`)
  }
}

async function measureTarget (
  context: TargetContext,
  target: string,
  options: MemoryOptions
) {
  const conversations = Math.ceil((options.sockets + options.warmSockets) / 2)
  const population = populate({ name: 'memory', conversations, membersPerConversation: 2 })
  const database: BenchDatabase | null = target === 'bare'
    ? null
    : await createBenchDatabase(context.settings.postgresAdminUrl)
  const redisPrefix = `${context.settings.redisPrefix}mem-${target}:`
  let server: ServerProcess | null = null
  const fleets: LoadFleet[] = []

  try {
    if (target === 'product') {
      await migrateProduct(database?.url ?? '')
      await seedProduct(database?.url ?? '', population)
      server = await startProduct(context, {
        databaseUrl: database?.url, redis: true, redisPrefix
      })
    } else if (target === 'socketio') {
      await seedSocketIo(database?.url ?? '', population)
      server = await startSocketIo(context, {
        databaseUrl: database?.url ?? '', redisPrefix
      })
    } else {
      server = await startBare(context)
    }

    const url = target === 'socketio' ? server.url : server.wsUrl
    const secret = context.settings.jwtSecret
    const plans = planSockets(population, [url], (user) =>
      signToken(secret, { sub: user.id, role: user.role, expiresInSeconds: 6 * 3600 }))
    const kind = target === 'socketio' ? 'socketio' : 'raw'
    const start = async (share: SocketPlan[]) => {
      const fleet = await LoadFleet.start({ kind, plans: share })
      fleets.push(fleet)
    }

    await start(plans.slice(0, options.warmSockets))
    const before = await settledRss(server)
    await start(plans.slice(options.warmSockets, options.warmSockets + options.sockets))
    const after = await settledRss(server)
    if (context.heapDir && target !== 'socketio') {
      server.signalHeapSnapshot()
      await sleep(20_000)
    }

    return { before, after, bytesPerSocket: Math.round((after - before) / options.sockets) }
  } finally {
    for (const fleet of fleets) await fleet.close()
    await server?.stop()
    await database?.drop()
  }
}

async function settledRss (server: ServerProcess): Promise<number> {
  await sleep(3000)
  const samples: number[] = []
  for (let i = 0; i < 7; i++) {
    samples.push(server.rssBytes())
    await sleep(500)
  }
  return median(samples)
}
