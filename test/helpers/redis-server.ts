import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Redis } from 'ioredis'
import { freePort } from './process.js'

interface Teardown { teardown(fn: () => unknown): void }

/**
 * A redis-server of the test's own on a free port, without persistence, so
 * a test may stop and restart it (its data is lost, as after a crash). The
 * shared Redis of the machine is never touched.
 */
export class OwnRedis {
  private child: ChildProcess | null = null

  private constructor (readonly port: number) {}

  static async start (t: Teardown): Promise<OwnRedis> {
    const server = new OwnRedis(await freePort())
    t.teardown(async () => { await server.stop() })
    await server.restart()
    return server
  }

  get url (): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts it (again) on the same port, empty, and waits until it answers. */
  async restart (): Promise<void> {
    if (this.child) return

    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1',
      '--save', '', '--appendonly', 'no'
    ], { stdio: 'ignore' })
    this.child = child
    child.once('exit', () => { if (this.child === child) this.child = null })

    await waitUntilAnswering(this.url)
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  async stop (): Promise<void> {
    const child = this.child
    if (!child) return

    this.child = null
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
  }

  /** An independent connection, closed when the test ends. */
  client (t: Teardown): Redis {
    return independentClient(t, this.url)
  }
}

/** A plain connection of the test's own to a Redis (the product never sees it). */
export function independentClient (t: Teardown, url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false })
  client.on('error', () => {})
  t.teardown(() => { client.disconnect() })
  return client
}

/** Removes every key under the prefix (a shared Redis keeps nothing of a test). */
export async function deleteKeys (redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    const stream = redis.scanStream({ match: `${prefix}*`, count: 500 })
    stream.on('data', (keys: string[]) => { if (keys.length > 0) void redis.unlink(...keys) })
    await once(stream, 'end')
    await redis.ping()
  } catch {
    // A Redis the test stopped has nothing left to clean.
  } finally {
    redis.disconnect()
  }
}

/** REDIS_URL when the environment gives one (CI), else a redis-server of our own. */
export async function redisUrlForTest (t: Teardown): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL
  return (await OwnRedis.start(t)).url
}

async function waitUntilAnswering (url: string): Promise<void> {
  const deadline = Date.now() + 10_000

  while (Date.now() < deadline) {
    const probe = new Redis(url, {
      lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null
    })
    probe.on('error', () => {})
    try {
      await probe.connect()
      await probe.ping()
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      probe.disconnect()
    }
  }

  throw new Error(`redis-server at ${url} did not answer`)
}
