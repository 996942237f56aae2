/*
 * npm run bench -- <http|ws|ws-search|memory|storm|all> [options]
 *
 * Starts fresh servers (the product, the Socket.IO comparison server, the
 * bare ws ceiling), drives them from separate load processes, and prints a
 * table plus one JSON line per run. Needs PostgreSQL and Redis on loopback
 * (BENCH_POSTGRES_URL, BENCH_REDIS_URL); every database it creates and every
 * Redis key it writes is removed at the end. See BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/lib/paths.js'
import { deleteKeysUnder } from './lib/redis-cleanup.js'
import { progress } from './lib/report.js'
import { loadSettings } from './lib/settings.js'
import type { TargetContext } from './lib/targets.js'
import { runHttp } from './http/run-http.js'
import { runMemory } from './memory.js'
import { runFanout } from './ws/fanout.js'
import { runSearch } from './ws/search.js'
import { runStorm } from './ws/storm.js'

const COMMANDS = ['http', 'ws', 'ws-search', 'memory', 'storm', 'all'] as const
type Command = typeof COMMANDS[number]

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'server': { type: 'string', default: 'dist' },
    'no-build': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    'targets': { type: 'string' },
    'shapes': { type: 'string' },
    'rate': { type: 'string' },
    'warmup': { type: 'string' },
    'duration': { type: 'string' },
    'connections': { type: 'string' },
    'sockets': { type: 'string' },
    'runs': { type: 'string' },
    'refine': { type: 'string' },
    'storm-duration': { type: 'string' },
    'storm-rate': { type: 'string' },
    'profile': { type: 'string' },
    'heap': { type: 'string' },
    'help': { type: 'boolean', short: 'h', default: false }
  }
})

const HELP = `usage: npm run bench -- <${COMMANDS.join('|')}> [options]
  --server dist|tsx     run the built product (default, builds first) or its sources
  --no-build            skip npm run build
  --log-level LEVEL     product log level under load (default warn)
  --targets a,b         ws: product,product-2i,socketio,socketio-2i,bare
  --shapes a,b          ws: conversations x members, e.g. 500x2,100x20
  --rate n[,n]          ws: total sends per second per shape
  --warmup s --duration s   seconds of warm-up and of measurement per run
  --connections n       http: autocannon connections (default 20)
  --sockets n           memory: idle sockets measured (default 5000)
  --runs n              ws-search: runs per step, the median decides (default 3)
  --refine n            ws-search: bisections after the first failed step (default 1)
  --storm-duration s    storm: seconds of traffic with cuts (default 35)
  --storm-rate n        storm: total sends per second (default 200)
  --profile DIR         write a CPU profile of each product process to DIR
                        (summarise: npx tsx bench/tools/profile-summary.ts FILE)
  --heap DIR            memory: write a heap snapshot of the product with all sockets
                        (summarise: npx tsx bench/tools/heap-summary.ts FILE)`

async function main () {
  const command = (positionals[0] ?? 'all') as Command
  if (values.help || !COMMANDS.includes(command)) {
    process.stdout.write(`${HELP}\n`)
    process.exit(values.help ? 0 : 1)
  }

  const context = prepare()
  const started = Date.now()

  try {
    if (command === 'http' || command === 'all') {
      await runHttp(context, {
        connections: Number(values.connections ?? 20),
        warmupMs: seconds(values.warmup, 2),
        durationMs: seconds(values.duration, 10)
      })
    }

    if (command === 'memory' || command === 'all') {
      await runMemory(context, {
        targets: list(values.targets, 'product,bare'),
        sockets: Number(values.sockets ?? 5000),
        warmSockets: 200
      })
    }

    if (command === 'ws' || command === 'all') {
      await runFanout(context, {
        targets: list(values.targets, 'product,product-2i,socketio,bare'),
        shapes: list(values.shapes, '500x2,100x20'),
        rates: list(values.rate, '500,50').map(Number),
        warmupMs: seconds(values.warmup, 2),
        durationMs: seconds(values.duration, 10)
      })
    }

    if (command === 'ws-search' || command === 'all') {
      await runSearch(context, {
        targets: list(values.targets, 'product,socketio,product-2i,bare'),
        shapes: list(values.shapes, '500x2,100x20'),
        startRates: list(values.rate, '400,40').map(Number),
        growth: 1.5,
        refinements: Number(values.refine ?? 1),
        runsPerStep: Number(values.runs ?? 3),
        warmupMs: seconds(values.warmup, 1),
        durationMs: seconds(values.duration, 4),
        p99LimitMs: 100,
        maxRate: 100_000
      })
    }

    if (command === 'storm' || command === 'all') {
      await runStorm(context, {
        target: 'product',
        shape: '500x2',
        rate: Number(values['storm-rate'] ?? 200),
        cutEveryMs: 15_000,
        downMs: 2000,
        warmupMs: 2000,
        durationMs: seconds(values['storm-duration'], 35)
      })
    }
  } finally {
    const { redisUrl, redisPrefix } = context.settings
    const keys = await deleteKeysUnder(redisUrl, redisPrefix)
    const seconds = Math.round((Date.now() - started) / 1000)
    progress(`done in ${seconds} s; removed ${keys} Redis keys`)
  }
}

function prepare (): TargetContext {
  const root = projectRoot()
  const serverMode = values.server === 'tsx' ? 'tsx' : 'dist'

  if (serverMode === 'dist' && !values['no-build']) {
    progress('building the product (npm run build)')
    try {
      execFileSync('npm', ['run', 'build', '--silent'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe']
      })
    } catch (err) {
      const output = String((err as { stdout?: Buffer }).stdout ?? '')
      progress(`build reported errors; using what it emitted\n${output}`)
    }
  }
  return {
    root,
    settings: loadSettings(),
    serverMode,
    logLevel: values['log-level'] ?? 'warn',
    profileDir: values.profile,
    heapDir: values.heap
  }
}

function list (value: string | undefined, fallback: string): string[] {
  return (value ?? fallback).split(',').map((item) => item.trim()).filter(Boolean)
}

function seconds (value: string | undefined, fallback: number): number {
  return Math.round(Number(value ?? fallback) * 1000)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
})
