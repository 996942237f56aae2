import { randomBytes } from 'node:crypto'
import { signToken } from '../../src/auth/tokens.js'
import { USERS, type TestUser } from './api.js'
import { TEST_SECRET } from './app.js'
import { freshDatabaseUrl } from './database.js'
import { startServerProcess, type ServerProcess } from './process.js'
import { deleteKeys } from './redis-server.js'
import { TestSocket } from './ws-client.js'

interface Teardown { teardown(fn: () => unknown): void }

/*
 * Instances in separate processes cannot share an embedded database, so a
 * cluster always runs on PostgreSQL: DATABASE_URL when set (CI), otherwise
 * the PostgreSQL of the development machine. Each cluster gets a fresh
 * database on it, dropped at the end.
 */
const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test'

export interface HttpAnswer {
  status: number
  body: any
}

export interface ClusterNode {
  instanceId: string
  baseUrl: string
  server: ServerProcess
  /** A socket as the user on this instance, ready. */
  socket(t: Teardown, user: TestUser): Promise<TestSocket>
  /** A socket as the user on this instance, ready and joined to the conversation. */
  joined(t: Teardown, user: TestUser, conversationId: string): Promise<TestSocket>
  /** An HTTP call as the user (or without a token for null). */
  call(user: TestUser | null, method: string, url: string, body?: unknown): Promise<HttpAnswer>
  /** SIGKILL, as a crash: resolves once the process is gone. */
  kill(): Promise<void>
}

export interface Cluster {
  nodes: ClusterNode[]
  prefix: string
  databaseUrl: string
  tokenOf(user: TestUser): string
  /** Setup S of FIELD-CASES.md through the first instance. */
  setupS(): Promise<{ jobId: string, conversationId: string }>
}

export interface ClusterOptions {
  redisUrl?: string
  count?: number
  env?: Record<string, string>
}

/** Instances of the service as separate processes on one database and one Redis. */
export async function startCluster (t: Teardown, options: ClusterOptions = {}): Promise<Cluster> {
  const database = await freshDatabaseUrl(process.env.DATABASE_URL ?? MACHINE_POSTGRES)
    .catch((err: Error) => {
      const wanted = `DATABASE_URL or ${MACHINE_POSTGRES}`
      throw new Error(`cluster tests need PostgreSQL (${wanted}): ${err.message}`)
    })
  const databaseUrl = database.url!
  const prefix = `t${randomBytes(4).toString('hex')}:`
  const servers: ServerProcess[] = []

  t.teardown(async () => {
    await Promise.all(servers.map(stopGracefully))
    await database.drop()
    if (options.redisUrl) await deleteKeys(options.redisUrl, prefix)
  })

  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    JWT_SECRET: TEST_SECRET,
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl ?? '',
    REDIS_PREFIX: prefix,
    ...options.env
  }
  const tokenOf = (user: TestUser) => signToken(TEST_SECRET, { sub: user, role: USERS[user] })

  // One after the other: the first applies the migrations.
  const nodes: ClusterNode[] = []
  for (let i = 1; i <= (options.count ?? 2); i++) {
    const server = await startServerProcess({ ...env, INSTANCE_ID: `I${i}` })
    servers.push(server)
    nodes.push(clusterNode(`I${i}`, server, tokenOf))
  }

  return {
    nodes,
    prefix,
    databaseUrl,
    tokenOf,
    setupS: async () => await setupS(nodes[0])
  }
}

function clusterNode (
  instanceId: string, server: ServerProcess, tokenOf: (user: TestUser) => string
): ClusterNode {
  const node: ClusterNode = {
    instanceId,
    baseUrl: server.baseUrl,
    server,
    socket: async (t, user) => await TestSocket.ready(t, server.baseUrl, tokenOf(user)),
    joined: async (t, user, conversationId) => {
      const socket = await node.socket(t, user)
      await socket.ok({ type: 'join', conversationId })
      return socket
    },
    call: async (user, method, url, body) =>
      await call(server.baseUrl, user && tokenOf(user), method, url, body),
    kill: async () => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL')
      await server.exited
    }
  }
  return node
}

export async function call (
  baseUrl: string, token: string | null, method: string, url: string, body?: unknown
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'

  const res = await fetch(baseUrl + url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000)
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function setupS (node: ClusterNode) {
  await expectOk(node.call('k1', 'GET', '/api/notifications'))
  await expectOk(node.call('k2', 'GET', '/api/notifications'))
  const job = await expectOk(node.call('coA', 'POST', '/api/jobs',
    { title: 'Backend dev', description: 'x' }))
  const conversation = await expectOk(node.call('coA', 'POST', '/api/conversations', {
    candidateId: 'k1',
    jobId: job.id
  }))
  return { jobId: String(job.id), conversationId: String(conversation.id) }
}

async function expectOk (answer: Promise<HttpAnswer>) {
  const { status, body } = await answer
  if (status >= 300) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`)
  return body
}

async function stopGracefully (server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return

  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000)
  server.child.kill('SIGTERM')
  await server.exited
  clearTimeout(timer)
}
