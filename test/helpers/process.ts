import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { projectRoot } from '../../src/lib/paths.js'

export interface ServerProcess {
  child: ChildProcess
  port: number
  baseUrl: string
  output: () => string
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>
}

/** A free TCP port on loopback. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Runs src/server.ts in a separate process, as `npm start` would, and waits
 * until it answers /health.
 */
export async function startServerProcess (env: Record<string, string | undefined>): Promise<ServerProcess> {
  const port = await freePort()
  let output = ''

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot(),
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stdout?.on('data', (chunk) => { output += String(chunk) })
  child.stderr?.on('data', (chunk) => { output += String(chunk) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const baseUrl = `http://127.0.0.1:${port}`
  await waitForHealth(baseUrl, exited, () => output)

  return { child, port, baseUrl, output: () => output, exited }
}

async function waitForHealth (baseUrl: string, exited: Promise<unknown>, output: () => string) {
  let done = false
  void exited.then(() => { done = true })

  for (let attempt = 0; attempt < 300; attempt++) {
    if (done) throw new Error(`server exited before answering:\n${output()}`)
    const ok = await fetch(`${baseUrl}/health`).then((res) => res.ok, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  throw new Error(`server did not answer /health in 30 s:\n${output()}`)
}

/** Runs the server entry point expecting it to stop; returns its exit code and output. */
export async function runServerExpectingExit (env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk) => { stderr += String(chunk) })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, stderr }
}
