import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { sleep } from './clock.js'

export interface ServerSpec {
  /** Shown in logs and errors. */
  name: string
  /** Executable and arguments; the executable itself must be the server (for RSS). */
  command: string[]
  env: Record<string, string>
  port: number
  cwd: string
  /** Answers 200 once the server is ready. */
  readyPath: string
  /** Further condition on the ready answer's body (e.g. Redis up). */
  readyBody?: (body: string) => boolean
  /** Runs once the process has exited (e.g. removes its data folder). */
  afterExit?: () => void
}

const LOG_TAIL = 8_000
/** Linux reports process CPU time in clock ticks of 10 ms (USER_HZ = 100). */
const TICK_MS = 10

/** A server under test, started fresh and stopped by the harness. */
export class ServerProcess {
  private log = ''
  private exited: Promise<number | null>

  private constructor (readonly spec: ServerSpec, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-LOG_TAIL)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  static async start (spec: ServerSpec, timeoutMs = 60_000): Promise<ServerProcess> {
    const [executable, ...args] = spec.command
    const child = spawn(executable, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const server = new ServerProcess(spec, child)

    try {
      await server.waitReady(timeoutMs)
    } catch (err) {
      await server.stop()
      throw err
    }

    return server
  }

  get pid (): number {
    return this.child.pid ?? -1
  }

  get url (): string {
    return `http://127.0.0.1:${this.spec.port}`
  }

  get wsUrl (): string {
    return `ws://127.0.0.1:${this.spec.port}`
  }

  /** Resident set size of the server process, from /proc. */
  rssBytes (): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const match = /VmRSS:\s+(\d+) kB/.exec(status)
    if (!match) throw new Error(`no VmRSS for ${this.spec.name}`)
    return Number(match[1]) * 1024
  }

  /** Total CPU time (user + system) the process has used, in ms. */
  cpuMs (): number {
    const { userMs, systemMs } = this.cpuSplit()
    return userMs + systemMs
  }

  /** CPU time in user space and in the kernel (loopback socket writes count there), in ms. */
  cpuSplit (): { userMs: number, systemMs: number } {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return { userMs: Number(fields[11]) * TICK_MS, systemMs: Number(fields[12]) * TICK_MS }
  }

  /** Asks for a heap snapshot (the process must run with --heapsnapshot-signal=SIGUSR2). */
  signalHeapSnapshot (): void {
    this.child.kill('SIGUSR2')
  }

  logTail (): string {
    return this.log
  }

  async stop (): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      this.spec.afterExit?.()
      return
    }

    this.child.kill('SIGTERM')
    const timeout = sleep(12_000).then(() => 'timeout' as const)
    const code = await Promise.race([this.exited, timeout])
    if (code === 'timeout') {
      this.child.kill('SIGKILL')
      await this.exited
    }

    this.spec.afterExit?.()
  }

  private async waitReady (timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs

    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        const code = this.child.exitCode
        throw new Error(`${this.spec.name} exited with ${code}:\n${this.log}`)
      }
      const body = await bodyIf200(`${this.url}${this.spec.readyPath}`)
      if (body !== undefined && (this.spec.readyBody?.(body) ?? true)) return
      await sleep(100)
    }

    throw new Error(`${this.spec.name} not ready after ${timeoutMs} ms:\n${this.log}`)
  }
}

async function bodyIf200 (url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
    const body = await response.text()
    return response.status === 200 ? body : undefined
  } catch {
    return undefined
  }
}

/** A port free on loopback right now. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}
