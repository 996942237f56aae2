import { signToken } from '../../src/auth/tokens.js'
import { availableParallelism } from 'node:os'
import { backgroundLoad } from '../lib/cpu.js'
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js'
import { Probes } from '../lib/probes.js'
import { progress } from '../lib/report.js'
import type { ServerProcess } from '../lib/processes.js'
import {
  startBare, startProduct, startSocketIo, type TargetContext
} from '../lib/targets.js'
import { LoadFleet, type RunOptions, type RunResult } from './fleet.js'
import { planSockets, populate, type Shape } from './population.js'
import { migrateProduct, seedProduct, seedSocketIo } from './seed.js'

/**
 * The servers a fan-out run can drive; `-2i` is two instances sharing
 * PostgreSQL and Redis. Two product variants take a piece away to show what
 * it costs: `product-nocache` runs with CACHE_ENABLED=false (no cache
 * invalidation on the send path), `product-local` without Redis (budget,
 * presence and fan-out in process; one instance only).
 */
export const TARGETS = [
  'product', 'product-2i', 'product-nocache', 'product-local',
  'socketio', 'socketio-2i', 'bare'
] as const
export type TargetName = typeof TARGETS[number]

export function parseTarget (name: string): TargetName {
  if (!(TARGETS as readonly string[]).includes(name)) {
    throw new Error(`unknown target ${name}: one of ${TARGETS.join(', ')}`)
  }
  return name as TargetName
}

/** Fresh servers, a fresh database and connected load processes: one target, one shape. */
export class Scenario {
  private constructor (
    readonly target: TargetName,
    readonly shape: Shape,
    readonly servers: ServerProcess[],
    readonly fleet: LoadFleet,
    private readonly database: BenchDatabase | null,
    /** CPU busy before the scenario started (percent of one core): others' work. */
    readonly backgroundCpu: number,
    private readonly probes: Probes
  ) {}

  static async open (
    context: TargetContext,
    target: TargetName,
    shape: Shape,
    scenarioId: string
  ): Promise<Scenario> {
    const backgroundCpu = await backgroundLoad(availableParallelism())
    if (backgroundCpu > 25) progress(`warning: the machine is already ${backgroundCpu}% busy`)
    const population = populate(shape)
    const database = target === 'bare'
      ? null
      : await createBenchDatabase(context.settings.postgresAdminUrl)
    const redisPrefix = `${context.settings.redisPrefix}${scenarioId}:`
    const servers: ServerProcess[] = []

    try {
      if (target === 'bare') {
        servers.push(await startBare(context))
      } else if (target.startsWith('product')) {
        const url = database?.url ?? ''
        await migrateProduct(url)
        await seedProduct(url, population)
        for (let i = 0; i < instanceCount(target); i++) {
          servers.push(await startProduct(context, {
            databaseUrl: url,
            redis: target !== 'product-local',
            redisPrefix,
            instanceId: `bench-${i + 1}`,
            env: target === 'product-nocache' ? { CACHE_ENABLED: 'false' } : {}
          }))
        }
      } else {
        const url = database?.url ?? ''
        await seedSocketIo(url, population)
        for (let i = 0; i < instanceCount(target); i++) {
          servers.push(await startSocketIo(context, { databaseUrl: url, redisPrefix }))
        }
      }

      const secret = context.settings.jwtSecret
      const socketIo = target.startsWith('socketio')
      const urls = servers.map((server) => socketIo ? server.url : server.wsUrl)
      const plans = planSockets(population, urls, (user) =>
        signToken(secret, { sub: user.id, role: user.role, expiresInSeconds: 6 * 3600 }))
      const kind = socketIo ? 'socketio' : 'raw'
      const fleet = await LoadFleet.start({ kind, plans })

      const probes = new Probes({
        postgresAdminUrl: context.settings.postgresAdminUrl,
        databaseName: database?.name ?? null,
        redisUrl: context.settings.redisUrl
      })
      return new Scenario(target, shape, servers, fleet, database, backgroundCpu, probes)
    } catch (err) {
      await Promise.all(servers.map(async (server) => await server.stop()))
      await database?.drop()
      throw err
    }
  }

  async run (options: Omit<RunOptions, 'servers' | 'probes'>): Promise<RunResult> {
    return await this.fleet.run({ ...options, servers: this.servers, probes: this.probes })
  }

  async close (): Promise<void> {
    await this.probes.close()
    await this.fleet.close()
    await Promise.all(this.servers.map(async (server) => await server.stop()))
    await this.database?.drop()
  }
}

function instanceCount (target: TargetName): number {
  return target.endsWith('-2i') ? 2 : 1
}
